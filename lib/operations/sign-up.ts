import { emailDomain } from '../domain/domains';
import { AUTO_JOIN_ROLE } from '../domain/membership';
import { type JoinOutcome, joinByDomain } from '../store/auto-join';
import { domainOwner } from '../store/domains';
import { recordUser } from '../store/users';

export interface SignUp {
  sub: string;
  email: string | undefined;
  emailVerified: boolean;
}

/**
 * A confirmed sign-up: record the user, then domain auto-join. Both steps are idempotent, so a
 * redelivered event changes nothing. Store failures propagate (see the trigger for why).
 */
export async function onSignUp(user: SignUp, now = new Date().toISOString()): Promise<JoinOutcome> {
  await recordUser(user.sub, user.email ?? null, now);
  return autoJoinOnSignUp(user, now);
}

/**
 * Domain auto-join: a verified email whose domain (normalised like a customer domain, exact match:
 * a subdomain does not match) is an account's domain with auto-join on gives a direct MEMBER
 * membership there, and that account becomes the default if the user had none. No match, an
 * unverified or malformed email: nothing happens, and the sign-up goes on.
 */
export async function autoJoinOnSignUp(user: SignUp, now = new Date().toISOString()): Promise<JoinOutcome> {
  if (!user.emailVerified) return 'NO_MATCH';
  const domain = emailDomain(user.email);
  if (!domain) return 'NO_MATCH';
  const accountId = await domainOwner(domain);
  if (!accountId) return 'NO_MATCH';
  return joinByDomain(user.sub, accountId, domain, AUTO_JOIN_ROLE, now);
}

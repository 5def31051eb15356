import { emailDomain } from '../domain/domains';
import { AUTO_JOIN_ROLE } from '../domain/membership';
import { type JoinOutcome, joinByDomain } from '../store/auto-join';
import { type DomainGuard, domainGuard } from '../store/domains';
import { recordUser } from '../store/users';

export interface SignUp {
  sub: string;
  email: string | undefined;
  emailVerified: boolean;
}

/**
 * A confirmed sign-up: record the user and domain auto-join. Recording the user and looking up the
 * domain's guard are independent reads and writes, so they go out together; the join's transaction
 * follows both. Both steps are idempotent, so a redelivered event changes nothing. Store failures
 * propagate (see the trigger for why).
 */
export async function onSignUp(user: SignUp, now = new Date().toISOString()): Promise<JoinOutcome> {
  const [, match] = await Promise.all([recordUser(user.sub, user.email ?? null, now), autoJoinMatch(user)]);
  return match ? joinByDomain(user.sub, match.guard, match.domain, AUTO_JOIN_ROLE, now) : 'NO_MATCH';
}

/**
 * Domain auto-join: a verified email whose domain (normalised like a customer domain, exact match:
 * a subdomain does not match) is an account's domain with auto-join on gives a direct MEMBER
 * membership there, and that account becomes the default if the user had none. No match, an
 * unverified or malformed email: nothing happens, and the sign-up goes on.
 */
export async function autoJoinOnSignUp(user: SignUp, now = new Date().toISOString()): Promise<JoinOutcome> {
  const match = await autoJoinMatch(user);
  return match ? joinByDomain(user.sub, match.guard, match.domain, AUTO_JOIN_ROLE, now) : 'NO_MATCH';
}

/** The guard of the user's email domain, when the email is verified and some account owns it. */
async function autoJoinMatch(user: SignUp): Promise<{ domain: string; guard: DomainGuard } | undefined> {
  if (!user.emailVerified) return undefined;
  const domain = emailDomain(user.email);
  if (!domain) return undefined;
  const guard = await domainGuard(domain);
  return guard && { domain, guard };
}

import type { AccountRecord } from './account';
import { DomainError } from './errors';
import type { Role } from './roles';

/**
 * Membership settings and domain auto-join. The two rules below keep one invariant: auto-join is on
 * only while the account has a domain (both writes also re-check it atomically in the store).
 */

/** Enabling auto-join needs a domain to join by. */
export function assertCanSetAutoJoin(account: AccountRecord, allow: boolean): void {
  if (allow && !account.customerDomain) {
    throw new DomainError('DOMAIN_REQUIRED', 'Set a customerDomain before enabling allowDomainAutoJoin');
  }
}

/** Removing the domain while auto-join is on would leave auto-join pointing at nothing. */
export function assertCanRemoveDomain(account: AccountRecord): void {
  if (account.allowDomainAutoJoin) {
    throw new DomainError('AUTO_JOIN_ENABLED', 'Disable allowDomainAutoJoin before removing the domain');
  }
}

/** The role a user gets by joining through their email's domain. */
export const AUTO_JOIN_ROLE: Role = 'MEMBER';

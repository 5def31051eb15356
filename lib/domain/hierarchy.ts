import type { AccountRecord } from './account';
import { DomainError } from './errors';

/**
 * Two levels: a child cannot have children. The message names the target's parent so the caller
 * knows where the child could go instead.
 */
export function assertCanHaveChildren(target: AccountRecord): void {
  if (target.parentId) {
    throw new DomainError(
      'HIERARCHY_TOO_DEEP',
      `Account ${target.id} is a child of ${target.parentId}; create the child under ${target.parentId} instead`,
    );
  }
}

/** At most `max` children per parent (1,000 by default; MAX_CHILDREN configures it). */
export function assertUnderChildLimit(target: AccountRecord, max: number): void {
  if (target.childCount >= max) {
    throw new DomainError('LIMIT_EXCEEDED', `A parent account can have at most ${max} children`);
  }
}

/** Only children can be deleted. */
export function assertDeletable(account: AccountRecord): void {
  if (!account.parentId) throw new DomainError('NOT_A_CHILD', 'Only child accounts can be deleted');
}

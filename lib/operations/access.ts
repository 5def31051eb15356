import { type AccessibleAccount, isAccountId } from '../domain/account';
import { DomainError, notFound } from '../domain/errors';
import { effectiveRole } from '../domain/roles';
import type { Caller } from '../domain/user';
import { listAccessible } from '../store/accessible';
import { loadAccessFacts } from '../store/accounts';
import { getProfile } from '../store/users';

/**
 * The caller's access to one account, with their effective role. Anything they cannot reach —
 * malformed, unknown, deleted or someone else's — is the same 404, so nothing is revealed.
 */
export interface ReadOptions {
  /** A strongly consistent read, for routes that write on what they read. */
  consistent?: boolean;
  /** The account's parent when already known (saves a read for a child). */
  parentHint?: string | null;
}

export async function accessTo(
  caller: Caller,
  accountId: string,
  options: ReadOptions = {},
): Promise<AccessibleAccount> {
  const found = await tryAccess(caller, accountId, options);
  if (!found) throw notFound();
  return found;
}

async function tryAccess(caller: Caller, accountId: string, options: ReadOptions) {
  if (!isAccountId(accountId)) return undefined;
  const facts = await loadAccessFacts(caller.sub, accountId, options);
  const role = facts && effectiveRole(facts.direct, facts.onParent);
  return facts && role ? { account: facts.account, role } : undefined;
}

/**
 * The account a request acts in: `X-Customer-Id` when given; else the user's default (the last one
 * switched to, or the first they got access to). A default that is no longer reachable (a deleted
 * child) falls back to its parent when reachable, else to the first account in the user's list.
 */
export async function currentAccount(
  caller: Caller,
  selected: string | undefined,
  { consistent }: ReadOptions = {},
): Promise<AccessibleAccount> {
  if (selected !== undefined) return accessTo(caller, selected, { consistent });
  const profile = await getProfile(caller.sub);
  if (profile?.defaultAccountId) {
    const chosen = await tryAccess(caller, profile.defaultAccountId, {
      consistent,
      parentHint: profile.defaultParentId,
    });
    if (chosen) return chosen;
    if (profile.defaultParentId) {
      const parent = await tryAccess(caller, profile.defaultParentId, { consistent });
      if (parent) return parent;
    }
  }
  const [first] = (await listAccessible(caller.sub, 1)).items;
  // A listing reads eventually consistently; a write re-reads what it will act on.
  if (first) return consistent ? accessTo(caller, first.account.id, { consistent }) : first;
  throw new DomainError('NO_CURRENT_ACCOUNT', 'You have no account yet');
}

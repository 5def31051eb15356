import type { AccessibleAccount } from '../../lib/domain/account';
import { keys } from '../../lib/store/keys';
import { listPage } from './listing';
import { access, type Caller, Fail, getItem, notFound } from './shared';

/**
 * The account a request acts in: X-Customer-Id when given, else the caller's default (one GetItem
 * for the profile, then the account with the memberships in one BatchGetItem); a default that is
 * gone falls back to its parent, then to the first listed account.
 */
export async function currentAccount(
  caller: Caller,
  selected: string | undefined,
): Promise<AccessibleAccount> {
  if (selected !== undefined) {
    const found = await access(caller.sub, selected);
    if (!found) throw notFound();
    return found;
  }
  const profile = await getItem(keys.profile(caller.sub));
  const defaultId = profile?.defaultAccountId as string | undefined;
  const defaultParentId = profile?.defaultParentId as string | undefined;
  if (defaultId) {
    const chosen = await access(caller.sub, defaultId, defaultParentId);
    if (chosen) return chosen;
    if (defaultParentId) {
      const parent = await access(caller.sub, defaultParentId);
      if (parent) return parent;
    }
  }
  const [first] = (await listPage(caller.sub, 1)).items;
  if (first) return first;
  throw new Fail(404, 'NO_CURRENT_ACCOUNT', 'You have no account yet');
}

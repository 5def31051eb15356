import type { AccessibleAccount, AccountRecord } from '../domain/account';
import { notFound, preconditionFailed } from '../domain/errors';
import { assertCanSetAutoJoin } from '../domain/membership';
import type { ExpectedVersion } from '../domain/versions';
import { setAllowDomainAutoJoin } from '../store/membership-settings';

/**
 * PATCH /accounts/:id/membership, after the edge's 404 / 403 / 412: enabling auto-join needs a
 * domain (409 DOMAIN_REQUIRED). Turning it on later adds nobody who signed up before: auto-join
 * happens at sign-up only.
 */
export async function setMembershipSettings(
  target: AccessibleAccount,
  input: { allowDomainAutoJoin: boolean },
  ifMatch: ExpectedVersion,
  now = new Date().toISOString(),
): Promise<AccessibleAccount> {
  const allow = input.allowDomainAutoJoin;
  assertCanSetAutoJoin(target.account, allow);
  // The edge compared If-Match with this version; the write must still find it.
  const expected = ifMatch && !ifMatch.any ? target.account.settingsVersion : undefined;
  const admit: (fresh: AccountRecord | undefined) => asserts fresh is AccountRecord = (fresh) => {
    if (!fresh) throw notFound();
    if (expected !== undefined && fresh.settingsVersion !== expected) throw preconditionFailed();
    assertCanSetAutoJoin(fresh, allow);
  };
  const account = await setAllowDomainAutoJoin(target.account.id, allow, expected, now, admit);
  return { account, role: target.role };
}

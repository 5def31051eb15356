import type { AccessibleAccount, AccountRecord } from '../domain/account';
import { assertNotPublicMailbox, assertOwnsDomain } from '../domain/domains';
import { notFound, preconditionFailed } from '../domain/errors';
import { assertCanRemoveDomain } from '../domain/membership';
import type { Caller } from '../domain/user';
import type { ExpectedVersion } from '../domain/versions';
import * as store from '../store/domains';

/**
 * PATCH /accounts/:id/domain, after the edge's 400 (shape, already normalised) / 404 / 403 / 412.
 * The operation's rules, in the contract's order: public mailbox list → ownership → taken by
 * another account → same value as now (a no-op: no write, no new version). `null` removes the
 * domain and frees it, unless auto-join is on.
 *
 * The edge read the target consistently, so the store decides the first attempt on it with no read
 * of its own. "Taken" is decided by the write itself: the guard item's condition fails when another
 * account holds the domain (409 DOMAIN_TAKEN), atomically with the account's update. Deciding the
 * same value before that changes no outcome: the account's current domain is guarded by the account
 * itself, so it is never taken by another. If the account changed since the edge read it, the store
 * reads it again and `admit` decides again.
 */
export async function setCustomerDomain(
  caller: Caller,
  target: AccessibleAccount,
  domain: string | null,
  ifMatch: ExpectedVersion,
  now = new Date().toISOString(),
): Promise<AccessibleAccount> {
  const { account } = target;
  if (domain !== null) {
    assertNotPublicMailbox(domain);
    assertOwnsDomain(caller, domain);
  }

  // The edge compared If-Match with this version; the write must still find it.
  const expected = ifMatch && !ifMatch.any ? account.version : undefined;
  const admit: (fresh: AccountRecord | undefined) => asserts fresh is AccountRecord = (fresh) => {
    if (!fresh) throw notFound();
    if (expected !== undefined && fresh.version !== expected) throw preconditionFailed();
    if (domain === null) assertCanRemoveDomain(fresh);
  };
  return { account: await store.setCustomerDomain(account, domain, now, admit), role: target.role };
}

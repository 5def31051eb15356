import { randomBytes } from 'node:crypto';
import { config } from '../config';
import type { AccessibleAccount, AccountRecord } from '../domain/account';
import { notFound } from '../domain/errors';
import { assertCanHaveChildren, assertDeletable, assertUnderChildLimit } from '../domain/hierarchy';
import type { Caller } from '../domain/user';
import { listAccessible, type Page } from '../store/accessible';
import * as store from '../store/accounts';

/** Opaque, URL-safe, unguessable. */
const newAccountId = (): string => randomBytes(16).toString('base64url');

function newAccount(
  fields: Pick<AccountRecord, 'company' | 'name' | 'parentId'>,
  now: string,
): AccountRecord {
  return {
    id: newAccountId(),
    ...fields,
    customerDomain: null,
    childCount: 0,
    allowDomainAutoJoin: false,
    version: 1,
    settingsVersion: 1,
    settingsUpdatedAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

/** POST /accounts: a new standalone account whose creator is SUPER_ADMIN. */
export async function createAccount(
  caller: Caller,
  input: { company: string; name: string },
  now = new Date().toISOString(),
): Promise<AccessibleAccount> {
  const account = newAccount({ company: input.company, name: input.name, parentId: null }, now);
  await store.createStandalone(account, caller.sub, now);
  return { account, role: 'SUPER_ADMIN' };
}

/**
 * POST /accounts/create-child: under a PARENT or STANDALONE target (which becomes PARENT in the
 * same write). The caller's role on the target flows down to the child; no membership is written.
 */
export async function createChild(
  target: AccessibleAccount,
  input: { name: string; company?: string | undefined },
  now = new Date().toISOString(),
): Promise<AccessibleAccount> {
  const { maxChildren } = config();
  const admit: (parent: AccountRecord | undefined) => asserts parent is AccountRecord = (parent) => {
    if (!parent) throw notFound();
    assertCanHaveChildren(parent);
    assertUnderChildLimit(parent, maxChildren);
  };
  admit(target.account);
  const child = newAccount(
    { company: input.company ?? target.account.company, name: input.name, parentId: target.account.id },
    now,
  );
  return { account: await store.createChild(child, maxChildren, target.account, admit), role: target.role };
}

/** DELETE /accounts/:id: children only; the parent goes back to STANDALONE after its last child. */
export async function deleteChild(target: AccessibleAccount, now = new Date().toISOString()): Promise<void> {
  assertDeletable(target.account);
  if ((await store.deleteChild(target.account, now)) === 'NOT_FOUND') throw notFound();
}

/** PUT /accounts/current: the chosen account becomes the caller's default. */
export async function switchAccount(caller: Caller, target: AccessibleAccount): Promise<AccessibleAccount> {
  await store.setDefaultAccount(caller.sub, target.account, new Date().toISOString());
  return target;
}

/** GET /accounts: every accessible account once, a page at a time. */
export function listAccounts(caller: Caller, limit: number, cursor: string | undefined): Promise<Page> {
  return listAccessible(caller.sub, limit, cursor);
}

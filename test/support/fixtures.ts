import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AccessibleAccount } from '../../lib/domain/account';
import type { Role } from '../../lib/domain/roles';
import { createAccount, createChild } from '../../lib/operations/accounts';
import { ddb, tableName } from '../../lib/store/client';
import { membershipItem } from '../../lib/store/items';

/**
 * Seeds a membership directly: the API has no invite route (roles come from creating an account
 * or from domain auto-join), so tests that need an ADMIN or a MEMBER put one in place.
 */
export async function grant(sub: string, account: AccessibleAccount['account'], role: Role): Promise<void> {
  await ddb().send(
    new PutCommand({
      TableName: tableName(),
      Item: membershipItem({
        sub,
        accountId: account.id,
        parentId: account.parentId,
        role,
        createdAt: new Date().toISOString(),
      }),
    }),
  );
}

const caller = (sub: string) => ({ sub, email: `${sub}@example.com`, emailVerified: true });

export async function newAccount(owner: string, name = 'Acme'): Promise<AccessibleAccount['account']> {
  return (await createAccount(caller(owner), { company: `${name} Inc`, name })).account;
}

/** A child created by its parent's owner (named for the reader; the operation needs only the parent). */
export async function newChild(
  _owner: string,
  parent: AccessibleAccount['account'],
  name = 'Child',
): Promise<AccessibleAccount['account']> {
  return (await createChild({ account: parent, role: 'SUPER_ADMIN' }, { name })).account;
}

/** A unique user id per call, so tests sharing a table never share a user. */
let counter = 0;
export const user = (label: string): string =>
  `${label}-${process.pid}-${Date.now().toString(36)}-${counter++}`;

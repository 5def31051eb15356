import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountRecord } from '../domain/account';
import type { Role } from '../domain/roles';
import { batchDelete, batchGet, itemOf } from './batch';
import { ddb, tableName } from './client';
import { cancellationReasons, withContentionRetry } from './errors';
import { accountItem, membershipItem, toAccount, toMembership } from './items';
import { keys } from './keys';

export async function getAccount(id: string, consistent = false): Promise<AccountRecord | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.account(id), ConsistentRead: consistent }),
  );
  return Item ? toAccount(Item) : undefined;
}

export async function getRole(sub: string, accountId: string, consistent = false): Promise<Role | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.membership(sub, accountId),
      ConsistentRead: consistent,
    }),
  );
  return Item ? toMembership(Item).role : undefined;
}

/** What decides a user's access to one account: the account, their direct role, their role on its parent. */
export interface AccessFacts {
  account: AccountRecord;
  direct: Role | undefined;
  onParent: Role | undefined;
}

/**
 * One BatchGet for the account, the direct membership and, when the caller knows the account's
 * parent already (`parentHint`), the parent membership too; otherwise a child's parent membership
 * is a second read, skipped when the direct role is already the highest.
 */
export async function loadAccessFacts(
  sub: string,
  accountId: string,
  { parentHint, consistent = false }: { parentHint?: string | null; consistent?: boolean } = {},
): Promise<AccessFacts | undefined> {
  const accountKey = keys.account(accountId);
  const membershipKey = keys.membership(sub, accountId);
  const parentKey = parentHint ? keys.membership(sub, parentHint) : undefined;
  const found = await batchGet(
    parentKey ? [accountKey, membershipKey, parentKey] : [accountKey, membershipKey],
    consistent,
  );
  const accountRow = itemOf(found, accountKey);
  if (!accountRow) return undefined;
  const account = toAccount(accountRow);
  const membershipRow = itemOf(found, membershipKey);
  const direct = membershipRow ? toMembership(membershipRow).role : undefined;
  let onParent: Role | undefined;
  if (account.parentId && parentKey && account.parentId === parentHint) {
    const parentRow = itemOf(found, parentKey);
    onParent = parentRow ? toMembership(parentRow).role : undefined;
  } else if (account.parentId && direct !== 'SUPER_ADMIN') {
    onParent = await getRole(sub, account.parentId, consistent);
  }
  return { account, direct, onParent };
}

/** A new standalone account, its creator as SUPER_ADMIN, and their default if they had none: one transaction. */
export async function createStandalone(account: AccountRecord, sub: string, now: string): Promise<void> {
  await ddb().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(),
            Item: accountItem(account),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: membershipItem({
              sub,
              accountId: account.id,
              parentId: null,
              role: 'SUPER_ADMIN',
              createdAt: now,
            }),
          },
        },
        setDefaultIfNone(sub, account.id, null, now),
      ],
    }),
  );
}

export function setDefaultIfNone(sub: string, accountId: string, parentId: string | null, now: string) {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.profile(sub),
      UpdateExpression:
        'SET #sub = if_not_exists(#sub, :sub), createdAt = if_not_exists(createdAt, :now), ' +
        'defaultAccountId = if_not_exists(defaultAccountId, :id)' +
        (parentId ? ', defaultParentId = if_not_exists(defaultParentId, :parent)' : ''),
      ExpressionAttributeNames: { '#sub': 'sub' },
      ExpressionAttributeValues: {
        ':sub': sub,
        ':now': now,
        ':id': accountId,
        ...(parentId ? { ':parent': parentId } : {}),
      },
    },
  };
}

/**
 * Puts the child and counts it on the parent in one transaction. The first child also flips the
 * parent to PARENT (its version and updatedAt change); later ones only add to the count. The
 * parent's condition re-checks, atomically, what `admit` checked on `parent` as the caller read it
 * (it exists, is not a child, is under the limit); if the parent changed since, it is read again
 * (consistently) and admitted again.
 */
export async function createChild(
  child: AccountRecord,
  maxChildren: number,
  parentAsRead: AccountRecord,
  admit: (parent: AccountRecord | undefined) => asserts parent is AccountRecord,
): Promise<AccountRecord> {
  const parentId = child.parentId as string;
  let known: AccountRecord | undefined = parentAsRead;
  return withContentionRetry(async () => {
    const parent = known ?? (await getAccount(parentId, true));
    admit(parent);
    const first = parent.childCount === 0;
    try {
      await ddb().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName(),
                Item: accountItem(child),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: tableName(),
                Key: keys.account(parentId),
                ConditionExpression: first
                  ? 'attribute_exists(pk) AND attribute_not_exists(parentId) AND childCount = :zero'
                  : 'attribute_exists(pk) AND attribute_not_exists(parentId) AND childCount > :zero AND childCount < :max',
                UpdateExpression: first
                  ? 'SET childCount = :one, #version = #version + :one, updatedAt = :now'
                  : 'ADD childCount :one',
                ExpressionAttributeNames: first ? { '#version': 'version' } : undefined,
                ExpressionAttributeValues: first
                  ? { ':zero': 0, ':one': 1, ':now': child.createdAt }
                  : { ':zero': 0, ':one': 1, ':max': maxChildren },
              },
            },
          ],
        }),
      );
      return child;
    } catch (error) {
      // The parent changed between the read and the write: read again and decide again.
      if (cancellationReasons(error)?.[1] !== 'ConditionalCheckFailed') throw error;
      known = undefined;
      return undefined;
    }
  });
}

/**
 * Deletes a child in one transaction (the account, its domain guard, the parent's count, and the
 * parent's flip back to STANDALONE with its last child). Access always needs the account item, so
 * from this commit on the child grants nothing; its memberships are removed right after.
 *
 * The first attempt assumes the parent keeps other children (the common case, and no read); when
 * the count says otherwise, the parent is read and the attempt made again.
 */
export async function deleteChild(child: AccountRecord, now: string): Promise<'DELETED' | 'NOT_FOUND'> {
  const parentId = child.parentId as string;
  let readParent = false;
  const outcome = await withContentionRetry<'DELETED' | 'NOT_FOUND'>(async () => {
    let last = false;
    if (readParent) {
      const parent = await getAccount(parentId, true);
      if (!parent) return 'NOT_FOUND';
      last = parent.childCount <= 1;
    }
    try {
      await ddb().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: tableName(),
                Key: keys.account(child.id),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Update: {
                TableName: tableName(),
                Key: keys.account(parentId),
                ConditionExpression: last ? 'childCount = :one' : 'childCount > :one',
                UpdateExpression: last
                  ? 'SET childCount = :zero, #version = #version + :one, updatedAt = :now'
                  : 'ADD childCount :minusOne',
                ExpressionAttributeNames: last ? { '#version': 'version' } : undefined,
                ExpressionAttributeValues: last
                  ? { ':zero': 0, ':one': 1, ':now': now }
                  : { ':one': 1, ':minusOne': -1 },
              },
            },
            ...(child.customerDomain
              ? [
                  {
                    Delete: {
                      TableName: tableName(),
                      Key: keys.domain(child.customerDomain),
                      ConditionExpression: 'accountId = :id',
                      ExpressionAttributeValues: { ':id': child.id },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return 'DELETED';
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.[0] === 'ConditionalCheckFailed') return 'NOT_FOUND';
      if (reasons?.[1] !== 'ConditionalCheckFailed') throw error;
      readParent = true;
      return undefined;
    }
  });
  if (outcome === 'DELETED') await deleteMemberships(child.id);
  return outcome;
}

/** Removes every membership of an account, a page of the members index at a time. */
async function deleteMemberships(accountId: string): Promise<void> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.membersOf(accountId) },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey,
      }),
    );
    await batchDelete((page.Items ?? []).map((item) => ({ pk: item.pk as string, sk: item.sk as string })));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** PUT /accounts/current: the default account, and its parent for the fallback after a delete. */
export async function setDefaultAccount(sub: string, account: AccountRecord, now: string): Promise<void> {
  await ddb().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.profile(sub),
      UpdateExpression:
        'SET #sub = if_not_exists(#sub, :sub), createdAt = if_not_exists(createdAt, :now), defaultAccountId = :id' +
        (account.parentId ? ', defaultParentId = :parent' : ' REMOVE defaultParentId'),
      ExpressionAttributeNames: { '#sub': 'sub' },
      ExpressionAttributeValues: {
        ':sub': sub,
        ':now': now,
        ':id': account.id,
        ...(account.parentId ? { ':parent': account.parentId } : {}),
      },
    }),
  );
}

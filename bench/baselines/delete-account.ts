import { BatchWriteCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountRecord } from '../../lib/domain/account';
import { atLeast, effectiveRole, type Role } from '../../lib/domain/roles';
import { toAccount } from '../../lib/store/items';
import { type Key, keys } from '../../lib/store/keys';
import {
  batchGet,
  callerOf,
  ddb,
  type Event,
  Fail,
  forbidden,
  getItem,
  isTransactionCancelled,
  itemOf,
  notFound,
  type Result,
  reply,
  retrying,
  roleOf,
  run,
  TableName,
} from './shared';

/**
 * DELETE /accounts/{id} (a child): the child and the caller's membership on it (one BatchGetItem);
 * the parent and the caller's membership on the parent (one BatchGetItem); the delete, the parent's
 * count and the domain guard in one TransactWriteItems; then the members index, a page at a time,
 * with one BatchWriteItem per 25 memberships.
 */
export const handler = (event: Event): Promise<Result> =>
  run(event, async () => {
    const { sub } = callerOf(event);
    const id = event.pathParameters?.customerId ?? '';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw notFound();
    const first = await batchGet([keys.account(id), keys.membership(sub, id)]);
    const row = itemOf(first, keys.account(id));
    if (!row) throw notFound();
    const child = toAccount(row);
    const direct = roleOf(itemOf(first, keys.membership(sub, id)));
    let onParent: Role | undefined;
    let parent: AccountRecord | undefined;
    if (child.parentId) {
      const parentKey = keys.account(child.parentId);
      const parentMembership = keys.membership(sub, child.parentId);
      const second = await batchGet(direct === 'SUPER_ADMIN' ? [parentKey] : [parentKey, parentMembership]);
      onParent = roleOf(itemOf(second, parentMembership));
      const parentRow = itemOf(second, parentKey);
      parent = parentRow ? toAccount(parentRow) : undefined;
    }
    const role = effectiveRole(direct, onParent);
    if (!role) throw notFound();
    if (!atLeast(role, 'ADMIN')) throw forbidden();
    if (!child.parentId) throw new Fail(409, 'NOT_A_CHILD', 'Only child accounts can be deleted');

    await retrying(async () => {
      if (!parent) throw notFound();
      const last = parent.childCount <= 1;
      const now = new Date().toISOString();
      try {
        await ddb().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: TableName(),
                  Key: keys.account(id),
                  ConditionExpression: 'attribute_exists(pk)',
                },
              },
              {
                Update: {
                  TableName: TableName(),
                  Key: keys.account(parent.id),
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
                        TableName: TableName(),
                        Key: keys.domain(child.customerDomain),
                        ConditionExpression: 'accountId = :id',
                        ExpressionAttributeValues: { ':id': id },
                      },
                    },
                  ]
                : []),
            ],
          }),
        );
        return true;
      } catch (error) {
        const reasons = isTransactionCancelled(error);
        if (reasons?.[0] === 'ConditionalCheckFailed') throw notFound();
        if (reasons?.[1] !== 'ConditionalCheckFailed') throw error;
        const fresh = await getItem(keys.account(parent.id), true);
        parent = fresh ? toAccount(fresh) : undefined;
        return undefined;
      }
    });
    await deleteMemberships(id);
    return reply(event, 204);
  });

async function deleteMemberships(accountId: string): Promise<void> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new QueryCommand({
        TableName: TableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.membersOf(accountId) },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey,
      }),
    );
    const keyList = (page.Items ?? []).map((item) => ({ pk: item.pk, sk: item.sk }) as Key);
    // The pages of 25 go out in parallel: one wave per page of the index, not one per 25 members.
    await Promise.all(
      Array.from({ length: Math.ceil(keyList.length / 25) }, (_, i) =>
        deleteBatch(keyList.slice(i * 25, i * 25 + 25)),
      ),
    );
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

async function deleteBatch(keyList: Key[]): Promise<void> {
  let pending = keyList.map((Key) => ({ DeleteRequest: { Key } }));
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
    const out = await ddb().send(new BatchWriteCommand({ RequestItems: { [TableName()]: pending } }));
    pending = (out.UnprocessedItems?.[TableName()] ?? []) as typeof pending;
  }
}

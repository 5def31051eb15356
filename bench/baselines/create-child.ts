import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import type { AccountRecord } from '../../lib/domain/account';
import { atLeast } from '../../lib/domain/roles';
import { accountItem, toAccount } from '../../lib/store/items';
import { keys } from '../../lib/store/keys';
import { currentAccount } from './current';
import { CLAIMED, claim, completeItem, release, type Stored, scopeOf } from './idempotency';
import {
  access,
  accountView,
  callerOf,
  ddb,
  displayName,
  type Event,
  etag,
  Fail,
  forbidden,
  getItem,
  isTransactionCancelled,
  jsonBody,
  nonEmptyString,
  notFound,
  type Result,
  reply,
  retrying,
  run,
  TableName,
} from './shared';
import { newAccount } from './writes';

/**
 * POST /accounts/create-child: the parent and the caller's membership (one BatchGetItem, eventually
 * consistent), then the child and the parent's count in one TransactWriteItems whose conditions
 * re-check what the read decided; only if they fail is the parent read again, consistently.
 */
export const handler = (event: Event, context?: Context): Promise<Result> =>
  run(event, async () => {
    const body = jsonBody(event, ['name', 'company', 'parentId']);
    const name = displayName(body.name, 'name');
    const company = body.company === undefined ? undefined : displayName(body.company, 'company');
    const parentId = body.parentId === undefined ? undefined : nonEmptyString(body.parentId, 'parentId');
    const caller = callerOf(event);
    // The header is checked (400) before anything is read; with parentId the claim goes out beside
    // the access check, else once the current account is known (it is part of the request).
    const early = scopeOf(event, caller, parentId ?? null);
    const [found, earlyClaim] = await Promise.all([
      parentId === undefined
        ? currentAccount(caller, event.headers?.['x-customer-id'])
        : access(caller.sub, parentId),
      early && parentId !== undefined ? claim(event, early, context) : undefined,
    ]);
    const scope = parentId === undefined ? found && scopeOf(event, caller, found.account.id) : early;
    const denied = !found ? notFound() : !atLeast(found.role, 'ADMIN') ? forbidden() : undefined;
    if (denied) {
      if (earlyClaim === CLAIMED && scope) await release(scope);
      throw denied;
    }
    const target = found as NonNullable<typeof found>;
    const claimed = earlyClaim ?? (scope ? await claim(event, scope, context) : CLAIMED);
    if (claimed !== CLAIMED) return claimed();
    const maxChildren = Number(process.env.MAX_CHILDREN || 1000);
    let parent: AccountRecord = target.account;

    const create = () =>
      retrying(async () => {
        if (parent.parentId) {
          throw new Fail(
            409,
            'HIERARCHY_TOO_DEEP',
            `Account ${parent.id} is a child of ${parent.parentId}; create the child under ${parent.parentId} instead`,
          );
        }
        if (parent.childCount >= maxChildren) {
          throw new Fail(409, 'LIMIT_EXCEEDED', `A parent account can have at most ${maxChildren} children`);
        }
        const now = new Date().toISOString();
        const child = newAccount({ company: company ?? parent.company, name, parentId: parent.id }, now);
        const first = parent.childCount === 0;
        const response: Stored = {
          status: 201,
          body: accountView({ account: child, role: target.role }),
          headers: { location: `/accounts/${child.id}`, etag: etag(child.version) },
        };
        try {
          await ddb().send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: TableName(),
                    Item: accountItem(child),
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                {
                  Update: {
                    TableName: TableName(),
                    Key: keys.account(parent.id),
                    ConditionExpression: first
                      ? 'attribute_exists(pk) AND attribute_not_exists(parentId) AND childCount = :zero'
                      : 'attribute_exists(pk) AND attribute_not_exists(parentId) AND childCount > :zero AND childCount < :max',
                    UpdateExpression: first
                      ? 'SET childCount = :one, #version = #version + :one, updatedAt = :now'
                      : 'ADD childCount :one',
                    ExpressionAttributeNames: first ? { '#version': 'version' } : undefined,
                    ExpressionAttributeValues: first
                      ? { ':zero': 0, ':one': 1, ':now': now }
                      : { ':zero': 0, ':one': 1, ':max': maxChildren },
                  },
                },
                ...(scope ? [completeItem(scope, response)] : []),
              ],
            }),
          );
        } catch (error) {
          const reasons = isTransactionCancelled(error);
          if (reasons?.[1] !== 'ConditionalCheckFailed') throw error;
          // The parent changed since it was read: read it consistently and decide again.
          const fresh = await getItem(keys.account(parent.id), true);
          if (!fresh) throw notFound();
          parent = toAccount(fresh);
          return undefined;
        }
        return reply(event, 201, response.body, response.headers);
      });
    try {
      return await create();
    } catch (error) {
      // Only a 201 is kept: any other outcome frees the key.
      if (scope) await release(scope);
      throw error;
    }
  });

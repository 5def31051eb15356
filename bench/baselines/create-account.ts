import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { accountItem, membershipItem } from '../../lib/store/items';
import { CLAIMED, claim, completeItem, release, type Stored, scopeOf } from './idempotency';
import {
  accountView,
  callerOf,
  ddb,
  displayName,
  type Event,
  etag,
  jsonBody,
  type Result,
  reply,
  retrying,
  run,
  TableName,
} from './shared';
import { newAccount, setDefaultIfNone } from './writes';

/**
 * POST /accounts: the account, the creator's SUPER_ADMIN membership and their default (if none) in
 * one TransactWriteItems; with an Idempotency-Key, the claim (one PutItem) comes first and its
 * completion rides in the same transaction.
 */
export const handler = (event: Event, context?: Context): Promise<Result> =>
  run(event, async () => {
    const body = jsonBody(event, ['company', 'name']);
    const company = displayName(body.company, 'company');
    const name = displayName(body.name, 'name');
    const caller = callerOf(event);
    const scope = scopeOf(event, caller, null);
    if (scope) {
      const claimed = await claim(event, scope, context);
      if (claimed !== CLAIMED) return claimed();
    }
    try {
      return await retrying(async () => {
        const now = new Date().toISOString();
        const account = newAccount({ company, name, parentId: null }, now);
        const response: Stored = {
          status: 201,
          body: accountView({ account, role: 'SUPER_ADMIN' }),
          headers: { location: `/accounts/${account.id}`, etag: etag(account.version) },
        };
        await ddb().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: TableName(),
                  Item: accountItem(account),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: TableName(),
                  Item: membershipItem({
                    sub: caller.sub,
                    accountId: account.id,
                    parentId: null,
                    role: 'SUPER_ADMIN',
                    createdAt: now,
                  }),
                },
              },
              setDefaultIfNone(caller.sub, account.id, null, now),
              ...(scope ? [completeItem(scope, response)] : []),
            ],
          }),
        );
        return reply(event, 201, response.body, response.headers);
      });
    } catch (error) {
      if (scope) await release(scope);
      throw error;
    }
  });

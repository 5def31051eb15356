import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '../domain/roles';
import { getAccount, setDefaultIfNone } from './accounts';
import { ddb, tableName } from './client';
import type { DomainGuard } from './domains';
import { cancellationReasons, withContentionRetry } from './errors';
import { membershipItem } from './items';
import { keys } from './keys';

export type JoinOutcome = 'JOINED' | 'ALREADY_MEMBER' | 'NO_MATCH';

/**
 * Gives a user a direct membership on the account that owns `domain` (by its guard), in one
 * transaction:
 *  0. the account still has that domain and auto-join on (it may have changed since the guard
 *     was read, and the guard does not know the auto-join flag): else NO_MATCH;
 *  1. the membership, only if the user has none there: an existing role is never lowered, and a
 *     redelivered event finds its own membership and changes nothing;
 *  2. the account becomes the user's default if they had none.
 * If the membership exists, the whole transaction is cancelled, so nothing else changes either.
 *
 * The account's parent goes on the membership (a child's members are indexed under their parent)
 * and on the default. The guard carries it (a child's parent never changes, and condition 0 makes
 * sure the guard's account still owns the domain), so no read of the account is needed; a guard
 * written before guards carried it costs one consistent read of the account, as before.
 */
export async function joinByDomain(
  sub: string,
  guard: DomainGuard,
  domain: string,
  role: Role,
  now: string,
): Promise<JoinOutcome> {
  const { accountId } = guard;
  let parentId = guard.parentId;
  if (parentId === undefined) {
    const account = await getAccount(accountId, true);
    if (!account || account.customerDomain !== domain || !account.allowDomainAutoJoin) return 'NO_MATCH';
    parentId = account.parentId;
  }
  const parent = parentId;
  return withContentionRetry<JoinOutcome>(async () => {
    try {
      await ddb().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tableName(),
                Key: keys.account(accountId),
                ConditionExpression: 'customerDomain = :domain AND allowDomainAutoJoin = :true',
                ExpressionAttributeValues: { ':domain': domain, ':true': true },
              },
            },
            {
              Put: {
                TableName: tableName(),
                Item: membershipItem({ sub, accountId, parentId: parent, role, createdAt: now }),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            setDefaultIfNone(sub, accountId, parent, now),
          ],
        }),
      );
      return 'JOINED';
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.[0] === 'ConditionalCheckFailed') return 'NO_MATCH';
      if (reasons?.[1] === 'ConditionalCheckFailed') return 'ALREADY_MEMBER';
      throw error;
    }
  });
}

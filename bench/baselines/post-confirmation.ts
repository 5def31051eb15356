import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { emailDomain } from '../../lib/domain/domains';
import { AUTO_JOIN_ROLE } from '../../lib/domain/membership';
import { membershipItem } from '../../lib/store/items';
import { keys } from '../../lib/store/keys';
import { ddb, getItem, isTransactionCancelled, TableName } from './shared';
import { setDefaultIfNone } from './writes';

/**
 * Post-confirmation trigger: the profile write and the domain guard read in parallel (the guard
 * names the owner and its parent, which goes on the membership), then the membership and the
 * default in one TransactWriteItems conditioned on the account still auto-joining by that domain.
 */
export const handler = async (event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> => {
  if (event.triggerSource !== 'PostConfirmation_ConfirmSignUp') return event;
  const attributes = event.request?.userAttributes ?? {};
  const sub = attributes.sub;
  if (!sub) return event;
  const email = typeof attributes.email === 'string' ? attributes.email : undefined;
  const domain = String(attributes.email_verified) === 'true' ? emailDomain(email) : undefined;
  const now = new Date().toISOString();
  const [, guard] = await Promise.all([
    ddb().send(
      new UpdateCommand({
        TableName: TableName(),
        Key: keys.profile(sub),
        UpdateExpression:
          'SET #sub = if_not_exists(#sub, :sub), email = if_not_exists(email, :email), createdAt = if_not_exists(createdAt, :now)',
        ExpressionAttributeNames: { '#sub': 'sub' },
        ExpressionAttributeValues: { ':sub': sub, ':email': email ?? null, ':now': now },
      }),
    ),
    domain ? getItem(keys.domain(domain), true) : undefined,
  ]);
  if (!guard || !domain) return event;
  const account = { id: guard.accountId as string, parentId: (guard.parentId as string | null) ?? null };
  try {
    await ddb().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: TableName(),
              Key: keys.account(account.id),
              ConditionExpression: 'customerDomain = :domain AND allowDomainAutoJoin = :true',
              ExpressionAttributeValues: { ':domain': domain, ':true': true },
            },
          },
          {
            Put: {
              TableName: TableName(),
              Item: membershipItem({
                sub,
                accountId: account.id,
                parentId: account.parentId,
                role: AUTO_JOIN_ROLE,
                createdAt: now,
              }),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          setDefaultIfNone(sub, account.id, account.parentId, now),
        ],
      }),
    );
  } catch (error) {
    // No longer auto-joining, or a member already (a redelivery): nothing changes, the sign-up goes on.
    if (!isTransactionCancelled(error)?.includes('ConditionalCheckFailed')) throw error;
  }
  return event;
};

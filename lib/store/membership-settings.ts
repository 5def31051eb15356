import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountRecord } from '../domain/account';
import { getAccount } from './accounts';
import { ddb, tableName } from './client';
import { isConditionFailed, withContentionRetry } from './errors';
import { toAccount } from './items';
import { keys } from './keys';

/**
 * Sets allowDomainAutoJoin in one conditional update. Only the membership's version
 * (settingsVersion) and settingsUpdatedAt change: the Account view does not show the flag, so the
 * account's ETag stays. The condition re-checks atomically what `admit` decided on a read:
 * the If-Match version (`expectedSettingsVersion`), and a domain when enabling. Setting the value
 * it already has writes nothing (the resource, and so its ETag, does not change).
 * On a failed condition the account is read again: `admit` then answers 404 / 412 / 409, or the
 * value turns out to be set already.
 */
export async function setAllowDomainAutoJoin(
  accountId: string,
  allow: boolean,
  expectedSettingsVersion: number | undefined,
  now: string,
  admit: (fresh: AccountRecord | undefined) => asserts fresh is AccountRecord,
): Promise<AccountRecord> {
  return withContentionRetry(async () => {
    try {
      const { Attributes } = await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.account(accountId),
          ConditionExpression: [
            'attribute_exists(pk)',
            '(attribute_not_exists(allowDomainAutoJoin) OR allowDomainAutoJoin <> :allow)',
            ...(expectedSettingsVersion === undefined ? [] : ['settingsVersion = :expected']),
            ...(allow ? ['attribute_exists(customerDomain)'] : []),
          ].join(' AND '),
          UpdateExpression:
            'SET allowDomainAutoJoin = :allow, settingsVersion = if_not_exists(settingsVersion, :one) + :one, ' +
            'settingsUpdatedAt = :now',
          ExpressionAttributeValues: {
            ':allow': allow,
            ':one': 1,
            ':now': now,
            ...(expectedSettingsVersion === undefined ? {} : { ':expected': expectedSettingsVersion }),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toAccount(Attributes as Record<string, unknown>);
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const fresh = await getAccount(accountId, true);
      admit(fresh);
      // Admitted, and the value is what was asked for already: nothing to write.
      if (fresh.allowDomainAutoJoin === allow) return fresh;
      return undefined;
    }
  });
}

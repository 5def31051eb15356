import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountRecord } from '../domain/account';
import { domainTaken } from '../domain/domains';
import { getAccount } from './accounts';
import { ddb, tableName } from './client';
import { cancellationReasons, withContentionRetry } from './errors';
import { keys } from './keys';

/** The account owning a domain, by its uniqueness guard item (one GetItem). */
export async function domainOwner(domain: string): Promise<string | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.domain(domain), ConsistentRead: true }),
  );
  return Item ? (Item.accountId as string) : undefined;
}

/**
 * Sets (or, with null, removes) an account's domain in one transaction:
 *  0. the account: domain, version and settingsVersion bumped (both views show the domain), on
 *     condition that both versions are still the ones just read — so the guard released below is
 *     really the account's current domain, an If-Match checked by `admit` holds at write time, and
 *     a concurrent settings change is never overwritten by the same version number; when
 *     removing, also that auto-join is not on;
 *  1. the new guard, claimed if free or already ours;
 *  2. the old guard, released if ours.
 * `admit` decides on a fresh read of the account (404, 412, 409 AUTO_JOIN_ENABLED); when the
 * account changed between that read and the write, it is read and admitted again.
 */
export async function setCustomerDomain(
  accountId: string,
  domain: string | null,
  now: string,
  admit: (fresh: AccountRecord | undefined) => asserts fresh is AccountRecord,
): Promise<AccountRecord> {
  return withContentionRetry(async () => {
    const fresh = await getAccount(accountId, true);
    admit(fresh);
    if (fresh.customerDomain === domain) return fresh;
    const old = fresh.customerDomain;
    const updated: AccountRecord = {
      ...fresh,
      customerDomain: domain,
      version: fresh.version + 1,
      settingsVersion: fresh.settingsVersion + 1,
      updatedAt: now,
      settingsUpdatedAt: now,
    };
    const items = [
      {
        Update: {
          TableName: tableName(),
          Key: keys.account(accountId),
          ConditionExpression:
            'attribute_exists(pk) AND #version = :version AND settingsVersion = :settings' +
            (domain === null
              ? ' AND (attribute_not_exists(allowDomainAutoJoin) OR allowDomainAutoJoin = :false)'
              : ''),
          UpdateExpression:
            'SET #version = :nextVersion, settingsVersion = :nextSettings, updatedAt = :now, settingsUpdatedAt = :now' +
            (domain === null ? ' REMOVE customerDomain' : ', customerDomain = :domain'),
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: {
            ':version': fresh.version,
            ':settings': fresh.settingsVersion,
            ':nextVersion': updated.version,
            ':nextSettings': updated.settingsVersion,
            ':now': now,
            ...(domain === null ? { ':false': false } : { ':domain': domain }),
          },
        },
      },
      ...(domain === null
        ? []
        : [
            {
              Put: {
                TableName: tableName(),
                Item: { ...keys.domain(domain), entity: 'domain', domain, accountId, createdAt: now },
                ConditionExpression: 'attribute_not_exists(pk) OR accountId = :me',
                ExpressionAttributeValues: { ':me': accountId },
              },
            },
          ]),
      ...(old === null
        ? []
        : [
            {
              Delete: {
                TableName: tableName(),
                Key: keys.domain(old),
                ConditionExpression: 'accountId = :me',
                ExpressionAttributeValues: { ':me': accountId },
              },
            },
          ]),
    ];
    try {
      await ddb().send(new TransactWriteCommand({ TransactItems: items }));
      return updated;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      // The account changed (deleted, edited, auto-join switched on): read it and decide again.
      if (reasons[0] === 'ConditionalCheckFailed') return undefined;
      // The guard belongs to another account: the race for this domain is lost.
      if (domain !== null && reasons[1] === 'ConditionalCheckFailed') throw domainTaken(domain);
      // The old guard is not ours (cannot happen while guards and accounts agree): try again.
      if (reasons.includes('ConditionalCheckFailed')) return undefined;
      throw error;
    }
  });
}

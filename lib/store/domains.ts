import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountRecord } from '../domain/account';
import { domainTaken } from '../domain/domains';
import { getAccount } from './accounts';
import { ddb, tableName } from './client';
import { cancellationReasons, withContentionRetry } from './errors';
import { keys } from './keys';

/**
 * What a domain's uniqueness guard says: the account that owns it and that account's parent
 * (`null` for a root account). A child's parent never changes, so the parent written with the guard
 * stays true for as long as the guard does. `parentId` is `undefined` for a guard written before
 * guards carried it: then only a read of the account can tell.
 */
export interface DomainGuard {
  accountId: string;
  parentId: string | null | undefined;
}

/** The guard of a domain (one consistent GetItem), if some account owns it. */
export async function domainGuard(domain: string): Promise<DomainGuard | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: keys.domain(domain), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  return {
    accountId: Item.accountId as string,
    parentId: 'parentId' in Item ? ((Item.parentId as string | null) ?? null) : undefined,
  };
}

/**
 * Sets (or, with null, removes) an account's domain in one transaction:
 *  0. the account: domain, version and settingsVersion bumped (both views show the domain), on
 *     condition that both versions are still the ones decided on — so the guard released below is
 *     really the account's current domain, an If-Match checked by `admit` holds at write time, and
 *     a concurrent settings change is never overwritten by the same version number; when
 *     removing, also that auto-join is not on;
 *  1. the new guard, claimed if free or already ours (with the account's parent, for auto-join);
 *     another account's guard fails this condition, which is how DOMAIN_TAKEN is decided —
 *     atomically, with no read before;
 *  2. the old guard, released if ours.
 * The first attempt decides on `current`, the account as the caller read it (the edge reads a
 * write's target consistently): `admit` (404, 412, 409 AUTO_JOIN_ENABLED), then the same value is
 * a no-op with no write. Only when the account changed since (its condition failed) is it read
 * again, consistently, and admitted again.
 */
export async function setCustomerDomain(
  current: AccountRecord,
  domain: string | null,
  now: string,
  admit: (fresh: AccountRecord | undefined) => asserts fresh is AccountRecord,
): Promise<AccountRecord> {
  const accountId = current.id;
  let known: AccountRecord | undefined = current;
  return withContentionRetry(async () => {
    const fresh = known ?? (await getAccount(accountId, true));
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
                Item: {
                  ...keys.domain(domain),
                  entity: 'domain',
                  domain,
                  accountId,
                  // Always present (null for a root): an absent one marks a guard from before.
                  parentId: fresh.parentId,
                  createdAt: now,
                },
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
      if (reasons[0] === 'ConditionalCheckFailed') {
        known = undefined;
        return undefined;
      }
      // The guard belongs to another account: the race for this domain is lost.
      if (domain !== null && reasons[1] === 'ConditionalCheckFailed') throw domainTaken(domain);
      // The old guard is not ours (cannot happen while guards and accounts agree): read and try again.
      if (reasons.includes('ConditionalCheckFailed')) {
        known = undefined;
        return undefined;
      }
      throw error;
    }
  });
}

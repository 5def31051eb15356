import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountRecord } from '../../lib/domain/account';
import { emailDomain, normaliseDomain, PUBLIC_MAILBOX_DOMAINS } from '../../lib/domain/domains';
import { DomainError } from '../../lib/domain/errors';
import { toAccount } from '../../lib/store/items';
import { keys } from '../../lib/store/keys';
import {
  accountView,
  callerOf,
  checkIfMatch,
  ddb,
  type Event,
  etag,
  Fail,
  getItem,
  ifMatchOf,
  isTransactionCancelled,
  jsonBody,
  notFound,
  preconditionFailed,
  type Result,
  reply,
  requireAccess,
  retrying,
  run,
  TableName,
} from './shared';

/**
 * PATCH /accounts/{id}/domain: the account and the caller's membership (one BatchGetItem), then one
 * TransactWriteItems (the account on condition of the version just read, the new guard claimed if
 * free, the old one released). "Taken" is the guard's condition failing, not a read before; only a
 * failed condition, or a no-op to confirm, costs a consistent read of the account.
 */
export const handler = (event: Event): Promise<Result> =>
  run(event, async () => {
    const body = jsonBody(event, ['customerDomain']);
    const domain = domainOf(body.customerDomain);
    const caller = callerOf(event);
    const target = await requireAccess(caller.sub, event.pathParameters?.customerId ?? '', 'ADMIN');
    checkIfMatch(event, target.account.version);
    if (domain !== null) {
      if (PUBLIC_MAILBOX_DOMAINS.has(domain)) {
        throw new Fail(
          400,
          'DOMAIN_NOT_ALLOWED',
          `${domain} is a public mailbox provider and cannot be an account's domain`,
        );
      }
      if (!caller.emailVerified || emailDomain(caller.email) !== domain) {
        throw new Fail(
          403,
          'DOMAIN_OWNERSHIP_REQUIRED',
          `Your verified email address must be on ${domain} to claim it`,
        );
      }
    }
    const ifMatch = ifMatchOf(event);
    const expected = ifMatch && !ifMatch.any ? target.account.version : undefined;
    const admit = (fresh: AccountRecord | undefined): AccountRecord => {
      if (!fresh) throw notFound();
      if (expected !== undefined && fresh.version !== expected) throw preconditionFailed();
      if (domain === null && fresh.allowDomainAutoJoin) {
        throw new Fail(409, 'AUTO_JOIN_ENABLED', 'Disable allowDomainAutoJoin before removing the domain');
      }
      return fresh;
    };
    const readFresh = async () => {
      const row = await getItem(keys.account(target.account.id), true);
      return admit(row ? toAccount(row) : undefined);
    };

    let current = admit(target.account);
    // A no-op answers the stored state: confirm it on a consistent read before saying so.
    if (current.customerDomain === domain) current = await readFresh();
    const account = await retrying(async () => {
      if (current.customerDomain === domain) return current;
      const now = new Date().toISOString();
      const old = current.customerDomain;
      const updated: AccountRecord = {
        ...current,
        customerDomain: domain,
        version: current.version + 1,
        settingsVersion: current.settingsVersion + 1,
        updatedAt: now,
        settingsUpdatedAt: now,
      };
      const id = current.id;
      try {
        await ddb().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: TableName(),
                  Key: keys.account(id),
                  ConditionExpression:
                    'attribute_exists(pk) AND #version = :version' +
                    (domain === null
                      ? ' AND (attribute_not_exists(allowDomainAutoJoin) OR allowDomainAutoJoin = :false)'
                      : ''),
                  UpdateExpression:
                    'SET #version = :nextVersion, settingsVersion = :nextSettings, updatedAt = :now, settingsUpdatedAt = :now' +
                    (domain === null ? ' REMOVE customerDomain' : ', customerDomain = :domain'),
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: {
                    ':version': current.version,
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
                        TableName: TableName(),
                        Item: {
                          ...keys.domain(domain),
                          entity: 'domain',
                          domain,
                          accountId: id,
                          createdAt: now,
                        },
                        ConditionExpression: 'attribute_not_exists(pk) OR accountId = :me',
                        ExpressionAttributeValues: { ':me': id },
                      },
                    },
                  ]),
              ...(old === null
                ? []
                : [
                    {
                      Delete: {
                        TableName: TableName(),
                        Key: keys.domain(old),
                        ConditionExpression: 'accountId = :me',
                        ExpressionAttributeValues: { ':me': id },
                      },
                    },
                  ]),
            ],
          }),
        );
        return updated;
      } catch (error) {
        const reasons = isTransactionCancelled(error);
        if (!reasons) throw error;
        if (
          domain !== null &&
          reasons[1] === 'ConditionalCheckFailed' &&
          reasons[0] !== 'ConditionalCheckFailed'
        ) {
          throw new Fail(409, 'DOMAIN_TAKEN', `${domain} already belongs to another account`);
        }
        if (!reasons.includes('ConditionalCheckFailed')) throw error;
        current = await readFresh();
        return undefined;
      }
    });
    return reply(event, 200, accountView({ account, role: target.role }), { etag: etag(account.version) });
  });

function domainOf(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string')
    throw new Fail(400, 'VALIDATION_FAILED', 'Invalid body', [
      { path: 'customerDomain', message: 'Must be a string or null' },
    ]);
  try {
    return normaliseDomain(value);
  } catch (error) {
    if (error instanceof DomainError) throw new Fail(400, 'VALIDATION_FAILED', 'Invalid body', error.details);
    throw error;
  }
}

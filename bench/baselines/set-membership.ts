import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountRecord } from '../../lib/domain/account';
import { toAccount } from '../../lib/store/items';
import { keys } from '../../lib/store/keys';
import {
  callerOf,
  checkIfMatch,
  ddb,
  type Event,
  etag,
  Fail,
  getItem,
  ifMatchOf,
  invalid,
  isConditionFailed,
  jsonBody,
  membershipView,
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
 * PATCH /accounts/{id}/membership: the account and the caller's membership (one BatchGetItem), then
 * one conditional UpdateItem that returns the new account.
 */
export const handler = (event: Event): Promise<Result> =>
  run(event, async () => {
    const body = jsonBody(event, ['allowDomainAutoJoin']);
    const allow = body.allowDomainAutoJoin;
    if (typeof allow !== 'boolean') throw invalid('body', 'allowDomainAutoJoin', 'Must be a boolean');
    const target = await requireAccess(callerOf(event).sub, event.pathParameters?.customerId ?? '', 'ADMIN');
    checkIfMatch(event, target.account.settingsVersion);
    const ifMatch = ifMatchOf(event);
    const expected = ifMatch && !ifMatch.any ? target.account.settingsVersion : undefined;
    const admit = (fresh: AccountRecord | undefined): AccountRecord => {
      if (!fresh) throw notFound();
      if (expected !== undefined && fresh.settingsVersion !== expected) throw preconditionFailed();
      if (allow && !fresh.customerDomain) {
        throw new Fail(409, 'DOMAIN_REQUIRED', 'Set a customerDomain before enabling allowDomainAutoJoin');
      }
      return fresh;
    };
    admit(target.account);
    const account = await retrying(async () => {
      try {
        const { Attributes } = await ddb().send(
          new UpdateCommand({
            TableName: TableName(),
            Key: keys.account(target.account.id),
            ConditionExpression: [
              'attribute_exists(pk)',
              '(attribute_not_exists(allowDomainAutoJoin) OR allowDomainAutoJoin <> :allow)',
              ...(expected === undefined ? [] : ['settingsVersion = :expected']),
              ...(allow ? ['attribute_exists(customerDomain)'] : []),
            ].join(' AND '),
            UpdateExpression:
              'SET allowDomainAutoJoin = :allow, settingsVersion = if_not_exists(settingsVersion, :one) + :one, ' +
              'settingsUpdatedAt = :now',
            ExpressionAttributeValues: {
              ':allow': allow,
              ':one': 1,
              ':now': new Date().toISOString(),
              ...(expected === undefined ? {} : { ':expected': expected }),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toAccount(Attributes as Record<string, unknown>);
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        const row = await getItem(keys.account(target.account.id), true);
        const fresh = admit(row ? toAccount(row) : undefined);
        return fresh.allowDomainAutoJoin === allow ? fresh : undefined;
      }
    });
    return reply(event, 200, membershipView(account), { etag: etag(account.settingsVersion) });
  });

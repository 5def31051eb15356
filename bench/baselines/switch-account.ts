import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../lib/store/keys';
import {
  accountView,
  callerOf,
  ddb,
  type Event,
  etag,
  jsonBody,
  nonEmptyString,
  type Result,
  reply,
  requireAccess,
  run,
  TableName,
} from './shared';

/** PUT /accounts/current: the account and the membership (one BatchGetItem), then one UpdateItem on the profile. */
export const handler = (event: Event): Promise<Result> =>
  run(event, async () => {
    const body = jsonBody(event, ['customerId']);
    const customerId = nonEmptyString(body.customerId, 'customerId');
    const { sub } = callerOf(event);
    const target = await requireAccess(sub, customerId, 'MEMBER');
    const { account } = target;
    await ddb().send(
      new UpdateCommand({
        TableName: TableName(),
        Key: keys.profile(sub),
        UpdateExpression:
          'SET #sub = if_not_exists(#sub, :sub), createdAt = if_not_exists(createdAt, :now), defaultAccountId = :id' +
          (account.parentId ? ', defaultParentId = :parent' : ' REMOVE defaultParentId'),
        ExpressionAttributeNames: { '#sub': 'sub' },
        ExpressionAttributeValues: {
          ':sub': sub,
          ':now': new Date().toISOString(),
          ':id': account.id,
          ...(account.parentId ? { ':parent': account.parentId } : {}),
        },
      }),
    );
    return reply(event, 200, accountView(target), { etag: etag(account.version) });
  });

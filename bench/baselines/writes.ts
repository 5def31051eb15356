import { randomBytes } from 'node:crypto';
import type { AccountRecord } from '../../lib/domain/account';
import { keys } from '../../lib/store/keys';
import { TableName } from './shared';

/** Writes two baselines share: a new account record, and "becomes the default if none" on the profile. */
export function newAccount(
  fields: Pick<AccountRecord, 'company' | 'name' | 'parentId'>,
  now: string,
): AccountRecord {
  return {
    id: randomBytes(16).toString('base64url'),
    ...fields,
    customerDomain: null,
    childCount: 0,
    allowDomainAutoJoin: false,
    version: 1,
    settingsVersion: 1,
    settingsUpdatedAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

export function setDefaultIfNone(sub: string, accountId: string, parentId: string | null, now: string) {
  return {
    Update: {
      TableName: TableName(),
      Key: keys.profile(sub),
      UpdateExpression:
        'SET #sub = if_not_exists(#sub, :sub), createdAt = if_not_exists(createdAt, :now), ' +
        'defaultAccountId = if_not_exists(defaultAccountId, :id)' +
        (parentId ? ', defaultParentId = if_not_exists(defaultParentId, :parent)' : ''),
      ExpressionAttributeNames: { '#sub': 'sub' },
      ExpressionAttributeValues: {
        ':sub': sub,
        ':now': now,
        ':id': accountId,
        ...(parentId ? { ':parent': parentId } : {}),
      },
    },
  };
}

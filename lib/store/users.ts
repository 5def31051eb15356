import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client';
import { keys } from './keys';

export interface UserProfile {
  sub: string;
  email: string | null;
  /** The account chosen by PUT /accounts/current, or the first one the user got access to. */
  defaultAccountId: string | null;
  /** Parent of the default account, kept so a deleted child's users fall back to its parent. */
  defaultParentId: string | null;
  createdAt: string;
}

export async function getProfile(sub: string): Promise<UserProfile | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.profile(sub) }));
  return Item ? toProfile(Item) : undefined;
}

/**
 * Records a user at sign-up. Idempotent: a redelivered event finds the profile and changes nothing
 * (if_not_exists keeps the first values).
 */
export async function recordUser(sub: string, email: string | null, now: string): Promise<void> {
  await ddb().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.profile(sub),
      UpdateExpression:
        'SET #sub = if_not_exists(#sub, :sub), email = if_not_exists(email, :email), createdAt = if_not_exists(createdAt, :now)',
      ExpressionAttributeNames: { '#sub': 'sub' },
      ExpressionAttributeValues: { ':sub': sub, ':email': email, ':now': now },
    }),
  );
}

export function toProfile(item: Record<string, unknown>): UserProfile {
  return {
    sub: item.sub as string,
    email: (item.email as string | null | undefined) ?? null,
    defaultAccountId: (item.defaultAccountId as string | undefined) ?? null,
    defaultParentId: (item.defaultParentId as string | undefined) ?? null,
    createdAt: item.createdAt as string,
  };
}

/**
 * What every baseline handler that reads the table shares: the raw SDK client (configured like the
 * store's), BatchGetItem and GetItem helpers, and the access check; plus everything of ./http.
 *
 * A baseline is the floor for its route: the same event in, the same response out, the minimum
 * DynamoDB work on the same table, and no framework (no middy, no zod, no logger). It reuses the
 * project's pure helpers (key builders, item mapping, domain rules) because those are the work
 * itself, not overhead.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AccessibleAccount } from '../../lib/domain/account';
import { atLeast, effectiveRole, type Role } from '../../lib/domain/roles';
import { toAccount, toMembership } from '../../lib/store/items';
import { type Key, keys } from '../../lib/store/keys';
import { forbidden, notFound } from './http';

export * from './http';

let client: DynamoDBDocumentClient | undefined;

/** Created on first use, like the store's client, so both sides pay for it at the same moment. */
export function ddb(): DynamoDBDocumentClient {
  if (!client) {
    const endpoint = process.env.DYNAMODB_ENDPOINT || undefined;
    client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        maxAttempts: 3,
        requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true },
        ...(endpoint
          ? { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
          : {}),
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
  }
  return client;
}

export const TableName = (): string => process.env.TABLE_NAME as string;

const keyId = (k: { pk: unknown; sk: unknown }): string => `${k.pk}\u0000${k.sk}`;

/** One BatchGetItem (≤ 100 keys), re-asking for unprocessed keys; found items by key. */
export async function batchGet(
  keyList: Key[],
  consistent = false,
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  let pending: Key[] | undefined = [...new Map(keyList.map((k) => [keyId(k), k])).values()];
  for (let attempt = 0; pending?.length; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
    const out = await ddb().send(
      new BatchGetCommand({ RequestItems: { [TableName()]: { Keys: pending, ConsistentRead: consistent } } }),
    );
    for (const item of out.Responses?.[TableName()] ?? []) found.set(keyId(item as Key), item);
    pending = out.UnprocessedKeys?.[TableName()]?.Keys as Key[] | undefined;
  }
  return found;
}

export const itemOf = (found: Map<string, Record<string, unknown>>, key: Key) => found.get(keyId(key));

export async function getItem(
  Key: Key,
  ConsistentRead = false,
): Promise<Record<string, unknown> | undefined> {
  return (await ddb().send(new GetCommand({ TableName: TableName(), Key, ConsistentRead }))).Item;
}

export const roleOf = (item: Record<string, unknown> | undefined): Role | undefined =>
  item ? toMembership(item).role : undefined;

/**
 * The caller's access to one account: the account and the direct membership in one BatchGetItem
 * (plus the membership on `parentHint`, when the caller knows the parent already); a child reached
 * only through its parent needs the parent membership as a second read.
 */
export async function access(
  sub: string,
  accountId: string,
  parentHint?: string | null,
): Promise<AccessibleAccount | undefined> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(accountId)) return undefined;
  const accountKey = keys.account(accountId);
  const directKey = keys.membership(sub, accountId);
  const hintKey = parentHint ? keys.membership(sub, parentHint) : undefined;
  const found = await batchGet(hintKey ? [accountKey, directKey, hintKey] : [accountKey, directKey]);
  const row = itemOf(found, accountKey);
  if (!row) return undefined;
  const account = toAccount(row);
  const direct = roleOf(itemOf(found, directKey));
  let onParent: Role | undefined;
  if (account.parentId && hintKey && account.parentId === parentHint) {
    onParent = roleOf(itemOf(found, hintKey));
  } else if (account.parentId && direct !== 'SUPER_ADMIN') {
    onParent = roleOf(await getItem(keys.membership(sub, account.parentId)));
  }
  const role = effectiveRole(direct, onParent);
  return role ? { account, role } : undefined;
}

/** access(), answering 404 when there is none and 403 below `least`. */
export async function requireAccess(sub: string, accountId: string, least: Role): Promise<AccessibleAccount> {
  const found = await access(sub, accountId);
  if (!found) throw notFound();
  if (!atLeast(found.role, least)) throw forbidden();
  return found;
}

export const isTransactionCancelled = (error: unknown): string[] | undefined =>
  error instanceof Error && error.name === 'TransactionCanceledException'
    ? ((error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map(
        (r) => r.Code ?? 'None',
      )
    : undefined;

export const isConditionFailed = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** A few tries for a write that found the state changed since it was read. */
export async function retrying<T>(attempt: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 6; i++) {
    const result = await attempt();
    if (result !== undefined) return result;
    await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** i));
  }
  throw Object.assign(new Error('busy'), { $retryable: {} });
}

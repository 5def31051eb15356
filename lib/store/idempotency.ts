import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client';
import { isConditionFailed } from './errors';
import { keys } from './keys';

/**
 * Idempotency records: one item per scope (IDEMPOTENCY#<hash of caller, route, key>), expired by
 * the table's TTL attribute `expiresAt` (epoch seconds). Why this is hand-written rather than
 * Powertools' idempotency utility: see lib/http/idempotency.ts.
 *
 * Life of a record: `claim` puts it IN_PROGRESS (one conditional PutItem), the request runs, then
 * `complete` stores the 201 (COMPLETED) or `release` deletes it. An IN_PROGRESS record carries
 * `lockedUntil` (epoch ms, the end of the invocation that claimed it), so an attempt that crashed or
 * timed out frees the key when its Lambda would have been stopped; `token` makes sure an attempt
 * only completes or releases its own claim.
 */
export type Claim =
  | { outcome: 'CLAIMED'; token: string }
  | { outcome: 'COMPLETED'; response: string }
  | { outcome: 'IN_PROGRESS' }
  | { outcome: 'MISMATCH' };

const IN_PROGRESS = 'IN_PROGRESS';
const COMPLETED = 'COMPLETED';

export async function claim(
  scope: string,
  fingerprint: string,
  token: string,
  { nowMs, lockMs, ttlSeconds }: { nowMs: number; lockMs: number; ttlSeconds: number },
): Promise<Claim> {
  const key = keys.idempotency(scope);
  // A record that vanishes between our failed put and our read (its attempt released it) frees the key: try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...key,
            entity: 'idempotency',
            status: IN_PROGRESS,
            fingerprint,
            token,
            lockedUntil: nowMs + lockMs,
            expiresAt: Math.floor(nowMs / 1000) + ttlSeconds,
          },
          // Free: never used, past its TTL but not yet swept, or claimed by an attempt that is gone.
          ConditionExpression:
            'attribute_not_exists(pk) OR expiresAt < :nowS OR (#status = :inProgress AND lockedUntil < :nowMs)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':nowS': Math.floor(nowMs / 1000),
            ':nowMs': nowMs,
            ':inProgress': IN_PROGRESS,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { outcome: 'CLAIMED', token };
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      const existing = oldItem(error) ?? (await read(key));
      if (!existing) continue;
      if (existing.fingerprint !== fingerprint) return { outcome: 'MISMATCH' };
      if (existing.status === COMPLETED && existing.response !== undefined) {
        return { outcome: 'COMPLETED', response: existing.response };
      }
      return { outcome: 'IN_PROGRESS' };
    }
  }
  return { outcome: 'IN_PROGRESS' };
}

/** Keeps the response of the claim's attempt for replays. False when the claim was lost meanwhile. */
export async function complete(
  scope: string,
  token: string,
  response: string,
  { nowMs, ttlSeconds }: { nowMs: number; ttlSeconds: number },
): Promise<boolean> {
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.idempotency(scope),
        UpdateExpression:
          'SET #status = :completed, #response = :response, expiresAt = :expiresAt REMOVE lockedUntil',
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response', '#token': 'token' },
        ExpressionAttributeValues: {
          ':completed': COMPLETED,
          ':response': response,
          ':expiresAt': Math.floor(nowMs / 1000) + ttlSeconds,
          ':token': token,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Frees the key after an outcome that is not kept; someone else's newer claim is left alone. */
export async function release(scope: string, token: string): Promise<void> {
  try {
    await ddb().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: keys.idempotency(scope),
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': token },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}

interface Existing {
  status: string | undefined;
  fingerprint: string | undefined;
  response: string | undefined;
}

async function read(key: { pk: string; sk: string }): Promise<Existing | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
  );
  return (
    Item && { status: str(Item.status), fingerprint: str(Item.fingerprint), response: str(Item.response) }
  );
}

/**
 * The item that failed the condition, as DynamoDB returned it with the error (the DocumentClient
 * does not translate error payloads, so these are raw attribute values: `{ S: "..." }`).
 */
function oldItem(error: unknown): Existing | undefined {
  const item = (error as { Item?: Record<string, unknown> }).Item;
  return (
    item && { status: str(item.status), fingerprint: str(item.fingerprint), response: str(item.response) }
  );
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const s = (value as { S?: unknown } | undefined)?.S;
  return typeof s === 'string' ? s : undefined;
}

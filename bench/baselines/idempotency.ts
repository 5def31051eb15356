/**
 * Idempotency-Key at its floor, keeping the contract's states: the key is claimed IN_PROGRESS
 * (one conditional PutItem: 409 while the first request runs, the replay or the 422 after it),
 * and the record turns COMPLETED, with the response, inside the transaction that creates the
 * account — so the completion costs no request of its own. Where the target is known from the
 * body (create-child with parentId), the claim goes out beside the access check's read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { keys } from '../../lib/store/keys';
import {
  type Caller,
  ddb,
  type Event,
  Fail,
  isConditionFailed,
  type Result,
  reply,
  TableName,
} from './shared';

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;
const TTL_SECONDS = 24 * 60 * 60;

export interface Scope {
  key: { pk: string; sk: string };
  fingerprint: string;
  token: string;
}

export interface Stored {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Undefined without the header; 400 when the header is malformed. */
export function scopeOf(event: Event, caller: Caller, accountId: string | null): Scope | undefined {
  const header = event.headers?.['idempotency-key'];
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw new Fail(400, 'VALIDATION_FAILED', 'Invalid headers', [
      { path: 'Idempotency-Key', message: 'Must be 1–255 printable ASCII characters' },
    ]);
  }
  const body = event.body ? JSON.parse(event.body) : null;
  return {
    key: keys.idempotency(sha256(JSON.stringify([caller.sub, event.routeKey, header]))),
    fingerprint: sha256(canonicalJson({ body, account: accountId })),
    token: randomBytes(16).toString('base64url'),
  };
}

/** The claim's outcome: undefined when claimed (go on), else the answer to give. */
export async function claim(event: Event, scope: Scope, context?: Context): Promise<() => Result> {
  const nowMs = Date.now();
  const remaining = context?.getRemainingTimeInMillis?.();
  const lockMs = typeof remaining === 'number' && remaining > 0 ? Math.max(remaining, 1000) : 15_000;
  try {
    await ddb().send(
      new PutCommand({
        TableName: TableName(),
        Item: {
          ...scope.key,
          entity: 'idempotency',
          status: 'IN_PROGRESS',
          fingerprint: scope.fingerprint,
          token: scope.token,
          lockedUntil: nowMs + lockMs,
          expiresAt: Math.floor(nowMs / 1000) + TTL_SECONDS,
        },
        ConditionExpression:
          'attribute_not_exists(pk) OR expiresAt < :nowS OR (#status = :inProgress AND lockedUntil < :nowMs)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':nowS': Math.floor(nowMs / 1000),
          ':nowMs': nowMs,
          ':inProgress': 'IN_PROGRESS',
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return CLAIMED;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const item = (error as { Item?: Record<string, { S?: string }> }).Item ?? {};
    if (item.fingerprint?.S !== scope.fingerprint) {
      return () => {
        throw new Fail(
          422,
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used for a different request',
        );
      };
    }
    if (item.status?.S === 'COMPLETED' && item.response?.S) {
      const first = JSON.parse(item.response.S) as Stored;
      return () =>
        reply(event, first.status, first.body, { ...first.headers, 'idempotent-replayed': 'true' });
    }
    return () => {
      throw new Fail(
        409,
        'IDEMPOTENCY_IN_PROGRESS',
        'A request with this Idempotency-Key is still in progress; retry shortly',
      );
    };
  }
}

export const CLAIMED = (): Result => {
  throw new Error('claimed: the request runs');
};

/** The transaction item that completes the claim with the response it keeps. */
export function completeItem(scope: Scope, response: Stored) {
  return {
    Update: {
      TableName: TableName(),
      Key: scope.key,
      UpdateExpression:
        'SET #status = :completed, #response = :response, expiresAt = :expiresAt REMOVE lockedUntil',
      ConditionExpression: '#token = :token',
      ExpressionAttributeNames: { '#status': 'status', '#response': 'response', '#token': 'token' },
      ExpressionAttributeValues: {
        ':completed': 'COMPLETED',
        ':response': JSON.stringify(response),
        ':expiresAt': Math.floor(Date.now() / 1000) + TTL_SECONDS,
        ':token': scope.token,
      },
    },
  };
}

/** Frees the key after an outcome that is not kept (best effort: the lock expires anyway). */
export async function release(scope: Scope): Promise<void> {
  await ddb()
    .send(
      new DeleteCommand({
        TableName: TableName(),
        Key: scope.key,
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': scope.token },
      }),
    )
    .catch(() => {});
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');

import { createHash, randomBytes } from 'node:crypto';
import type { Context, APIGatewayProxyEventV2WithJWTAuthorizer as Event } from 'aws-lambda';
import type { AccessibleAccount } from '../domain/account';
import { DomainError } from '../domain/errors';
import type { Caller } from '../domain/user';
import * as records from '../store/idempotency';
import { logger } from './logger';
import type { Reply } from './response';

/**
 * Idempotency-Key for the create routes, as the contract words it: scoped to the caller and the
 * route, kept 24 hours, the same request (same JSON body value, key order aside, and for
 * create-child without parentId the same current account) replays the first 201 with
 * `Idempotent-Replayed: true`; a different request is 422 IDEMPOTENCY_KEY_REUSED; while the first
 * runs, 409 IDEMPOTENCY_IN_PROGRESS; only a 201 is kept.
 *
 * Decision: hand-written (this file and lib/store/idempotency.ts, about 150 lines), not
 * `@aws-lambda-powertools/idempotency` 2.35.0. Powertools can be bent to the contract (our own
 * canonical fingerprint as the validation payload, non-201 outcomes thrown so its record is
 * deleted, a response hook for the header), but it loses on what we measured and on the layout:
 * - Bundle (esbuild, minified, SDK bundled, mainFields module/main, ESM, node20), measured on
 *   functions/accounts/create.ts: 398.4 KB with no idempotency; 405.0 KB with this one (+6.6 KB,
 *   half of it the SDK's Put/Update/Delete commands); 442.3 KB with Powertools' utility and its
 *   DynamoDB layer (+43.9 KB: the utility, its JMESPath engine, and a second copy of
 *   @aws-lambda-powertools/commons, pinned at 2.35.0 while our logger brings 2.36.0), which is
 *   over the ~420 KB per-function budget.
 * - Layout: with a sort key it writes every record of every tenant under one static partition key
 *   (`staticPkValue`), where our table keys a record by its own hash (IDEMPOTENCY#<hash>).
 * - Errors: store failures (throttling included) come back wrapped in
 *   IdempotencyPersistenceLayerError, and a failed delete after the route threw replaces the
 *   route's own error; the in-progress expiry needs a Lambda context registered on a module-wide
 *   config (without one it warns and locks the key for the full 24 h); the persistence layer is
 *   bound to one table name at construction.
 */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** The lock of an attempt when the invocation's remaining time is unknown: above the 12 s Lambda timeout. */
const DEFAULT_LOCK_MS = 15_000;

export interface IdempotentInput {
  caller: Caller;
  idempotencyKey: string | undefined;
  target: AccessibleAccount | undefined;
}

/**
 * Runs the route once per (caller, route, key); without a key it just runs it. Called by the
 * edge after every check (schemas, access, role, If-Match), so a replay is only ever handed to a
 * caller who may still make the request.
 */
export async function idempotent(
  input: IdempotentInput,
  event: Event,
  context: Context | undefined,
  run: () => Promise<Reply>,
): Promise<Reply> {
  const key = input.idempotencyKey;
  if (key === undefined) return run();
  const scope = sha256(JSON.stringify([input.caller.sub, event.routeKey, key]));
  const fingerprint = sha256(
    canonicalJson({ body: bodyOf(event), account: input.target?.account.id ?? null }),
  );
  const nowMs = Date.now();
  const claim = await records.claim(scope, fingerprint, randomBytes(16).toString('base64url'), {
    nowMs,
    lockMs: lockMs(context),
    ttlSeconds: IDEMPOTENCY_TTL_SECONDS,
  });
  if (claim.outcome === 'MISMATCH') {
    throw new DomainError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a different request',
    );
  }
  if (claim.outcome === 'IN_PROGRESS') {
    throw new DomainError(
      'IDEMPOTENCY_IN_PROGRESS',
      'A request with this Idempotency-Key is still in progress; retry shortly',
    );
  }
  if (claim.outcome === 'COMPLETED') {
    const first = JSON.parse(claim.response) as Reply;
    return { ...first, headers: { ...first.headers, 'idempotent-replayed': 'true' } };
  }

  let reply: Reply;
  try {
    reply = await run();
  } catch (error) {
    await releaseQuietly(scope, claim.token);
    throw error;
  }
  if (reply.status !== 201) {
    await releaseQuietly(scope, claim.token);
    return reply;
  }
  try {
    const kept = await records.complete(scope, claim.token, JSON.stringify(reply), {
      nowMs: Date.now(),
      ttlSeconds: IDEMPOTENCY_TTL_SECONDS,
    });
    if (!kept) logger.warn('idempotency claim lost before completion', { routeKey: event.routeKey });
  } catch (error) {
    // The account exists: answer its 201. The key stays locked until the attempt's lock expires.
    logger.error('idempotency record not completed', { error: error as Error });
  }
  return reply;
}

/** Best effort: if the delete fails, the key frees itself when the attempt's lock expires. */
async function releaseQuietly(scope: string, token: string): Promise<void> {
  try {
    await records.release(scope, token);
  } catch (error) {
    logger.error('idempotency record not released', { error: error as Error });
  }
}

/** Until this invocation would be stopped, so a crashed or timed-out attempt frees the key. */
function lockMs(context: Context | undefined): number {
  const remaining = context?.getRemainingTimeInMillis?.();
  return typeof remaining === 'number' && Number.isFinite(remaining) && remaining > 0
    ? Math.max(remaining, 1000)
    : DEFAULT_LOCK_MS;
}

/** The request's JSON value (the edge has already checked it parses). */
function bodyOf(event: Event): unknown {
  if (event.body === undefined || event.body === '') return null;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  return JSON.parse(text);
}

/** JSON with object keys sorted at every level: equal JSON values give equal strings. */
export function canonicalJson(value: unknown): string {
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

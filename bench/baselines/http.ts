/**
 * The HTTP side every baseline shares, with no AWS SDK in it (so the floor of a route that touches
 * no table, health and the OpenAPI document, carries none): the contract's response envelope and
 * error body, the caller from the authorizer's claims, a hand-written JSON body check; ETags and
 * views come from the project's pure helpers.
 */
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer as Event,
  APIGatewayProxyStructuredResultV2 as Result,
} from 'aws-lambda';
import { type ExpectedVersion, matchesVersion } from '../../lib/domain/versions';
import { parseIfMatch } from '../../lib/http/etag';

export type { Event, Result };

export class Fail extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

export const notFound = (): Fail => new Fail(404, 'NOT_FOUND', 'Not found');
export const forbidden = (): Fail =>
  new Fail(403, 'FORBIDDEN', 'Your role on this account does not allow this');
export const preconditionFailed = (): Fail =>
  new Fail(412, 'PRECONDITION_FAILED', 'The resource changed since the ETag in If-Match was issued');
export const invalid = (where: string, path: string, message: string): Fail =>
  new Fail(400, 'VALIDATION_FAILED', `Invalid ${where}`, [{ path, message }]);

export function reply(
  event: Event,
  status: number,
  body?: unknown,
  headers?: Record<string, string>,
): Result {
  return {
    statusCode: status,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-request-id': event.requestContext?.requestId ?? 'unknown',
      ...headers,
    },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

/** Runs a route body; a Fail becomes its status, a store outage 503, anything else 500. */
export async function run(event: Event, route: () => Promise<Result>): Promise<Result> {
  try {
    return await route();
  } catch (error) {
    if (error instanceof Fail) {
      return reply(event, error.status, {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      });
    }
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
    if (
      e.$retryable !== undefined ||
      (e.$metadata?.httpStatusCode ?? 0) >= 500 ||
      e.name === 'TimeoutError'
    ) {
      return reply(
        event,
        503,
        {
          error: {
            code: 'SERVICE_UNAVAILABLE',
            message: 'The service is temporarily unavailable; retry shortly',
          },
        },
        { 'retry-after': '1' },
      );
    }
    return reply(event, 500, { error: { code: 'INTERNAL', message: 'Internal error' } });
  }
}

export interface Caller {
  sub: string;
  email: string | undefined;
  emailVerified: boolean;
}

export function callerOf(event: Event): Caller {
  const claims = event.requestContext?.authorizer?.jwt?.claims ?? {};
  return {
    sub: String(claims.sub ?? ''),
    email: typeof claims.email === 'string' ? claims.email : undefined,
    emailVerified: String(claims.email_verified) === 'true',
  };
}

const BODY_LIMIT_BYTES = 16 * 1024;
const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

/** 413 → 415 → 400 INVALID_JSON → an object with only the allowed keys. */
export function jsonBody(event: Event, allowed: readonly string[]): Record<string, unknown> {
  const raw = event.body ?? '';
  if (Buffer.byteLength(raw, event.isBase64Encoded ? 'base64' : 'utf8') > BODY_LIMIT_BYTES) {
    throw new Fail(413, 'PAYLOAD_TOO_LARGE', `The body must be at most ${BODY_LIMIT_BYTES} bytes`);
  }
  if (!JSON_MEDIA_TYPE.test(event.headers?.['content-type'] ?? '')) {
    throw new Fail(415, 'UNSUPPORTED_MEDIA_TYPE', 'The body must be application/json');
  }
  let value: unknown;
  try {
    value = JSON.parse(event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw);
  } catch {
    throw new Fail(400, 'INVALID_JSON', 'The body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid('body', 'body', 'Must be an object');
  }
  const unknown = Object.keys(value).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw invalid('body', unknown, 'Unknown field');
  return value as Record<string, unknown>;
}

const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;

/** A display name: trimmed, 1–200 code points, no control or format characters. */
export function displayName(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid('body', path, 'Must be a string');
  const s = value.trim();
  if (s.length === 0) throw invalid('body', path, 'Must not be empty');
  if ([...s].length > 200) throw invalid('body', path, 'Must be at most 200 characters');
  if (CONTROL_OR_FORMAT.test(s)) throw invalid('body', path, 'Must not contain control or format characters');
  return s;
}

export function nonEmptyString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw invalid('body', path, 'Must be a non-empty string');
  return value;
}

/** The project's own ETag format, If-Match parsing and views: pure code, the work itself. */
export { etag } from '../../lib/http/etag';
export { accountView, membershipView } from '../../lib/http/views';

/** If-Match: undefined (absent), any (`*`), or the versions it names. */
export const ifMatchOf = (event: Event): ExpectedVersion => parseIfMatch(event.headers?.['if-match']);

export function checkIfMatch(event: Event, version: number): void {
  if (!matchesVersion(ifMatchOf(event), version)) throw preconditionFailed();
}

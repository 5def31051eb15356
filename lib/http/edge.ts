import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type {
  Context,
  APIGatewayProxyEventV2WithJWTAuthorizer as Event,
  APIGatewayProxyStructuredResultV2 as Result,
} from 'aws-lambda';
import type * as z from 'zod/mini';
import { config as zodConfig } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';
import type { AccessibleAccount } from '../domain/account';
import { DomainError, type ErrorDetail, forbidden, preconditionFailed } from '../domain/errors';
import { atLeast } from '../domain/roles';
import type { Caller } from '../domain/user';
import { type ExpectedVersion, matchesVersion } from '../domain/versions';
import { errorReply } from './errors';
import { parseIfMatch } from './etag';
import { logger } from './logger';
import { type Reply, toResult } from './response';
import type { Target } from './targets';

/**
 * The one edge every route stands on. A route declares what it takes and the role it needs; the
 * chain checks, in the contract's order: body size (413), content type (415), JSON (400), schemas
 * and headers (400), existence and access (404), role (403), If-Match (412) — then runs the route.
 */
export interface Spec {
  /** A JSON body, validated strictly. Its presence makes this a body route. */
  body?: z.ZodMiniType;
  query?: z.ZodMiniType;
  /** The account the route acts on and the least role it needs there (lib/http/targets.ts). */
  account?: Target;
  /** The stored version If-Match is compared with, before the operation runs. */
  version?: (account: AccessibleAccount['account']) => number;
  /** Accepts an Idempotency-Key header: lib/http/idempotency.ts's `idempotent`. */
  idempotent?: Idempotent;
}

/** Runs a route at most once per Idempotency-Key (lib/http/idempotency.ts). */
export type Idempotent = (
  input: Input<Spec>,
  event: Event,
  context: Context,
  run: () => Promise<Reply>,
) => Promise<Reply>;

type Out<T> = T extends z.ZodMiniType ? z.output<T> : undefined;

export interface Input<S extends Spec> {
  caller: Caller;
  body: Out<S['body']>;
  query: Out<S['query']>;
  target: S['account'] extends object ? AccessibleAccount : undefined;
  ifMatch: ExpectedVersion;
  idempotencyKey: string | undefined;
  requestId: string;
}

// English messages for error details; zod/mini loads no locale by itself.
zodConfig(en());

export const BODY_LIMIT_BYTES = 16 * 1024;
const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/** What the edge parsed and resolved, handed to the route. */
const inputs = new WeakMap<Event, Input<Spec>>();

export function handle<const S extends Spec>(spec: S, route: (input: Input<S>) => Promise<Reply>) {
  return middy<Event, Result>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(replies())
    .use(edge(spec))
    .handler(async (event, context) => {
      const input = inputs.get(event) as Input<S>;
      const run = () => route(input);
      return (await (spec.idempotent
        ? spec.idempotent(input, event, context, run)
        : run())) as unknown as Result;
    });
}

/** Turns the route's Reply, or whatever it threw, into the HTTP result with the shared headers. */
function replies(): MiddlewareObj<Event, Result> {
  return {
    after: (request) => {
      request.response = toResult(request.response as unknown as Reply, requestIdOf(request.event));
    },
    onError: (request) => {
      const { reply, unexpected } = errorReply(request.error);
      if (unexpected) logger.error('request failed', { error: request.error as Error, status: reply.status });
      request.response = toResult(reply, requestIdOf(request.event));
    },
  };
}

const requestIdOf = (event: Event): string => event.requestContext?.requestId ?? 'unknown';

function edge(spec: Spec): MiddlewareObj<Event, Result> {
  return {
    before: async (request) => {
      const { event } = request;
      logger.appendKeys({ requestId: requestIdOf(event), route: event.routeKey });
      const headers = event.headers ?? {};
      const body = spec.body ? validate(spec.body, readJson(event), 'body') : undefined;
      const query = spec.query ? validate(spec.query, event.queryStringParameters ?? {}, 'query') : undefined;
      const idempotencyKey = spec.idempotent ? idempotencyKeyOf(headers['idempotency-key']) : undefined;
      const caller = callerOf(event);
      const target = spec.account ? await resolveTarget(spec.account, caller, event, body) : undefined;
      const ifMatch = parseIfMatch(headers['if-match']);
      if (target && spec.version && !matchesVersion(ifMatch, spec.version(target.account)))
        throw preconditionFailed();
      inputs.set(event, {
        caller,
        body,
        query,
        target,
        ifMatch,
        idempotencyKey,
        requestId: requestIdOf(event),
      } as Input<Spec>);
    },
  };
}

/** 413 before 415 before 400, as API Gateway-fronted services answer. */
function readJson(event: Event): unknown {
  const raw = event.body ?? '';
  const bytes = Buffer.byteLength(raw, event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes > BODY_LIMIT_BYTES) {
    throw new DomainError('PAYLOAD_TOO_LARGE', `The body must be at most ${BODY_LIMIT_BYTES} bytes`);
  }
  if (!JSON_MEDIA_TYPE.test(event.headers?.['content-type'] ?? '')) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'The body must be application/json');
  }
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError('INVALID_JSON', 'The body is not valid JSON');
  }
}

export function validate<T extends z.ZodMiniType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: ErrorDetail[] = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'Unknown field' }))
      : [{ path: issue.path.join('.') || where, message: issue.message }],
  );
  throw new DomainError('VALIDATION_FAILED', `Invalid ${where}`, details);
}

function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw new DomainError('VALIDATION_FAILED', 'Invalid headers', [
      { path: 'Idempotency-Key', message: 'Must be 1–255 printable ASCII characters' },
    ]);
  }
  return header;
}

/** The caller from the authorizer's verified claims (API Gateway passes them as strings). */
function callerOf(event: Event): Caller {
  const claims = event.requestContext?.authorizer?.jwt?.claims ?? {};
  return {
    sub: String(claims.sub ?? ''),
    email: typeof claims.email === 'string' ? claims.email : undefined,
    emailVerified: String(claims.email_verified) === 'true',
  };
}

async function resolveTarget(account: Target, caller: Caller, event: Event, body: unknown) {
  const consistent = event.requestContext?.http?.method !== 'GET';
  const target = await account.resolve({ caller, event, body, consistent });
  if (!atLeast(target.role, account.role)) throw forbidden();
  return target;
}

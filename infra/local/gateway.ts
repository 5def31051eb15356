import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JwtVerifier } from 'aws-jwt-verify';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { matchRoute, type Route } from '../../lib/routes';
import { BodyTooLarge, close, lambdaContext, listen, loadHandler, readBody } from './lambda-endpoint';

/**
 * The local API Gateway (HTTP API, payload format 2.0): same route table and matching, the same
 * decision as the Cognito JWT authorizer, the same event, and API Gateway's own answers for what it
 * decides by itself (404 no route, 401, 429, 413, 500 when the integration fails).
 */
export type RouteHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyResultV2 | undefined>;

export interface GatewayOptions {
  port: number;
  /** The authorizer's configuration: cognito-local's issuer and JWKS, the app client as audience. */
  issuer: string;
  jwksUri: string;
  clientId: string;
  /** Stage throttle in requests per second (burst the same); 0 or absent: off. */
  throttleRps?: number;
  /** Test seam: a handler per route name, used instead of that route's module. */
  handlers?: Readonly<Record<string, RouteHandler>>;
  log?: (line: string) => void;
}

export interface Gateway {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** API Gateway's own payload limit for HTTP APIs; the handlers enforce the contract's 16 KiB. */
const maxBody = 10 * 1024 * 1024;

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const authorize = createAuthorizer(options);
  const admit = options.throttleRps ? tokenBucket(options.throttleRps) : () => true;
  const log = options.log ?? (() => {});

  const server = createServer(async (req, res) => {
    const started = Date.now();
    const requestId = randomBytes(10).toString('base64');
    res.on('finish', () => log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`));
    try {
      if (!admit()) return sendMessage(res, 429, 'Too Many Requests');
      const url = req.url ?? '/';
      const queryAt = url.indexOf('?');
      const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
      const rawQueryString = queryAt < 0 ? '' : url.slice(queryAt + 1);
      const match = matchRoute(req.method ?? '', rawPath);
      if (!match) return sendMessage(res, 404, 'Not Found');
      let claims: Record<string, string> | undefined;
      if (match.route.auth) {
        claims = await authorize(req.headers.authorization);
        if (!claims) return sendMessage(res, 401, 'Unauthorized');
      }
      let body: string;
      try {
        body = await readBody(req, maxBody);
      } catch (error) {
        if (!(error instanceof BodyTooLarge)) throw error;
        res.setHeader('connection', 'close');
        return sendMessage(res, 413, 'Request Entity Too Large');
      }
      const event = toEvent({
        req,
        route: match.route,
        pathParameters: match.pathParameters,
        rawPath,
        rawQueryString,
        body,
        claims,
        requestId,
      });
      const handler =
        options.handlers?.[match.route.name] ?? (await loadHandler<RouteHandler>(match.route.handler));
      const result = await handler(event, lambdaContext(match.route.name));
      sendResult(res, result, requestId);
    } catch (error) {
      // What API Gateway answers when the function fails or cannot be loaded.
      log(
        `${req.method} ${req.url} failed: ${error instanceof Error ? (error.stack ?? error.message) : error}`,
      );
      if (res.headersSent) return res.destroy();
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      sendMessage(res, 500, 'Internal Server Error');
    }
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await listen(server, options.port);
  const port = (server.address() as AddressInfo).port;
  return { url: `http://localhost:${port}`, port, stop: () => close(server) };
}

/**
 * The Cognito JWT authorizer: RS256 signature against the pool's JWKS, exp, iss, aud = app
 * client, token_use = id. aws-jwt-verify's Cognito verifier refuses `local_` pool ids and its
 * default fetcher refuses http, so: the generic verifier, a fetcher that speaks http, and the Cognito
 * field checks by hand. Resolves to the claims as API Gateway passes them, or undefined (401).
 */
function createAuthorizer(
  options: GatewayOptions,
): (header: string | undefined) => Promise<Record<string, string> | undefined> {
  const jwksCache = new SimpleJwksCache({
    fetcher: {
      fetch: async (uri: string) => {
        const response = await fetch(uri, { signal: AbortSignal.timeout(5000) });
        if (!response.ok) throw new Error(`JWKS ${uri} answered ${response.status}`);
        return response.arrayBuffer();
      },
    },
  });
  const verifier = JwtVerifier.create(
    {
      issuer: options.issuer,
      audience: options.clientId,
      jwksUri: options.jwksUri,
      customJwtCheck: ({ payload }) =>
        validateCognitoJwtFields(payload, { tokenUse: 'id', clientId: options.clientId }),
    },
    { jwksCache },
  );
  return async (header) => {
    // API Gateway takes the token alone or prefixed with "Bearer ".
    const token = header?.trim().replace(/^bearer\s+/i, '');
    if (!token) return undefined;
    try {
      const payload = await verifier.verify(token);
      return Object.fromEntries(Object.entries(payload).map(([name, value]) => [name, claimString(value)]));
    } catch {
      return undefined;
    }
  };
}

/** API Gateway passes every claim as a string: `true` → "true", 42 → "42", arrays as "[a b]". */
function claimString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(claimString).join(' ')}]`;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function toEvent(input: {
  req: IncomingMessage;
  route: Route;
  pathParameters: Record<string, string>;
  rawPath: string;
  rawQueryString: string;
  body: string;
  claims: Record<string, string> | undefined;
  requestId: string;
}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { req, route, claims } = input;
  const now = new Date();
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    // Payload 2.0 moves cookies out of the headers into their own field.
    if (name === 'cookie') cookies = values.flatMap((value) => value.split(';').map((part) => part.trim()));
    else headers[name] = values.join(',');
  }
  headers['x-forwarded-for'] ??= sourceIp;
  headers['x-forwarded-port'] ??= String(req.socket.localPort ?? '');
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

  const query = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(input.rawQueryString)) {
    query.set(name, [...(query.get(name) ?? []), value]);
  }
  const routeKey = `${route.method} ${route.path}`;
  const event = {
    version: '2.0',
    routeKey,
    rawPath: input.rawPath,
    rawQueryString: input.rawQueryString,
    cookies: cookies?.filter(Boolean),
    headers,
    queryStringParameters: query.size
      ? Object.fromEntries([...query].map(([name, values]) => [name, values.join(',')]))
      : undefined,
    pathParameters: Object.keys(input.pathParameters).length ? input.pathParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0]?.split(':')[0] ?? 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: input.rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey,
      stage: '$default',
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
      // Public routes have no authorizer block, as in API Gateway.
      ...(claims
        ? { authorizer: { jwt: { claims, scopes: null }, principalId: '', integrationLatency: 0 } }
        : {}),
    },
    body: input.body === '' ? undefined : input.body,
    isBase64Encoded: false,
    stageVariables: undefined,
  };
  return event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `04/Dec/2026:10:00:00 +0000`, API Gateway's requestContext.time. */
function apiGatewayTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** Writes a handler's result back the way API Gateway interprets payload format 2.0. */
function sendResult(
  res: ServerResponse,
  result: APIGatewayProxyResultV2 | undefined,
  requestId: string,
): void {
  const structured: APIGatewayProxyStructuredResultV2 =
    typeof result === 'object' && result !== null && 'statusCode' in result
      ? result
      : // Anything else is a 200 JSON body.
        {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: typeof result === 'string' ? result : (JSON.stringify(result) ?? ''),
        };
  const status = structured.statusCode ?? 200;
  if (!Number.isInteger(status) || status < 100 || status > 599)
    throw new Error(`Invalid statusCode ${status}`);
  res.statusCode = status;
  for (const [name, value] of Object.entries(structured.headers ?? {})) res.setHeader(name, String(value));
  if (structured.cookies?.length) res.setHeader('set-cookie', structured.cookies);
  res.setHeader('apigw-requestid', requestId);
  const body = structured.body ?? '';
  res.end(structured.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/** API Gateway's own answers: `{"message": ...}` as JSON. */
function sendMessage(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function tokenBucket(rps: number): () => boolean {
  let tokens = rps;
  let last = Date.now();
  return () => {
    const now = Date.now();
    tokens = Math.min(rps, tokens + ((now - last) / 1000) * rps);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

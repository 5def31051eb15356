import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { matchRoute } from '../../lib/routes';

/**
 * An API Gateway HTTP API (payload 2.0) event as the Cognito JWT authorizer hands it to a
 * function: claims as strings, headers lower-cased. For integration tests that call handlers
 * in-process against DynamoDB Local; HTTP behaviour itself is tested through the local gateway.
 */
export interface ApiRequest {
  method: string;
  path: string;
  sub: string;
  email?: string;
  emailVerified?: boolean;
  body?: unknown;
  /** A raw body string (sent as is), e.g. malformed JSON. */
  rawBody?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

export function apiEvent(req: ApiRequest): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [path, rawQueryString = ''] = req.path.split('?');
  const match = matchRoute(req.method, path as string);
  if (!match) throw new Error(`No route for ${req.method} ${req.path}`);
  const body = req.rawBody ?? (req.body === undefined ? undefined : JSON.stringify(req.body));
  const headers: Record<string, string> = {
    ...(body === undefined || req.rawBody !== undefined ? {} : { 'content-type': 'application/json' }),
    ...Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: `${req.method} ${match.route.path}`,
    rawPath: path as string,
    rawQueryString,
    headers,
    queryStringParameters: req.query,
    pathParameters: Object.keys(match.pathParameters).length ? match.pathParameters : undefined,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method,
        path: path as string,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: `test-${now}-${Math.random().toString(36).slice(2)}`,
      routeKey: `${req.method} ${match.route.path}`,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: {
          claims: {
            sub: req.sub,
            email: req.email ?? `${req.sub}@example.com`,
            email_verified: String(req.emailVerified ?? true),
            token_use: 'id',
          },
          scopes: [],
        },
      },
    },
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

const context = {
  functionName: 'test',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 10_000,
} as Context;

export interface ApiResponse<T = any> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

/** Calls the route's handler module in-process, like the gateway does, and parses the reply. */
export async function call<T = any>(req: ApiRequest): Promise<ApiResponse<T>> {
  const match = matchRoute(req.method, req.path.split('?')[0] as string);
  if (!match) throw new Error(`No route for ${req.method} ${req.path}`);
  const url = new URL(`../../${match.route.handler}.ts`, import.meta.url).href;
  const module = (await import(/* @vite-ignore */ url)) as {
    handler: (e: unknown, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
  };
  const result = await module.handler(apiEvent(req), context);
  return {
    status: result.statusCode ?? 200,
    headers: (result.headers ?? {}) as Record<string, string>,
    body: result.body ? JSON.parse(result.body) : undefined,
  };
}

import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cognitoRequest } from '../../infra/local/cognito';
import { type RouteHandler, startGateway } from '../../infra/local/gateway';
import { localPassword } from '../../infra/local/token';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * The local gateway decides like API Gateway's Cognito JWT authorizer. Negative cases change one
 * thing at a time: forged tokens are signed with cognito-local's own key (shipped in its package)
 * unless the case is about the key, and a forged token with every claim right must pass.
 */

// Handlers injected in place of the routes' modules, so the event the gateway builds is observable.
const events: APIGatewayProxyEventV2WithJWTAuthorizer[] = [];
const echo: RouteHandler = async (event) => {
  events.push(event);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
};
const handlers: Record<string, RouteHandler> = {
  GetCurrentAccount: echo,
  GetAccount: echo,
  PutPreferences: echo,
  ListAccounts: async (event) => ({
    statusCode: 201,
    headers: { 'x-custom': 'yes' },
    cookies: ['a=1; Path=/', 'b=2'],
    body: Buffer.from(`{"path":"${event.rawPath}"}`).toString('base64'),
    isBase64Encoded: true,
  }),
  CreateAccount: async () => {
    throw new Error('boom: internal detail');
  },
};

const cognitoKey = createPrivateKey(
  JSON.parse(
    readFileSync(
      createRequire(import.meta.url).resolve('cognito-local/lib/keys/cognitoLocal.private.json'),
      'utf8',
    ),
  ).pem,
);
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function jwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject | null,
): string {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  const signature = key ? sign('sha256', Buffer.from(signingInput), key).toString('base64url') : '';
  return `${signingInput}.${signature}`;
}

function decode(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
}

let stack: TestStack;
let idToken: string;
let accessToken: string;
/** Every claim right, as cognito-local would issue it. */
let goodClaims: () => Record<string, unknown>;
const rs256 = { alg: 'RS256', typ: 'JWT', kid: 'CognitoLocal' };

beforeAll(async () => {
  stack = await startTestStack({ handlers });
  idToken = await stack.token('carol@example.com');
  const auth = await cognitoRequest<{ AuthenticationResult: { AccessToken: string } }>(
    stack.cognitoEndpoint,
    'InitiateAuth',
    {
      ClientId: stack.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'carol@example.com', PASSWORD: localPassword },
    },
  );
  accessToken = auth.AuthenticationResult.AccessToken;
  goodClaims = () => {
    const now = Math.floor(Date.now() / 1000);
    return { ...decode(idToken), iat: now, auth_time: now, exp: now + 3600 };
  };
});
afterAll(() => stack?.stop());

async function call(authorization: string | undefined, path = '/accounts/current'): Promise<Response> {
  return fetch(`${stack.url}${path}`, { headers: authorization === undefined ? {} : { authorization } });
}

describe('401 exactly as API Gateway', () => {
  const cases: Array<[string, () => string | undefined]> = [
    ['no Authorization header', () => undefined],
    ['an empty header', () => ''],
    ['"Bearer" and nothing', () => 'Bearer '],
    ['not a JWT', () => 'Bearer not-a-jwt'],
    ['another scheme', () => `Basic ${Buffer.from('carol:pw').toString('base64')}`],
    [
      'expired',
      () => `Bearer ${jwt(rs256, { ...goodClaims(), exp: Math.floor(Date.now() / 1000) - 60 }, cognitoKey)}`,
    ],
    ['wrong audience', () => `Bearer ${jwt(rs256, { ...goodClaims(), aud: 'another-client' }, cognitoKey)}`],
    ['no audience', () => `Bearer ${jwt(rs256, { ...goodClaims(), aud: undefined }, cognitoKey)}`],
    [
      'another pool as issuer',
      () =>
        `Bearer ${jwt(rs256, { ...goodClaims(), iss: stack.issuer.replace(stack.userPoolId, 'local_other') }, cognitoKey)}`,
    ],
    [
      'another host as issuer',
      () =>
        `Bearer ${jwt(rs256, { ...goodClaims(), iss: stack.issuer.replace('localhost', '127.0.0.1') }, cognitoKey)}`,
    ],
    ['an access token', () => `Bearer ${accessToken}`],
    [
      'token_use access on an ID token',
      () => `Bearer ${jwt(rs256, { ...goodClaims(), token_use: 'access' }, cognitoKey)}`,
    ],
    [
      'tampered signature',
      () => {
        const [header, payload, signature] = idToken.split('.') as [string, string, string];
        const middle = Math.floor(signature.length / 2);
        const flipped = signature[middle] === 'A' ? 'B' : 'A';
        return `Bearer ${header}.${payload}.${signature.slice(0, middle)}${flipped}${signature.slice(middle + 1)}`;
      },
    ],
    [
      'tampered claims',
      () => {
        const [header, , signature] = idToken.split('.');
        return `Bearer ${header}.${b64({ ...decode(idToken), email: 'mallory@example.com' })}.${signature}`;
      },
    ],
    ['alg none', () => `Bearer ${jwt({ alg: 'none', typ: 'JWT', kid: 'CognitoLocal' }, goodClaims(), null)}`],
    [
      'HS256 keyed with the public key',
      () => {
        const header = b64({ alg: 'HS256', typ: 'JWT', kid: 'CognitoLocal' });
        const payload = b64(goodClaims());
        const secret = createPublicKey(cognitoKey).export({ type: 'spki', format: 'pem' });
        return `Bearer ${header}.${payload}.${createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')}`;
      },
    ],
    ['unknown kid', () => `Bearer ${jwt({ ...rs256, kid: 'not-a-key' }, goodClaims(), otherKey)}`],
    ['right kid, wrong key', () => `Bearer ${jwt(rs256, goodClaims(), otherKey)}`],
  ];

  it.each(cases)('%s → 401 {"message":"Unauthorized"}', async (_name, authorization) => {
    const before = events.length;
    const response = await call(authorization());
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('{"message":"Unauthorized"}');
    expect(events.length).toBe(before);
  });
});

describe('a good token', () => {
  it('reaches the handler with the claims as API Gateway passes them (all strings)', async () => {
    const response = await call(`Bearer ${idToken}`);
    expect(response.status).toBe(200);
    const claims = events.at(-1)?.requestContext.authorizer.jwt.claims;
    const token = decode(idToken);
    expect(claims).toMatchObject({
      sub: token.sub,
      email: 'carol@example.com',
      email_verified: 'true',
      token_use: 'id',
      aud: stack.clientId,
      iss: stack.issuer,
      exp: String(token.exp),
    });
    expect(Object.values(claims ?? {}).every((value) => typeof value === 'string')).toBe(true);
    expect(events.at(-1)?.requestContext.authorizer.jwt.scopes).toBeNull();
  });

  it('is accepted with a lower-case scheme or alone, as API Gateway does', async () => {
    expect((await call(`bearer ${idToken}`)).status).toBe(200);
    expect((await call(idToken)).status).toBe(200);
  });

  it('forged with every claim right passes (so the cases above fail for their one reason)', async () => {
    expect((await call(`Bearer ${jwt(rs256, goodClaims(), cognitoKey)}`)).status).toBe(200);
  });

  it('of an unverified user says email_verified "false"', async () => {
    await call(`Bearer ${await stack.token('dan@example.com', { unverified: true })}`);
    expect(events.at(-1)?.requestContext.authorizer.jwt.claims).toMatchObject({
      email: 'dan@example.com',
      email_verified: 'false',
    });
  });
});

describe('routing and the event', () => {
  it('answers API Gateway 404 for no route, before authentication', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['GET', '/health/'],
      ['POST', '/health'],
      ['OPTIONS', '/accounts'],
    ] as const) {
      const response = await fetch(`${stack.url}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await response.text()).toBe('{"message":"Not Found"}');
    }
  });

  it('builds the payload 2.0 event', async () => {
    // node:http, not fetch: fetch would fold the repeated header into one line itself.
    const status = await new Promise<number | undefined>((done, fail) => {
      const req = request(`${stack.url}/accounts/acc%2D1?b=2&a=1&a=x%20y&flag`);
      req.setHeader('authorization', `Bearer ${idToken}`);
      req.setHeader('X-Customer-Id', 'one');
      req.setHeader('x-multi', ['a', 'b']);
      req.setHeader('cookie', 'c1=v1; c2=v2');
      req.setHeader('user-agent', 'tests');
      req
        .on('response', (res) => done(res.resume().statusCode))
        .on('error', fail)
        .end();
    });
    expect(status).toBe(200);
    const event = events.at(-1) as APIGatewayProxyEventV2WithJWTAuthorizer;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /accounts/{customerId}',
      rawPath: '/accounts/acc%2D1',
      rawQueryString: 'b=2&a=1&a=x%20y&flag',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { a: '1,x y', b: '2', flag: '' },
      pathParameters: { customerId: 'acc-1' },
      isBase64Encoded: false,
      requestContext: {
        routeKey: 'GET /accounts/{customerId}',
        stage: '$default',
        http: { method: 'GET', path: '/accounts/acc%2D1', protocol: 'HTTP/1.1', userAgent: 'tests' },
        authorizer: { principalId: '', integrationLatency: 0 },
      },
    });
    expect(event.body).toBeUndefined();
    expect(event.headers).toMatchObject({
      'x-customer-id': 'one',
      'x-multi': 'a,b',
      authorization: `Bearer ${idToken}`,
    });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.requestId).toMatch(/\S{8,}/);
    expect(event.requestContext.timeEpoch).toBeGreaterThan(Date.now() - 10_000);
  });

  it('has no query or path parameters when there are none', async () => {
    await fetch(`${stack.url}/accounts/current`, { headers: { authorization: `Bearer ${idToken}` } });
    const event = events.at(-1) as APIGatewayProxyEventV2WithJWTAuthorizer;
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.pathParameters).toBeUndefined();
    expect(event.rawQueryString).toBe('');
  });

  it('passes the body as a utf-8 string, not base64', async () => {
    const body = '{"preferences":[],"note":"héllo ✓"}';
    await fetch(`${stack.url}/notification-preferences`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' },
      body,
    });
    const event = events.at(-1) as APIGatewayProxyEventV2WithJWTAuthorizer;
    expect(event).toMatchObject({ body, isBase64Encoded: false, routeKey: 'PUT /notification-preferences' });
    expect(event.headers['content-type']).toBe('application/json');
  });

  it('writes back status, headers, cookies and a base64 body', async () => {
    const response = await fetch(`${stack.url}/accounts`, {
      headers: { authorization: `Bearer ${idToken}` },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-custom')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
    expect(await response.json()).toEqual({ path: '/accounts' });
  });

  it('answers 500 {"message":"Internal Server Error"} when the handler throws, revealing nothing', async () => {
    const response = await fetch(`${stack.url}/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' },
      body: '{"name":"x"}',
    });
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('{"message":"Internal Server Error"}');
  });

  it('serves the public route without a token', async () => {
    const response = await fetch(`${stack.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('throttle', () => {
  it('answers 429 {"message":"Too Many Requests"} beyond the configured rate', async () => {
    const gateway = await startGateway({
      port: 0,
      issuer: stack.issuer,
      jwksUri: `${stack.cognitoEndpoint}/${stack.userPoolId}/.well-known/jwks.json`,
      clientId: stack.clientId,
      throttleRps: 3,
    });
    try {
      const responses = await Promise.all(Array.from({ length: 8 }, () => fetch(`${gateway.url}/health`)));
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(4);
      const throttled = responses.find((response) => response.status === 429);
      expect(await throttled?.text()).toBe('{"message":"Too Many Requests"}');
    } finally {
      await gateway.stop();
    }
  });
});

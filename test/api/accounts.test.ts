import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../support/http';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * The account routes over HTTP through the local gateway, with real cognito-local tokens: the
 * contract's headers and formats as a client sees them, and one user's journey end to end.
 */
let stack: TestStack;
let http: ReturnType<typeof client>;
let alice: string;
let bob: string;

beforeAll(async () => {
  stack = await startTestStack();
  http = client(stack.url);
  alice = await stack.token(`alice-${Date.now()}@example.com`);
  bob = await stack.token(`bob-${Date.now()}@example.com`);
}, 60_000);

afterAll(() => stack?.stop());

describe('formats', () => {
  it("answers a path with no route with API Gateway's own 404", async () => {
    const response = await http('GET', '/nowhere', { token: alice });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ message: 'Not Found' });
  });

  it("answers a missing token with API Gateway's own 401", async () => {
    const response = await http('GET', '/accounts');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: 'Unauthorized' });
  });

  it('sends JSON, no-store and a request id from the handlers', async () => {
    const response = await http('GET', '/accounts/current', { token: alice });
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it.each([
    [
      '413 over 16 KiB',
      {
        rawBody: JSON.stringify({ company: 'x'.repeat(17_000), name: 'n' }),
        headers: { 'content-type': 'application/json' },
      },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      '415 without JSON content type',
      { rawBody: '{"company":"a","name":"b"}', headers: { 'content-type': 'text/plain' } },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      '400 for broken JSON',
      { rawBody: '{"company"', headers: { 'content-type': 'application/json; charset=utf-8' } },
      400,
      'INVALID_JSON',
    ],
    [
      '400 for an unknown field',
      { body: { company: 'a', name: 'b', role: 'SUPER_ADMIN' } },
      400,
      'VALIDATION_FAILED',
    ],
  ])('POST /accounts: %s', async (_name, request, status, code) => {
    const response = await http('POST', '/accounts', { token: alice, ...request });
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
  });
});

describe("a user's journey", () => {
  it('creates, lists, switches, builds a hierarchy and deletes a child', async () => {
    const none = await http('GET', '/accounts/current', { token: alice });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('NO_CURRENT_ACCOUNT');

    const hq = await http('POST', '/accounts', {
      token: alice,
      body: { company: 'Acme Inc', name: 'Acme HQ' },
    });
    expect(hq.status).toBe(201);
    expect(hq.body).toMatchObject({
      type: 'STANDALONE',
      role: 'SUPER_ADMIN',
      customerDomain: null,
      parentId: null,
    });
    const other = await http('POST', '/accounts', {
      token: alice,
      body: { company: 'Acme Inc', name: 'Acme Labs' },
    });

    // The first account is the default; X-Customer-Id selects another for one request.
    expect((await http('GET', '/accounts/current', { token: alice })).body.id).toBe(hq.body.id);
    const selected = await http('GET', '/accounts/current', {
      token: alice,
      headers: { 'x-customer-id': other.body.id },
    });
    expect(selected.body.id).toBe(other.body.id);

    const child = await http('POST', '/accounts/create-child', { token: alice, body: { name: 'Acme EU' } });
    expect(child.status).toBe(201);
    expect(child.headers.get('location')).toBe(`/accounts/${child.body.id}`);
    expect(child.body).toMatchObject({ parentId: hq.body.id, type: 'CHILD', company: 'Acme Inc' });
    expect((await http('GET', `/accounts/${hq.body.id}`, { token: alice })).body.type).toBe('PARENT');

    const list = await http('GET', '/accounts?limit=2', { token: alice });
    expect(list.body.items).toHaveLength(2);
    const rest = await http('GET', `/accounts?limit=2&cursor=${encodeURIComponent(list.body.nextCursor)}`, {
      token: alice,
    });
    const ids = [...list.body.items, ...rest.body.items].map((a: { id: string }) => a.id);
    expect(ids.sort()).toEqual([hq.body.id, other.body.id, child.body.id].sort());

    const switched = await http('PUT', '/accounts/current', {
      token: alice,
      body: { customerId: child.body.id },
    });
    expect(switched.status).toBe(200);
    expect((await http('GET', '/accounts/current', { token: alice })).body.id).toBe(child.body.id);

    // Bob can see none of it, and learns nothing about whether it exists.
    expect((await http('GET', `/accounts/${child.body.id}`, { token: bob })).status).toBe(404);
    expect((await http('DELETE', `/accounts/${child.body.id}`, { token: bob })).status).toBe(404);
    expect(
      (await http('GET', '/accounts/current', { token: bob, headers: { 'x-customer-id': hq.body.id } }))
        .status,
    ).toBe(404);

    const deleted = await http('DELETE', `/accounts/${child.body.id}`, { token: alice });
    expect(deleted.status).toBe(204);
    expect((await http('DELETE', `/accounts/${child.body.id}`, { token: alice })).status).toBe(404);
    expect((await http('GET', `/accounts/${hq.body.id}`, { token: alice })).body.type).toBe('STANDALONE');
    // The deleted default falls back to its parent.
    expect((await http('GET', '/accounts/current', { token: alice })).body.id).toBe(hq.body.id);
  });
});

describe('OpenAPI', () => {
  it('serves the document without a token', async () => {
    const response = await http('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(Object.keys(response.body.paths)).toContain('/accounts/create-child');
  });
});

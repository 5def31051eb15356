import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, RawBody } from '../support/http';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * The account routes over HTTP through the local gateway, with real cognito-local tokens: the
 * contract's headers and formats as a client sees them, and one user's journey end to end.
 */
let stack: TestStack;
let alice: string;
let bob: string;
const api = apiClient(() => stack.url);

beforeAll(async () => {
  stack = await startTestStack();
  alice = await stack.token(`alice-${Date.now()}@example.com`);
  bob = await stack.token(`bob-${Date.now()}@example.com`);
}, 60_000);

afterAll(() => stack?.stop());

describe('formats', () => {
  it("answers a path with no route with API Gateway's own 404", async () => {
    const response = await api(alice, 'GET', '/nowhere');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ message: 'Not Found' });
  });

  it("answers a missing token with API Gateway's own 401", async () => {
    const response = await api(undefined, 'GET', '/accounts');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: 'Unauthorized' });
  });

  it('sends JSON, no-store and a request id from the handlers', async () => {
    const response = await api(alice, 'GET', '/accounts/current');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  const json = { 'content-type': 'application/json' };
  it.each([
    [
      '413 over 16 KiB',
      new RawBody(JSON.stringify({ company: 'x'.repeat(17_000), name: 'n' })),
      json,
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      '415 without JSON content type',
      new RawBody('{"company":"a","name":"b"}'),
      { 'content-type': 'text/plain' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      '400 for broken JSON',
      new RawBody('{"company"'),
      { 'content-type': 'application/json; charset=utf-8' },
      400,
      'INVALID_JSON',
    ],
    [
      '400 for an unknown field',
      { company: 'a', name: 'b', role: 'SUPER_ADMIN' },
      {},
      400,
      'VALIDATION_FAILED',
    ],
  ])('POST /accounts: %s', async (_name, body, headers, status, code) => {
    const response = await api(alice, 'POST', '/accounts', body, headers);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
  });
});

describe("a user's journey", () => {
  it('creates, lists, switches, builds a hierarchy and deletes a child', async () => {
    const none = await api(alice, 'GET', '/accounts/current');
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('NO_CURRENT_ACCOUNT');

    const hq = await api(alice, 'POST', '/accounts', { company: 'Acme Inc', name: 'Acme HQ' });
    expect(hq.status).toBe(201);
    expect(hq.body).toMatchObject({
      type: 'STANDALONE',
      role: 'SUPER_ADMIN',
      customerDomain: null,
      parentId: null,
    });
    const other = await api(alice, 'POST', '/accounts', { company: 'Acme Inc', name: 'Acme Labs' });

    // The first account is the default; X-Customer-Id selects another for one request.
    expect((await api(alice, 'GET', '/accounts/current')).body.id).toBe(hq.body.id);
    const selected = await api(alice, 'GET', '/accounts/current', undefined, {
      'x-customer-id': other.body.id,
    });
    expect(selected.body.id).toBe(other.body.id);

    const child = await api(alice, 'POST', '/accounts/create-child', { name: 'Acme EU' });
    expect(child.status).toBe(201);
    expect(child.headers.get('location')).toBe(`/accounts/${child.body.id}`);
    expect(child.body).toMatchObject({ parentId: hq.body.id, type: 'CHILD', company: 'Acme Inc' });
    expect((await api(alice, 'GET', `/accounts/${hq.body.id}`)).body.type).toBe('PARENT');

    const list = await api(alice, 'GET', '/accounts?limit=2');
    expect(list.body.items).toHaveLength(2);
    const rest = await api(
      alice,
      'GET',
      `/accounts?limit=2&cursor=${encodeURIComponent(list.body.nextCursor)}`,
    );
    const ids = [...list.body.items, ...rest.body.items].map((a: { id: string }) => a.id);
    expect(ids.sort()).toEqual([hq.body.id, other.body.id, child.body.id].sort());

    const switched = await api(alice, 'PUT', '/accounts/current', { customerId: child.body.id });
    expect(switched.status).toBe(200);
    expect((await api(alice, 'GET', '/accounts/current')).body.id).toBe(child.body.id);

    // Bob can see none of it, and learns nothing about whether it exists.
    expect((await api(bob, 'GET', `/accounts/${child.body.id}`)).status).toBe(404);
    expect((await api(bob, 'DELETE', `/accounts/${child.body.id}`)).status).toBe(404);
    expect(
      (await api(bob, 'GET', '/accounts/current', undefined, { 'x-customer-id': hq.body.id })).status,
    ).toBe(404);

    expect((await api(alice, 'DELETE', `/accounts/${child.body.id}`)).status).toBe(204);
    expect((await api(alice, 'DELETE', `/accounts/${child.body.id}`)).status).toBe(404);
    expect((await api(alice, 'GET', `/accounts/${hq.body.id}`)).body.type).toBe('STANDALONE');
    // The deleted default falls back to its parent.
    expect((await api(alice, 'GET', '/accounts/current')).body.id).toBe(hq.body.id);
  });
});

describe('OpenAPI', () => {
  it('serves the document without a token', async () => {
    const response = await api(undefined, 'GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(Object.keys(response.body.paths)).toContain('/accounts/create-child');
  });
});

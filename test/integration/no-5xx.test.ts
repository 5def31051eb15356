import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../lib/domain/account';
import { routes } from '../../lib/routes';
import { useTable } from '../support/dynamo';
import { call } from '../support/events';
import { newAccount, newChild, user } from '../support/fixtures';

/**
 * No request may produce a 5xx because of what the client sent: every route that takes a body gets
 * odd JSON values, odd headers and odd ids, and must answer 2xx or 4xx — never 5xx.
 */
useTable();
let owner: string;
let parent: AccountRecord;

beforeAll(async () => {
  owner = user('owner');
  parent = await newAccount(owner);
  await newChild(owner, parent);
});

const oddValues: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  '',
  'x',
  [],
  [{}],
  {},
  { __proto__: { role: 'SUPER_ADMIN' } },
  JSON.parse('{"__proto__": {"admin": true}}'),
  { constructor: { prototype: {} } },
  { name: { $ne: null } },
  { name: ['a'] },
  { name: '\u0000' },
  { name: '\ud800' },
  { name: 'a'.repeat(5000) },
  { customerId: { S: 'x' } },
  { customerId: '../../etc/passwd' },
  { customerId: 'a'.repeat(1000) },
  { customerDomain: 123 },
  { customerDomain: ['acme.com'] },
  { customerDomain: 'xn--' },
  { customerDomain: 'xn--zz.com' },
  { customerDomain: '.'.repeat(300) },
  { customerDomain: `${'a'.repeat(64)}.com` },
  { allowDomainAutoJoin: 'true' },
  { allowDomainAutoJoin: null },
  { preferences: null },
  { preferences: [null] },
  { preferences: [{ notificationType: 'x'.repeat(10_000), channel: 'email' }] },
  { preferences: Array.from({ length: 500 }, () => ({})) },
  { parentId: 'unknown-id', name: 'x' },
];

const bodyRoutes = routes.filter((r) => r.method !== 'GET' && r.method !== 'DELETE');
const pathOf = (path: string, id: string) => path.replace('{customerId}', id);

describe.each(bodyRoutes)('$method $path', (route) => {
  it.each(oddValues.map((v, i) => [i, v]))('odd body #%i is answered without a 5xx', async (_i, value) => {
    const response = await call({
      method: route.method,
      path: pathOf(route.path, parent.id),
      sub: owner,
      rawBody: JSON.stringify(value) ?? 'null',
      headers: { 'content-type': 'application/json', 'if-match': '"v\u00ff"', 'idempotency-key': 'k' },
    });
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
  });
});

describe('odd ids and headers on every route with an account', () => {
  const accountRoutes = routes.filter((r) => r.path.includes('{customerId}'));
  const ids = ['%', '%00', '..', 'a b', 'ACCOUNT#x', '😀', 'a'.repeat(300), "'; DROP TABLE", '{}'];
  it.each(accountRoutes.flatMap((r) => ids.map((id) => [r.method, r.path, id] as const)))(
    '%s %s with id %j: 404',
    async (method, path, id) => {
      // A body that passes each route's schema, so the id is what is judged (400 would come first).
      const body = path.endsWith('/domain')
        ? { customerDomain: null }
        : path.endsWith('/membership')
          ? { allowDomainAutoJoin: false }
          : undefined;
      const response = await call({
        method,
        path: pathOf(path, encodeURIComponent(id)),
        sub: owner,
        body,
      });
      expect(response.status).toBe(404);
    },
  );

  it.each(['', ' ', '%', 'a'.repeat(300), 'ACCOUNT#x'])(
    'X-Customer-Id %j on GET /accounts/current: 404',
    async (id) => {
      const response = await call({
        method: 'GET',
        path: '/accounts/current',
        sub: owner,
        headers: { 'x-customer-id': id },
      });
      expect(response.status).toBe(404);
    },
  );
});

import { beforeEach, describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../lib/domain/account';
import { useTable } from '../support/dynamo';
import { call } from '../support/events';
import { grant, newAccount, newChild, user } from '../support/fixtures';

/**
 * The role matrix of every account route, against DynamoDB Local: who may see and change the
 * parent P, its child C and another tenant's account. Roles on P flow down to C, never up.
 */
useTable();

type Caller =
  | 'stranger'
  | 'otherTenantAdmin'
  | 'memberOnChild'
  | 'memberViaParent'
  | 'adminOnChild'
  | 'admin'
  | 'superAdmin';

let subs: Record<Caller, string>;
let parent: AccountRecord;
let child: AccountRecord;

beforeEach(async () => {
  subs = {
    stranger: user('stranger'),
    otherTenantAdmin: user('other'),
    memberOnChild: user('member-c'),
    memberViaParent: user('member-p'),
    adminOnChild: user('admin-c'),
    admin: user('admin'),
    superAdmin: user('owner'),
  };
  parent = await newAccount(subs.superAdmin, 'Parent');
  child = await newChild(subs.superAdmin, parent, 'Child');
  const other = await newAccount(subs.otherTenantAdmin, 'Other');
  await grant(subs.otherTenantAdmin, other, 'ADMIN');
  await grant(subs.memberOnChild, child, 'MEMBER');
  await grant(subs.memberViaParent, parent, 'MEMBER');
  await grant(subs.adminOnChild, child, 'ADMIN');
  await grant(subs.admin, parent, 'ADMIN');
});

const callers: Caller[] = [
  'stranger',
  'otherTenantAdmin',
  'memberOnChild',
  'memberViaParent',
  'adminOnChild',
  'admin',
  'superAdmin',
];

/** [route, expected status per caller, the request]. */
const matrix: [string, Record<Caller, number>, (sub: string) => Parameters<typeof call>[0]][] = [
  [
    'GET /accounts/{child}',
    {
      stranger: 404,
      otherTenantAdmin: 404,
      memberOnChild: 200,
      memberViaParent: 200,
      adminOnChild: 200,
      admin: 200,
      superAdmin: 200,
    },
    (sub) => ({ method: 'GET', path: `/accounts/${child.id}`, sub }),
  ],
  [
    'GET /accounts/{parent}',
    {
      stranger: 404,
      otherTenantAdmin: 404,
      memberOnChild: 404,
      memberViaParent: 200,
      adminOnChild: 404,
      admin: 200,
      superAdmin: 200,
    },
    (sub) => ({ method: 'GET', path: `/accounts/${parent.id}`, sub }),
  ],
  [
    'GET /accounts/current with X-Customer-Id: child',
    {
      stranger: 404,
      otherTenantAdmin: 404,
      memberOnChild: 200,
      memberViaParent: 200,
      adminOnChild: 200,
      admin: 200,
      superAdmin: 200,
    },
    (sub) => ({ method: 'GET', path: '/accounts/current', sub, headers: { 'x-customer-id': child.id } }),
  ],
  [
    'PUT /accounts/current {child}',
    {
      stranger: 404,
      otherTenantAdmin: 404,
      memberOnChild: 200,
      memberViaParent: 200,
      adminOnChild: 200,
      admin: 200,
      superAdmin: 200,
    },
    (sub) => ({ method: 'PUT', path: '/accounts/current', sub, body: { customerId: child.id } }),
  ],
  [
    'POST /accounts/create-child {parentId: parent}',
    {
      stranger: 404,
      otherTenantAdmin: 404,
      memberOnChild: 404,
      memberViaParent: 403,
      adminOnChild: 404,
      admin: 201,
      superAdmin: 201,
    },
    (sub) => ({
      method: 'POST',
      path: '/accounts/create-child',
      sub,
      body: { name: 'New', parentId: parent.id },
    }),
  ],
  [
    'DELETE /accounts/{child}',
    {
      stranger: 404,
      otherTenantAdmin: 404,
      memberOnChild: 403,
      memberViaParent: 403,
      adminOnChild: 204,
      admin: 204,
      superAdmin: 204,
    },
    (sub) => ({ method: 'DELETE', path: `/accounts/${child.id}`, sub }),
  ],
];

describe.each(matrix)('%s', (_route, expected, request) => {
  it.each(callers)('as %s', async (who) => {
    const response = await call(request(subs[who]));
    expect(response.status).toBe(expected[who]);
    if (response.status === 404) expect(response.body.error.code).toBe('NOT_FOUND');
    if (response.status === 403) expect(response.body.error.code).toBe('FORBIDDEN');
  });
});

describe('effective role in the Account object', () => {
  it('is the higher of the direct role and the role on the parent', async () => {
    const sub = user('both');
    await grant(sub, child, 'MEMBER');
    await grant(sub, parent, 'ADMIN');
    const onChild = await call({ method: 'GET', path: `/accounts/${child.id}`, sub });
    expect(onChild.body.role).toBe('ADMIN');
    const onParent = await call({ method: 'GET', path: `/accounts/${parent.id}`, sub: subs.adminOnChild });
    expect(onParent.status).toBe(404); // roles never flow up
  });

  it('is reported per caller while the ETag stays the same', async () => {
    const asMember = await call({ method: 'GET', path: `/accounts/${child.id}`, sub: subs.memberOnChild });
    const asOwner = await call({ method: 'GET', path: `/accounts/${child.id}`, sub: subs.superAdmin });
    expect([asMember.body.role, asOwner.body.role]).toEqual(['MEMBER', 'SUPER_ADMIN']);
    expect(asMember.headers.etag).toBe(asOwner.headers.etag);
  });
});

describe('GET /accounts lists exactly what each caller can reach', () => {
  it.each(callers)('as %s', async (who) => {
    const response = await call({ method: 'GET', path: '/accounts', sub: subs[who] });
    const ids = response.body.items.map((a: { id: string }) => a.id).sort();
    const expected: Record<Caller, string[]> = {
      stranger: [],
      otherTenantAdmin: ['other'],
      memberOnChild: [child.id],
      memberViaParent: [parent.id, child.id],
      adminOnChild: [child.id],
      admin: [parent.id, child.id],
      superAdmin: [parent.id, child.id],
    };
    if (who === 'otherTenantAdmin') expect(ids).toHaveLength(1);
    else expect(ids).toEqual([...expected[who]].sort());
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config';
import { useTable } from '../support/dynamo';
import { call } from '../support/events';
import { grant, newAccount, newChild, user } from '../support/fixtures';

/** The parent/child hierarchy against DynamoDB Local: type flips, depth, limit, deletion. */
const db = useTable();

const get = (sub: string, id: string) => call({ method: 'GET', path: `/accounts/${id}`, sub });
const createChild = (sub: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
  call({ method: 'POST', path: '/accounts/create-child', sub, body, headers });
const remove = (sub: string, id: string) => call({ method: 'DELETE', path: `/accounts/${id}`, sub });

describe('create child', () => {
  it('turns a standalone target into a PARENT in the same write, and the child inherits company', async () => {
    const owner = user('owner');
    const target = await newAccount(owner, 'Acme');
    const before = await get(owner, target.id);
    expect(before.body.type).toBe('STANDALONE');

    const response = await createChild(owner, { name: '  EU  ', parentId: target.id });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`/accounts/${response.body.id}`);
    expect(response.body).toMatchObject({
      name: 'EU',
      company: 'Acme Inc',
      parentId: target.id,
      type: 'CHILD',
      role: 'SUPER_ADMIN',
    });

    const after = await get(owner, target.id);
    expect(after.body.type).toBe('PARENT');
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('defaults to the current account when parentId is omitted', async () => {
    const owner = user('owner');
    const first = await newAccount(owner, 'First');
    const second = await newAccount(owner, 'Second');
    const viaHeader = await createChild(owner, { name: 'Kid' }, { 'x-customer-id': second.id });
    expect(viaHeader.body.parentId).toBe(second.id);
    const viaDefault = await createChild(owner, { name: 'Kid', company: 'Other Co' });
    expect(viaDefault.body).toMatchObject({ parentId: first.id, company: 'Other Co' });
  });

  it('writes no membership on the child: the parent members reach it by inheritance', async () => {
    const owner = user('owner');
    const target = await newAccount(owner);
    const child = await newChild(owner, target);
    const items = await db.scanAll();
    expect(items.filter((i) => i.entity === 'membership' && i.accountId === child.id)).toEqual([]);
  });

  it('refuses a child under a child: 409 HIERARCHY_TOO_DEEP naming the parent', async () => {
    const owner = user('owner');
    const target = await newAccount(owner);
    const child = await newChild(owner, target);
    const response = await createChild(owner, { name: 'Grandchild', parentId: child.id });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('HIERARCHY_TOO_DEEP');
    expect(response.body.error.message).toContain(target.id);
  });

  it('checks the role before the depth: a MEMBER on a child gets 403, not 409', async () => {
    const owner = user('owner');
    const member = user('member');
    const child = await newChild(owner, await newAccount(owner));
    await grant(member, child, 'MEMBER');
    const response = await createChild(member, { name: 'x', parentId: child.id });
    expect(response.status).toBe(403);
  });

  describe('with MAX_CHILDREN=3', () => {
    afterEach(() => {
      delete process.env.MAX_CHILDREN;
      resetConfig();
    });

    it('answers 409 LIMIT_EXCEEDED beyond the limit and creates nothing', async () => {
      process.env.MAX_CHILDREN = '3';
      resetConfig();
      const owner = user('owner');
      const target = await newAccount(owner);
      for (let i = 0; i < 3; i++)
        expect((await createChild(owner, { name: `c${i}`, parentId: target.id })).status).toBe(201);
      const fourth = await createChild(owner, { name: 'c3', parentId: target.id });
      expect(fourth.status).toBe(409);
      expect(fourth.body.error.code).toBe('LIMIT_EXCEEDED');
      const children = (await db.scanAll()).filter((i) => i.entity === 'account' && i.parentId === target.id);
      expect(children).toHaveLength(3);
    });
  });
});

describe('delete child', () => {
  it('removes the child, its memberships and, after the last child, makes the parent STANDALONE', async () => {
    const owner = user('owner');
    const member = user('member');
    const target = await newAccount(owner);
    const a = await newChild(owner, target, 'A');
    const b = await newChild(owner, target, 'B');
    await grant(member, a, 'ADMIN');

    expect((await remove(owner, a.id)).status).toBe(204);
    expect((await get(owner, a.id)).status).toBe(404);
    expect((await get(member, a.id)).status).toBe(404);
    const items = await db.scanAll();
    expect(items.filter((i) => i.accountId === a.id || i.id === a.id)).toEqual([]);
    expect((await get(owner, target.id)).body.type).toBe('PARENT');

    expect((await remove(owner, b.id)).status).toBe(204);
    const parent = await get(owner, target.id);
    expect(parent.body.type).toBe('STANDALONE');
    const stored = (await db.scanAll()).find((i) => i.id === target.id);
    expect(stored?.childCount).toBe(0);
  });

  it('removes every membership of a child with more members than one batch holds', async () => {
    const owner = user('owner');
    const child = await newChild(owner, await newAccount(owner));
    await Promise.all(Array.from({ length: 260 }, (_, i) => grant(user(`m${i}`), child, 'MEMBER')));
    expect((await remove(owner, child.id)).status).toBe(204);
    expect((await db.scanAll()).filter((i) => i.accountId === child.id)).toEqual([]);
  });

  it('answers 404 to a second DELETE and 409 NOT_A_CHILD for a parent or standalone', async () => {
    const owner = user('owner');
    const target = await newAccount(owner);
    const child = await newChild(owner, target);
    expect((await remove(owner, child.id)).status).toBe(204);
    expect((await remove(owner, child.id)).status).toBe(404);
    const notChild = await remove(owner, target.id);
    expect(notChild.status).toBe(409);
    expect(notChild.body.error.code).toBe('NOT_A_CHILD');
  });

  it('takes the deleted child out of every list', async () => {
    const owner = user('owner');
    const target = await newAccount(owner);
    const child = await newChild(owner, target);
    await remove(owner, child.id);
    const list = await call({ method: 'GET', path: '/accounts', sub: owner });
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([target.id]);
  });

  it("falls back from a deleted default to the child's parent", async () => {
    const owner = user('owner');
    const target = await newAccount(owner);
    await newAccount(owner, 'Another');
    const child = await newChild(owner, target);
    expect(
      (await call({ method: 'PUT', path: '/accounts/current', sub: owner, body: { customerId: child.id } }))
        .status,
    ).toBe(200);
    expect((await call({ method: 'GET', path: '/accounts/current', sub: owner })).body.id).toBe(child.id);
    await remove(owner, child.id);
    const current = await call({ method: 'GET', path: '/accounts/current', sub: owner });
    expect(current.status).toBe(200);
    expect(current.body.id).toBe(target.id);
  });

  it('falls back to another accessible account when the parent is out of reach', async () => {
    const owner = user('owner');
    const childAdmin = user('child-admin');
    const target = await newAccount(owner);
    const child = await newChild(owner, target);
    await grant(childAdmin, child, 'ADMIN');
    const own = await newAccount(childAdmin, 'Own');
    await call({ method: 'PUT', path: '/accounts/current', sub: childAdmin, body: { customerId: child.id } });
    await remove(owner, child.id);
    const current = await call({ method: 'GET', path: '/accounts/current', sub: childAdmin });
    expect(current.body.id).toBe(own.id);
  });
});

describe('current account', () => {
  it('is 404 NO_CURRENT_ACCOUNT for a user without accounts, then the first account created', async () => {
    const sub = user('new');
    const none = await call({ method: 'GET', path: '/accounts/current', sub });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('NO_CURRENT_ACCOUNT');
    const first = await call({
      method: 'POST',
      path: '/accounts',
      sub,
      body: { company: 'Acme', name: 'One' },
    });
    await call({ method: 'POST', path: '/accounts', sub, body: { company: 'Acme', name: 'Two' } });
    const current = await call({ method: 'GET', path: '/accounts/current', sub });
    expect(current.body.id).toBe(first.body.id);
  });

  it('follows PUT /accounts/current, and X-Customer-Id overrides it for one request', async () => {
    const sub = user('switcher');
    const one = await newAccount(sub, 'One');
    const two = await newAccount(sub, 'Two');
    const switched = await call({
      method: 'PUT',
      path: '/accounts/current',
      sub,
      body: { customerId: two.id },
    });
    expect(switched.body.id).toBe(two.id);
    expect((await call({ method: 'GET', path: '/accounts/current', sub })).body.id).toBe(two.id);
    const once = await call({
      method: 'GET',
      path: '/accounts/current',
      sub,
      headers: { 'x-customer-id': one.id },
    });
    expect(once.body.id).toBe(one.id);
    expect((await call({ method: 'GET', path: '/accounts/current', sub })).body.id).toBe(two.id);
  });
});

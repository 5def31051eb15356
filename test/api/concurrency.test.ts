import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../lib/domain/account';
import { getAccount } from '../../lib/store/accounts';
import { grant } from '../support/fixtures';
import { apiClient, type HttpReply } from '../support/http';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * The contract's "Concurrency and retries" over HTTP through the local stack (gateway, JWT
 * authorizer, handlers, DynamoDB Local): ETags that do not vary with the caller, If-Match on the
 * three writes it guards (stale → 412 with nothing changed; five writers holding one ETag → exactly
 * one 200), and Idempotency-Key with its replay header as a client sees them.
 */
let stack: TestStack;

const api = apiClient(() => stack.url);

const subOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')).sub;
const statuses = (replies: HttpReply[]) => replies.map((r) => r.status).sort();

/** A user on a domain of their own, with an account that has that domain (auto-join off). */
async function accountWithDomain(label: string): Promise<{ token: string; id: string }> {
  const token = await stack.token(`owner@${label}.com`);
  const id = (await api(token, 'POST', '/accounts', { company: label, name: label })).body.id;
  expect(
    (await api(token, 'PATCH', `/accounts/${id}/domain`, { customerDomain: `${label}.com` })).status,
  ).toBe(200);
  return { token, id };
}

let owner: string;
let accountId: string;

beforeAll(async () => {
  stack = await startTestStack();
  owner = await stack.token('owner@etag-owner.com');
  accountId = (await api(owner, 'POST', '/accounts', { company: 'Etag Inc', name: 'Etag' })).body.id;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('ETag', () => {
  it("an account's ETag is the same whoever asks, and changes when the account does", async () => {
    const member = await stack.token('member@etag-member.com');
    await grant(subOf(member), (await getAccount(accountId)) as AccountRecord, 'MEMBER');
    const asOwner = await api(owner, 'GET', `/accounts/${accountId}`);
    const asMember = await api(member, 'GET', `/accounts/${accountId}`);
    expect(asOwner.body.role).toBe('SUPER_ADMIN');
    expect(asMember.body.role).toBe('MEMBER');
    expect(asOwner.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(asMember.headers.get('etag')).toBe(asOwner.headers.get('etag'));

    const patched = await api(owner, 'PATCH', `/accounts/${accountId}/domain`, {
      customerDomain: 'etag-owner.com',
    });
    expect(patched.status).toBe(200);
    expect(patched.headers.get('etag')).not.toBe(asOwner.headers.get('etag'));
    expect((await api(member, 'GET', `/accounts/${accountId}`)).headers.get('etag')).toBe(
      patched.headers.get('etag'),
    );
  });

  it('the preferences carry an ETag through the gateway', async () => {
    const res = await api(owner, 'GET', '/notification-preferences');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"v0"');
  });
});

describe('If-Match: stale is 412 and nothing changes', () => {
  it('PUT /notification-preferences', async () => {
    const user = await stack.token('prefs-stale@etag-users.com');
    const v1 = (await api(user, 'PUT', '/notification-preferences', { preferences: [] })).headers.get(
      'etag',
    ) as string;
    await api(user, 'PUT', '/notification-preferences', {
      preferences: [{ notificationType: 'account.child_created', channel: 'email' }],
    });
    const stale = await api(
      user,
      'PUT',
      '/notification-preferences',
      { preferences: [] },
      { 'if-match': v1 },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
    const now = await api(user, 'GET', '/notification-preferences');
    expect(now.body.preferences).toEqual([{ notificationType: 'account.child_created', channel: 'email' }]);
  });

  it('PATCH /accounts/:id/membership', async () => {
    const { token, id } = await accountWithDomain('m-stale');
    const tag = (await api(token, 'GET', `/accounts/${id}/membership`)).headers.get('etag') as string;
    const on = await api(token, 'PATCH', `/accounts/${id}/membership`, { allowDomainAutoJoin: true });
    expect(on.status).toBe(200);
    const stale = await api(
      token,
      'PATCH',
      `/accounts/${id}/membership`,
      { allowDomainAutoJoin: false },
      { 'if-match': tag },
    );
    expect(stale.status).toBe(412);
    const unchanged = await api(token, 'GET', `/accounts/${id}/membership`);
    expect(unchanged.body.allowDomainAutoJoin).toBe(true);
    expect(unchanged.headers.get('etag')).toBe(on.headers.get('etag'));
  });

  it('PATCH /accounts/:id/domain', async () => {
    const token = await stack.token('owner@d-stale.com');
    const id = (await api(token, 'POST', '/accounts', { company: 'Stale', name: 'Stale' })).body.id;
    const tag = (await api(token, 'GET', `/accounts/${id}`)).headers.get('etag') as string;
    await api(token, 'POST', '/accounts/create-child', { name: 'Kid', parentId: id }); // flips it to PARENT
    const current = await api(token, 'GET', `/accounts/${id}`);
    expect(current.headers.get('etag')).not.toBe(tag);
    const stale = await api(
      token,
      'PATCH',
      `/accounts/${id}/domain`,
      { customerDomain: 'd-stale.com' },
      { 'if-match': tag },
    );
    expect(stale.status).toBe(412);
    const after = await api(token, 'GET', `/accounts/${id}`);
    expect(after.body).toEqual(current.body);
    expect(after.headers.get('etag')).toBe(current.headers.get('etag'));
  });
});

describe('five concurrent writers holding one ETag: exactly one 200', () => {
  it('PUT /notification-preferences', async () => {
    const user = await stack.token('prefs-race@etag-users.com');
    const tag = (await api(user, 'GET', '/notification-preferences')).headers.get('etag') as string;
    const replies = await Promise.all(
      ['email', 'in_app', 'email', 'in_app', 'email'].map((channel) =>
        api(
          user,
          'PUT',
          '/notification-preferences',
          { preferences: [{ notificationType: 'membership.member_joined', channel }] },
          { 'if-match': tag },
        ),
      ),
    );
    expect(statuses(replies)).toEqual([200, 412, 412, 412, 412]);
    const winner = replies.find((r) => r.status === 200) as HttpReply;
    const now = await api(user, 'GET', '/notification-preferences');
    expect(now.body.preferences).toEqual(winner.body.preferences);
    expect(now.headers.get('etag')).toBe(winner.headers.get('etag'));
  });

  it('PATCH /accounts/:id/membership', async () => {
    const { token, id } = await accountWithDomain('m-race');
    const tag = (await api(token, 'GET', `/accounts/${id}/membership`)).headers.get('etag') as string;
    const replies = await Promise.all(
      Array.from({ length: 5 }, () =>
        api(token, 'PATCH', `/accounts/${id}/membership`, { allowDomainAutoJoin: true }, { 'if-match': tag }),
      ),
    );
    expect(statuses(replies)).toEqual([200, 412, 412, 412, 412]);
  });

  it('PATCH /accounts/:id/domain (five ADMINs, each claiming a domain of their own)', async () => {
    const id = (await api(owner, 'POST', '/accounts', { company: 'Race', name: 'Domain race' })).body.id;
    const account = (await getAccount(id)) as AccountRecord;
    // Account ids may hold `_`, which no domain label may: keep a label-safe part of it.
    const label = id
      .slice(0, 6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x');
    const admins = await Promise.all([1, 2, 3, 4, 5].map((i) => stack.token(`admin@race${i}-${label}.com`)));
    for (const admin of admins) await grant(subOf(admin), account, 'ADMIN');
    const tag = (await api(owner, 'GET', `/accounts/${id}`)).headers.get('etag') as string;
    const replies = await Promise.all(
      admins.map((admin, i) =>
        api(
          admin,
          'PATCH',
          `/accounts/${id}/domain`,
          { customerDomain: `race${i + 1}-${label}.com` },
          { 'if-match': tag },
        ),
      ),
    );
    expect(statuses(replies)).toEqual([200, 412, 412, 412, 412]);
    const winner = replies.find((r) => r.status === 200) as HttpReply;
    const now = await api(owner, 'GET', `/accounts/${id}`);
    expect(now.body.customerDomain).toBe(winner.body.customerDomain);
    expect(now.headers.get('etag')).toBe(winner.headers.get('etag'));
  });
});

describe('Idempotency-Key through the gateway', () => {
  it('replays the first 201 with Idempotent-Replayed: true; another body is 422', async () => {
    const user = await stack.token('idem@etag-users.com');
    const body = { company: 'Idem Inc', name: 'Idem' };
    const first = await api(user, 'POST', '/accounts', body, { 'idempotency-key': 'order-42' });
    const again = await api(user, 'POST', '/accounts', body, { 'Idempotency-Key': 'order-42' });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('location')).toBe(`/accounts/${first.body.id}`);
    const other = await api(
      user,
      'POST',
      '/accounts',
      { ...body, name: 'Other' },
      { 'idempotency-key': 'order-42' },
    );
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const list = await api(user, 'GET', '/accounts');
    expect(list.body.items).toHaveLength(1);
  });
});

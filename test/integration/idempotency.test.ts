import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { idempotent } from '../../lib/http/idempotency';
import { created, type Reply } from '../../lib/http/response';
import { useTable } from '../support/dynamo';
import { apiEvent, call } from '../support/events';
import { newAccount, newChild, user } from '../support/fixtures';

/**
 * Idempotency-Key on POST /accounts and POST /accounts/create-child, through the real handlers
 * against DynamoDB Local: replay, reuse with another request, concurrent duplicates, scope per
 * caller and per route, the 24 h TTL attribute, only 201 kept, and the in-progress lock.
 */
const db = useTable();

const createAccount = (
  sub: string,
  key: string | undefined,
  body: unknown = { company: 'Acme Inc', name: 'Acme' },
) =>
  call({
    method: 'POST',
    path: '/accounts',
    sub,
    body,
    headers: key === undefined ? {} : { 'idempotency-key': key },
  });
const createChild = (sub: string, key: string, body: unknown, headers: Record<string, string> = {}) =>
  call({
    method: 'POST',
    path: '/accounts/create-child',
    sub,
    body,
    headers: { 'idempotency-key': key, ...headers },
  });

const accountsOf = async (sub: string) =>
  (await db.scanAll()).filter((i) => i.entity === 'membership' && i.sub === sub && i.role === 'SUPER_ADMIN');
const childrenOf = async (parentId: string) =>
  (await db.scanAll()).filter((i) => i.entity === 'account' && i.parentId === parentId);
const records = async () => (await db.scanAll()).filter((i) => i.entity === 'idempotency');

describe('Idempotency-Key on POST /accounts', () => {
  it('replays the first 201 for the same request: same id, same headers, nothing more created', async () => {
    const sub = user('replay');
    const first = await createAccount(sub, 'key-1');
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    // The same JSON value with its keys in another order is the same request.
    const second = await call({
      method: 'POST',
      path: '/accounts',
      sub,
      rawBody: '{ "name": "Acme", "company": "Acme Inc" }',
      headers: { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': 'key-1' },
    });
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['x-request-id']).toBeDefined();
    expect(await accountsOf(sub)).toHaveLength(1);
  });

  it('the same key with a different request is 422 IDEMPOTENCY_KEY_REUSED and creates nothing', async () => {
    const sub = user('reuse');
    expect((await createAccount(sub, 'k')).status).toBe(201);
    for (const body of [
      { company: 'Acme Inc', name: 'Other' },
      { company: 'Acme Inc', name: 'Acme ' }, // another JSON value, even if it would be stored the same
    ]) {
      const res = await createAccount(sub, 'k', body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    expect(await accountsOf(sub)).toHaveLength(1);
  });

  it('concurrent duplicates create exactly one account; the others replay it or are told it is in progress', async () => {
    const sub = user('concurrent');
    const responses = await Promise.all(Array.from({ length: 6 }, () => createAccount(sub, 'same')));
    const createdOnes = responses.filter((r) => r.status === 201);
    const fresh = createdOnes.filter((r) => r.headers['idempotent-replayed'] === undefined);
    expect(fresh).toHaveLength(1);
    for (const r of createdOnes) expect(r.body.id).toBe(fresh[0]?.body.id);
    for (const r of responses.filter((r) => r.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    }
    expect(await accountsOf(sub)).toHaveLength(1);
    const replay = await createAccount(sub, 'same');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(fresh[0]?.body.id);
  });

  it('is scoped to the caller: another user with the same key and body gets their own account', async () => {
    const alice = user('alice');
    const bob = user('bob');
    const a = await createAccount(alice, 'shared-key');
    const b = await createAccount(bob, 'shared-key');
    expect(b.status).toBe(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.body.id).not.toBe(a.body.id);
    // and a different body from the other user is not "reuse" either
    expect((await createAccount(bob, 'alice-only', { company: 'B', name: 'B' })).status).toBe(201);
    expect((await createAccount(alice, 'alice-only', { company: 'A', name: 'A' })).status).toBe(201);
  });

  it('keeps the record 24 hours: TTL attribute expiresAt in epoch seconds, response stored, no lock left', async () => {
    const sub = user('ttl');
    const before = Math.floor(Date.now() / 1000);
    const res = await createAccount(sub, 'ttl-key');
    const after = Math.floor(Date.now() / 1000);
    const record = (await records()).find(
      (r) => typeof r.response === 'string' && r.response.includes(res.body.id),
    );
    expect(record).toBeDefined();
    expect(record?.pk).toMatch(/^IDEMPOTENCY#[A-Za-z0-9_-]{43}$/);
    expect(record?.status).toBe('COMPLETED');
    expect(record?.lockedUntil).toBeUndefined();
    expect(typeof record?.expiresAt).toBe('number');
    expect(record?.expiresAt).toBeGreaterThanOrEqual(before + 86_400);
    expect(record?.expiresAt).toBeLessThanOrEqual(after + 86_400);
    // The key, the caller and the body are not stored in the clear.
    expect(JSON.stringify(record)).not.toContain('ttl-key');
  });

  it('without a key nothing is recorded and every request creates', async () => {
    const sub = user('nokey');
    const count = (await records()).length;
    await createAccount(sub, undefined);
    await createAccount(sub, undefined);
    expect(await accountsOf(sub)).toHaveLength(2);
    expect(await records()).toHaveLength(count);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['non-ASCII', 'clé'],
    ['a control character', 'a\tb'],
  ])('an Idempotency-Key that is %s is 400 VALIDATION_FAILED and creates nothing', async (_, key) => {
    const sub = user('badkey');
    const res = await createAccount(sub, key);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(await accountsOf(sub)).toHaveLength(0);
  });

  it('accepts a 255-character key', async () => {
    expect((await createAccount(user('longkey'), '~'.repeat(255))).status).toBe(201);
  });
});

describe('Idempotency-Key on POST /accounts/create-child', () => {
  it('replays the child and creates no second one', async () => {
    const owner = user('owner');
    const parent = await newAccount(owner);
    const first = await createChild(owner, 'c1', { name: 'EU', parentId: parent.id });
    const again = await createChild(owner, 'c1', { parentId: parent.id, name: 'EU' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.location).toBe(`/accounts/${first.body.id}`);
    expect(await childrenOf(parent.id)).toHaveLength(1);
  });

  it('is scoped to the route: the same key on POST /accounts is independent', async () => {
    const owner = user('owner');
    const parent = await newAccount(owner);
    expect((await createChild(owner, 'both', { name: 'EU', parentId: parent.id })).status).toBe(201);
    const standalone = await createAccount(owner, 'both');
    expect(standalone.status).toBe(201);
    expect(standalone.headers['idempotent-replayed']).toBeUndefined();
  });

  it('without parentId, the current account is part of the request', async () => {
    const owner = user('owner');
    const a = await newAccount(owner, 'A');
    const b = await newAccount(owner, 'B');
    const first = await createChild(owner, 'cur', { name: 'Kid' }, { 'x-customer-id': a.id });
    expect(first.status).toBe(201);
    expect(first.body.parentId).toBe(a.id);
    const same = await createChild(owner, 'cur', { name: 'Kid' }, { 'x-customer-id': a.id });
    expect(same.headers['idempotent-replayed']).toBe('true');
    const other = await createChild(owner, 'cur', { name: 'Kid' }, { 'x-customer-id': b.id });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await childrenOf(b.id)).toHaveLength(0);
  });

  it('only a 201 is kept: after a 409 the key is free for a corrected retry', async () => {
    const owner = user('owner');
    const parent = await newAccount(owner);
    const child = await newChild(owner, parent);
    const tooDeep = await createChild(owner, 'fix-me', { name: 'Grandchild', parentId: child.id });
    expect(tooDeep.status).toBe(409);
    expect(tooDeep.body.error.code).toBe('HIERARCHY_TOO_DEEP');
    const corrected = await createChild(owner, 'fix-me', { name: 'Grandchild', parentId: parent.id });
    expect(corrected.status).toBe(201);
    expect(corrected.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a request refused before it runs (404, 403) never touches the key', async () => {
    const owner = user('owner');
    const stranger = user('stranger');
    const parent = await newAccount(owner);
    const count = (await records()).length;
    expect((await createChild(stranger, 'k', { name: 'X', parentId: parent.id })).status).toBe(404);
    expect(await records()).toHaveLength(count);
  });
});

describe('in progress', () => {
  const ctx = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;
  const event = (sub: string, key: string) =>
    apiEvent({
      method: 'POST',
      path: '/accounts',
      sub,
      body: { company: 'C', name: 'N' },
      headers: { 'idempotency-key': key },
    });
  const input = (sub: string, key: string) => ({
    caller: { sub, email: undefined, emailVerified: false },
    idempotencyKey: key,
    target: undefined,
  });

  it('409 IDEMPOTENCY_IN_PROGRESS while the first runs; its 201 is replayed once it is done', async () => {
    const sub = user('slow');
    let finish: (reply: Reply) => void = () => {};
    const first = idempotent(
      input(sub, 'slow'),
      event(sub, 'slow'),
      ctx(10_000),
      () => new Promise((r) => (finish = r)),
    );
    await new Promise((r) => setTimeout(r, 200));
    const during = await createAccount(sub, 'slow', { company: 'C', name: 'N' });
    expect(during.status).toBe(409);
    expect(during.body.error.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    // a different request with that key is not the same request, even while the first runs
    expect((await createAccount(sub, 'slow', { company: 'C', name: 'other' })).status).toBe(422);

    finish(created({ id: 'from-the-first' }, { location: '/accounts/from-the-first' }));
    expect((await first).status).toBe(201);
    const after = await createAccount(sub, 'slow', { company: 'C', name: 'N' });
    expect(after.status).toBe(201);
    expect(after.body).toEqual({ id: 'from-the-first' });
    expect(after.headers['idempotent-replayed']).toBe('true');
  });

  it('an attempt that never finished frees the key when its invocation would have been stopped', async () => {
    const sub = user('crashed');
    // The first attempt claims the key with 1 s left in its invocation, then hangs forever.
    void idempotent(input(sub, 'crash'), event(sub, 'crash'), ctx(1000), () => new Promise<Reply>(() => {}));
    await new Promise((r) => setTimeout(r, 200));
    expect((await createAccount(sub, 'crash', { company: 'C', name: 'N' })).status).toBe(409);
    await new Promise((r) => setTimeout(r, 1000));
    const retry = await createAccount(sub, 'crash', { company: 'C', name: 'N' });
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a thrown error frees the key', async () => {
    const sub = user('thrown');
    await expect(
      idempotent(input(sub, 'boom'), event(sub, 'boom'), ctx(10_000), () =>
        Promise.reject(new Error('boom')),
      ),
    ).rejects.toThrow('boom');
    expect((await createAccount(sub, 'boom', { company: 'C', name: 'N' })).status).toBe(201);
  });
});

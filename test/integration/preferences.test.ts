import { describe, expect, it } from 'vitest';
import { useTable } from '../support/dynamo';
import { call } from '../support/events';
import { user } from '../support/fixtures';

/**
 * GET / PUT /notification-preferences through the real handlers against DynamoDB Local: defaults,
 * round trip, isolation between users, every bad input (400, nothing written), the 100-entry limit,
 * and If-Match enforced by the conditional write (stale → 412 with nothing changed; five writers
 * holding one ETag → exactly one wins).
 */
const db = useTable();

const e = (notificationType: string, channel: string) => ({ notificationType, channel });
const get = (sub: string) => call({ method: 'GET', path: '/notification-preferences', sub });
const put = (sub: string, body: unknown, headers?: Record<string, string>) =>
  call({ method: 'PUT', path: '/notification-preferences', sub, body, headers });
const preferenceItems = async () => (await db.scanAll()).filter((i) => i.entity === 'preferences');

describe('notification preferences', () => {
  it('a user who never saved any gets every type on every channel, as defaults', async () => {
    const res = await get(user('fresh'));
    expect(res.status).toBe(200);
    expect(res.body.isDefault).toBe(true);
    expect(res.body.updatedAt).toBeNull();
    expect(res.body.preferences).toHaveLength(10);
    expect(res.body.catalog).toEqual({
      notificationTypes: [
        'account.child_created',
        'account.child_deleted',
        'account.domain_changed',
        'membership.auto_join_changed',
        'membership.member_joined',
      ],
      channels: ['email', 'in_app'],
    });
    expect(res.headers.etag).toBe('"v0"');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('round trip: PUT answers the stored set (folded, sorted) and GET returns the same', async () => {
    const sub = user('roundtrip');
    const res = await put(sub, {
      preferences: [
        e('membership.member_joined', 'in_app'),
        e('account.child_created', 'in_app'),
        e('account.child_created', 'email'),
        e('membership.member_joined', 'in_app'),
      ],
    });
    expect(res.status).toBe(200);
    const expected = [
      e('account.child_created', 'email'),
      e('account.child_created', 'in_app'),
      e('membership.member_joined', 'in_app'),
    ];
    expect(res.body.preferences).toEqual(expected);
    expect(res.body.isDefault).toBe(false);
    expect(Date.parse(res.body.updatedAt)).not.toBeNaN();
    expect(res.body.catalog.channels).toEqual(['email', 'in_app']);
    expect(res.headers.etag).toBe('"v1"');

    const again = await get(sub);
    expect(again.body).toEqual(res.body);
    expect(again.headers.etag).toBe('"v1"');
  });

  it('the empty list opts out of everything, and is not the defaults', async () => {
    const sub = user('optout');
    expect((await put(sub, { preferences: [] })).status).toBe(200);
    const res = await get(sub);
    expect(res.body).toMatchObject({ preferences: [], isDefault: false });
  });

  it('each user has their own set', async () => {
    const alice = user('alice');
    const bob = user('bob');
    await put(alice, { preferences: [e('account.domain_changed', 'email')] });
    expect((await get(bob)).body.isDefault).toBe(true);
    await put(bob, { preferences: [] });
    expect((await get(alice)).body.preferences).toEqual([e('account.domain_changed', 'email')]);
    expect((await get(bob)).body.preferences).toEqual([]);
  });

  it('stores the whole set as one item per user', async () => {
    const sub = user('one-item');
    await put(sub, { preferences: [e('account.child_deleted', 'in_app')] });
    await put(sub, {
      preferences: [e('account.child_deleted', 'email'), e('account.child_deleted', 'in_app')],
    });
    const items = (await preferenceItems()).filter((i) => i.sub === sub);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ pk: `USER#${sub}`, sk: 'PREFERENCES', version: 2 });
  });

  it('accepts exactly 100 entries and rejects 101', async () => {
    const sub = user('hundred');
    const hundred = Array.from({ length: 100 }, (_, i) =>
      e('account.child_created', i % 2 ? 'email' : 'in_app'),
    );
    const ok = await put(sub, { preferences: hundred });
    expect(ok.status).toBe(200);
    expect(ok.body.preferences).toHaveLength(2);

    const other = user('hundred-one');
    const res = await put(other, { preferences: [...hundred, e('account.child_created', 'email')] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([
      { path: 'preferences', message: 'Must have at most 100 entries' },
    ]);
    expect((await get(other)).body.isDefault).toBe(true);
  });

  const invalid: [string, unknown, { path: string; message: RegExp }][] = [
    [
      'unknown notification type',
      { preferences: [e('account.created', 'email')] },
      {
        path: 'preferences.0.notificationType',
        message: /^Must be one of: account\.child_created, .*membership\.member_joined$/,
      },
    ],
    [
      'unknown channel',
      { preferences: [e('account.child_created', 'sms')] },
      { path: 'preferences.0.channel', message: /^Must be one of: email, in_app$/ },
    ],
    [
      'missing channel',
      { preferences: [{ notificationType: 'account.child_created' }] },
      { path: 'preferences.0.channel', message: /email, in_app/ },
    ],
    [
      'null type',
      { preferences: [{ notificationType: null, channel: 'email' }] },
      { path: 'preferences.0.notificationType', message: /Must be one of/ },
    ],
    [
      'type of the wrong case',
      { preferences: [e('ACCOUNT.CHILD_CREATED', 'email')] },
      { path: 'preferences.0.notificationType', message: /Must be one of/ },
    ],
    [
      'entry not an object',
      { preferences: ['account.child_created'] },
      { path: 'preferences.0', message: /object/ },
    ],
    [
      'unknown field in an entry',
      { preferences: [{ ...e('account.child_created', 'email'), on: true }] },
      { path: 'preferences.0.on', message: /Unknown field/ },
    ],
    ['missing list', {}, { path: 'preferences', message: /array/ }],
    ['null list', { preferences: null }, { path: 'preferences', message: /array/ }],
    ['list not an array', { preferences: 'email' }, { path: 'preferences', message: /array/ }],
    [
      'unknown top-level field',
      { preferences: [], extra: true },
      { path: 'extra', message: /Unknown field/ },
    ],
  ];

  it.each(invalid)('400 VALIDATION_FAILED and nothing written: %s', async (_, body, detail) => {
    const sub = user('invalid');
    const res = await put(sub, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toContainEqual({
      path: detail.path,
      message: expect.stringMatching(detail.message),
    });
    expect((await preferenceItems()).filter((i) => i.sub === sub)).toEqual([]);
  });

  it('400 INVALID_JSON, 415 and 413 write nothing either', async () => {
    const sub = user('malformed');
    const raw = (rawBody: string, headers: Record<string, string>) =>
      call({ method: 'PUT', path: '/notification-preferences', sub, rawBody, headers });
    expect((await raw('{"preferences": [', { 'content-type': 'application/json' })).body.error.code).toBe(
      'INVALID_JSON',
    );
    expect((await raw('{"preferences": []}', { 'content-type': 'text/plain' })).status).toBe(415);
    const big = JSON.stringify({ preferences: [], pad: 'x'.repeat(17 * 1024) });
    expect((await raw(big, { 'content-type': 'application/json' })).status).toBe(413);
    expect((await preferenceItems()).filter((i) => i.sub === sub)).toEqual([]);
  });
});

describe('preferences ETag and If-Match', () => {
  it('the ETag is the version: it changes with every save and only then', async () => {
    const sub = user('etag');
    expect((await get(sub)).headers.etag).toBe('"v0"');
    expect((await get(sub)).headers.etag).toBe('"v0"');
    expect((await put(sub, { preferences: [] })).headers.etag).toBe('"v1"');
    expect((await get(sub)).headers.etag).toBe('"v1"');
    // Saving the same set again is still a save.
    expect((await put(sub, { preferences: [] })).headers.etag).toBe('"v2"');
  });

  it('a current If-Match writes; a stale one is 412 and nothing changes', async () => {
    const sub = user('stale');
    const first = await put(sub, { preferences: [e('account.child_created', 'email')] });
    const v1 = first.headers.etag as string;
    const second = await put(sub, { preferences: [e('account.child_deleted', 'email')] }, { 'if-match': v1 });
    expect(second.status).toBe(200);
    expect(second.headers.etag).toBe('"v2"');

    const stale = await put(sub, { preferences: [] }, { 'if-match': v1 });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
    const now = await get(sub);
    expect(now.body.preferences).toEqual([e('account.child_deleted', 'email')]);
    expect(now.headers.etag).toBe('"v2"');
    expect(now.body.updatedAt).toBe(second.body.updatedAt);
  });

  it("the defaults' ETag matches only while nothing was saved", async () => {
    const sub = user('v0');
    const v0 = (await get(sub)).headers.etag as string;
    expect((await put(sub, { preferences: [] }, { 'if-match': v0 })).status).toBe(200);
    expect((await put(sub, { preferences: [] }, { 'if-match': v0 })).status).toBe(412);
  });

  it('* matches any current representation, the defaults included', async () => {
    const sub = user('star');
    expect((await put(sub, { preferences: [] }, { 'if-match': '*' })).status).toBe(200);
    expect((await put(sub, { preferences: [] }, { 'if-match': '*' })).headers.etag).toBe('"v2"');
  });

  it('a list of ETags matches when one of them does', async () => {
    const sub = user('list');
    await put(sub, { preferences: [] });
    const res = await put(sub, { preferences: [] }, { 'if-match': '"v7", "v1"' });
    expect(res.status).toBe(200);
  });

  it.each(['v1', 'W/"v1"', '"1"', '"v1', ''])(
    'a malformed or weak If-Match (%j) never matches',
    async (header) => {
      const sub = user('malformed-if-match');
      await put(sub, { preferences: [] });
      const res = await put(
        sub,
        { preferences: [e('account.child_created', 'email')] },
        { 'if-match': header },
      );
      expect(res.status).toBe(412);
      expect((await get(sub)).body.preferences).toEqual([]);
    },
  );

  it('validation comes before If-Match: a bad body with a stale ETag is 400', async () => {
    const sub = user('order');
    await put(sub, { preferences: [] });
    const res = await put(sub, { preferences: [e('nope', 'email')] }, { 'if-match': '"v99"' });
    expect(res.status).toBe(400);
  });

  it('five concurrent writers holding one ETag: exactly one 200, the others 412', async () => {
    const sub = user('race');
    const tag = (await put(sub, { preferences: [] })).headers.etag as string;
    const channels = ['email', 'in_app'];
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        put(
          sub,
          { preferences: [e(`account.child_created`, channels[i % 2] as string)] },
          { 'if-match': tag },
        ),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 412, 412, 412, 412]);
    const winner = responses.find((r) => r.status === 200);
    const now = await get(sub);
    expect(now.headers.etag).toBe('"v2"');
    expect(now.body.preferences).toEqual(winner?.body.preferences);
  });

  it('without If-Match the last write wins, and every write bumps the version', async () => {
    const sub = user('lww');
    await Promise.all(Array.from({ length: 5 }, () => put(sub, { preferences: [] })));
    expect((await get(sub)).headers.etag).toBe('"v5"');
  });
});

import { createServer } from 'node:net';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler as postConfirmation } from '../../functions/triggers/post-confirmation';
import { resetConfig } from '../../lib/config';
import type { AccountRecord } from '../../lib/domain/account';
import { preconditionFailed } from '../../lib/domain/errors';
import { autoJoinOnSignUp, onSignUp } from '../../lib/operations/sign-up';
import { getRole } from '../../lib/store/accounts';
import { resetClient } from '../../lib/store/client';
import * as domainStore from '../../lib/store/domains';
import { keys } from '../../lib/store/keys';
import { getProfile } from '../../lib/store/users';
import { useTable } from '../support/dynamo';
import { type ApiRequest, call } from '../support/events';
import { grant, newAccount, newChild, user } from '../support/fixtures';

/**
 * PATCH /accounts/:id/domain, GET/PATCH /accounts/:id/membership and domain auto-join, with the
 * handlers called in-process against DynamoDB Local: the contract's order of checks, the guard item
 * that keeps one domain to one account (also under a race), ETags and If-Match, and the sign-up path.
 */
const db = useTable();

/** A domain no other test in this file uses (domains are unique across the whole table). */
let domains = 0;
const uniqueDomain = (label: string) => `${label}-${process.pid}-${Date.now().toString(36)}-${domains++}.com`;

/** An owner whose verified email is on `domain`, with a standalone account. */
async function ownerOf(domain: string, label = 'owner') {
  const sub = user(label);
  const account = await newAccount(sub, label);
  const as = (req: Omit<ApiRequest, 'sub' | 'email'>) => call({ ...req, sub, email: `${label}@${domain}` });
  return { sub, account, as };
}

const patchDomain = (account: AccountRecord, customerDomain: unknown, headers?: Record<string, string>) => ({
  method: 'PATCH',
  path: `/accounts/${account.id}/domain`,
  body: { customerDomain },
  headers,
});
const patchMembership = (
  account: AccountRecord,
  allowDomainAutoJoin: unknown,
  headers?: Record<string, string>,
) => ({
  method: 'PATCH',
  path: `/accounts/${account.id}/membership`,
  body: { allowDomainAutoJoin },
  headers,
});
const getMembership = (account: AccountRecord) => ({
  method: 'GET',
  path: `/accounts/${account.id}/membership`,
});
const getAccount = (account: AccountRecord) => ({ method: 'GET', path: `/accounts/${account.id}` });

async function guardOf(domain: string) {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: keys.domain(domain), ConsistentRead: true }),
  );
  return Item;
}

describe('PATCH /accounts/:id/domain', () => {
  it('sets the normalised domain, claims its guard, and changes both ETags', async () => {
    const domain = uniqueDomain('acme');
    const { account, as } = await ownerOf(domain);
    const before = await as(getAccount(account));
    const membershipBefore = await as(getMembership(account));

    const response = await as(patchDomain(account, `  ${domain.toUpperCase()}.  `));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: account.id, customerDomain: domain, role: 'SUPER_ADMIN' });
    expect(response.headers.etag).toBeDefined();
    expect(response.headers.etag).not.toBe(before.headers.etag);
    expect(response.body.updatedAt >= before.body.updatedAt).toBe(true);

    const after = await as(getAccount(account));
    expect(after.body.customerDomain).toBe(domain);
    expect(after.headers.etag).toBe(response.headers.etag);
    const membership = await as(getMembership(account));
    expect(membership.body).toEqual({
      customerId: account.id,
      allowDomainAutoJoin: false,
      customerDomain: domain,
      updatedAt: response.body.updatedAt,
    });
    expect(membership.headers.etag).not.toBe(membershipBefore.headers.etag);
    expect(await guardOf(domain)).toMatchObject({ accountId: account.id });
  });

  it('stores an IDN as punycode and compares the caller email the same way', async () => {
    const label = `münchen-${process.pid}-${domains++}`;
    const sub = user('idn');
    const account = await newAccount(sub);
    const response = await call({
      ...patchDomain(account, `${label}.de`),
      sub,
      email: `anna@${label.toUpperCase()}.DE`,
    });
    expect(response.status).toBe(200);
    expect(response.body.customerDomain).toMatch(/^xn--/);
  });

  it('the same value again is a no-op 200: no write, same ETag, same updatedAt', async () => {
    const domain = uniqueDomain('noop');
    const { account, as } = await ownerOf(domain);
    const first = await as(patchDomain(account, domain));
    const membership = await as(getMembership(account));
    const second = await as(patchDomain(account, domain.toUpperCase()));
    expect(second.status).toBe(200);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.body.updatedAt).toBe(first.body.updatedAt);
    expect((await as(getMembership(account))).headers.etag).toBe(membership.headers.etag);
  });

  it('null removes the domain and frees it for another account; null again is a no-op', async () => {
    const domain = uniqueDomain('free');
    const first = await ownerOf(domain, 'first');
    const second = await ownerOf(domain, 'second');
    expect((await first.as(patchDomain(first.account, domain))).status).toBe(200);
    expect((await second.as(patchDomain(second.account, domain))).body.error.code).toBe('DOMAIN_TAKEN');

    const removed = await first.as(patchDomain(first.account, null));
    expect(removed.status).toBe(200);
    expect(removed.body.customerDomain).toBeNull();
    expect(await guardOf(domain)).toBeUndefined();
    const again = await first.as(patchDomain(first.account, null));
    expect(again.status).toBe(200);
    expect(again.headers.etag).toBe(removed.headers.etag);

    expect((await second.as(patchDomain(second.account, domain))).status).toBe(200);
    expect(await guardOf(domain)).toMatchObject({ accountId: second.account.id });
  });

  it('changing to another domain releases the old one in the same write', async () => {
    const oldDomain = uniqueDomain('old');
    const newDomain = uniqueDomain('new');
    const sub = user('mover');
    const account = await newAccount(sub);
    expect((await call({ ...patchDomain(account, oldDomain), sub, email: `m@${oldDomain}` })).status).toBe(
      200,
    );
    expect((await call({ ...patchDomain(account, newDomain), sub, email: `m@${newDomain}` })).status).toBe(
      200,
    );
    expect(await guardOf(oldDomain)).toBeUndefined();
    expect(await guardOf(newDomain)).toMatchObject({ accountId: account.id });
    const other = await ownerOf(oldDomain, 'other');
    expect((await other.as(patchDomain(other.account, oldDomain))).status).toBe(200);
  });

  it('the operation rules in order: public list (400) → ownership (403) → taken (409)', async () => {
    // A verified gmail user still may not claim gmail.com: the public list comes first.
    const gmailUser = user('gmail');
    const gmailAccount = await newAccount(gmailUser);
    const publicDomain = await call({
      ...patchDomain(gmailAccount, 'GMail.com'),
      sub: gmailUser,
      email: 'x@gmail.com',
    });
    expect(publicDomain.status).toBe(400);
    expect(publicDomain.body.error.code).toBe('DOMAIN_NOT_ALLOWED');

    const domain = uniqueDomain('order');
    const holder = await ownerOf(domain, 'holder');
    expect((await holder.as(patchDomain(holder.account, domain))).status).toBe(200);

    // Not on the domain: 403 even though it is also taken.
    const outsider = user('outsider');
    const outsiderAccount = await newAccount(outsider);
    const notOwned = await call({
      ...patchDomain(outsiderAccount, domain),
      sub: outsider,
      email: 'o@other.io',
    });
    expect(notOwned.status).toBe(403);
    expect(notOwned.body.error.code).toBe('DOMAIN_OWNERSHIP_REQUIRED');

    // On the domain, but unverified: 403.
    const unverified = await call({
      ...patchDomain(outsiderAccount, domain),
      sub: outsider,
      email: `o@${domain}`,
      emailVerified: false,
    });
    expect(unverified.body.error.code).toBe('DOMAIN_OWNERSHIP_REQUIRED');

    // A subdomain email does not own the parent domain, nor the reverse.
    const sub = await call({
      ...patchDomain(outsiderAccount, domain),
      sub: outsider,
      email: `o@eu.${domain}`,
    });
    expect(sub.body.error.code).toBe('DOMAIN_OWNERSHIP_REQUIRED');

    const taken = await call({
      ...patchDomain(outsiderAccount, domain),
      sub: outsider,
      email: `o@${domain}`,
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('DOMAIN_TAKEN');
  });

  it('the shape is checked before existence and role: 400 for anyone, then 404 / 403', async () => {
    const domain = uniqueDomain('shape');
    const { account } = await ownerOf(domain);
    const stranger = user('stranger');
    const member = user('member');
    await grant(member, account, 'MEMBER');
    for (const sub of [stranger, member]) {
      const bad = await call({ ...patchDomain(account, 'https://acme.com/'), sub, email: `s@${domain}` });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ path: 'customerDomain' }],
      });
    }
    const unknown = await call({ ...patchDomain({ ...account, id: 'nope' }, 'https://x'), sub: stranger });
    expect(unknown.status).toBe(400);
    expect(
      (await call({ ...patchDomain(account, domain), sub: stranger, email: `s@${domain}` })).status,
    ).toBe(404);
    const forbidden = await call({ ...patchDomain(account, domain), sub: member, email: `s@${domain}` });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
  });

  it.each([
    ['a missing field', {}],
    ['a number', { customerDomain: 1 }],
    ['an unknown field', { customerDomain: null, extra: 1 }],
    ['an IP address', { customerDomain: '10.0.0.1' }],
    ['a wildcard', { customerDomain: '*.acme.com' }],
    ['a port', { customerDomain: 'acme.com:8080' }],
  ])('400 VALIDATION_FAILED for %s', async (_name, body) => {
    const sub = user('bad');
    const account = await newAccount(sub);
    const response = await call({ method: 'PATCH', path: `/accounts/${account.id}/domain`, sub, body });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it("honours the account's If-Match: stale or malformed 412, current or * 200", async () => {
    const domain = uniqueDomain('etag');
    const { account, as } = await ownerOf(domain);
    const current = (await as(getAccount(account))).headers.etag as string;
    expect((await as(patchDomain(account, domain, { 'if-match': '"v999"' }))).status).toBe(412);
    expect((await as(patchDomain(account, domain, { 'if-match': 'garbage' }))).status).toBe(412);
    const membershipTag = (await as(getMembership(account))).headers.etag as string;
    expect(current).toBe(membershipTag); // both start at version 1 …
    const set = await as(patchDomain(account, domain, { 'if-match': current }));
    expect(set.status).toBe(200);
    // … and the tag just used is now stale.
    const stale = await as(patchDomain(account, null, { 'if-match': current }));
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
    expect((await as(patchDomain(account, null, { 'if-match': '*' }))).status).toBe(200);
  });

  it('while auto-join is on: null is 409 AUTO_JOIN_ENABLED, another owned domain is allowed', async () => {
    const domain = uniqueDomain('aj');
    const other = uniqueDomain('aj2');
    const sub = user('aj');
    const account = await newAccount(sub);
    expect((await call({ ...patchDomain(account, domain), sub, email: `a@${domain}` })).status).toBe(200);
    expect((await call({ ...patchMembership(account, true), sub })).status).toBe(200);

    const remove = await call({ ...patchDomain(account, null), sub });
    expect(remove.status).toBe(409);
    expect(remove.body.error.code).toBe('AUTO_JOIN_ENABLED');
    expect(await guardOf(domain)).toMatchObject({ accountId: account.id });

    const change = await call({ ...patchDomain(account, other), sub, email: `a@${other}` });
    expect(change.status).toBe(200);
    expect((await call({ ...getMembership(account), sub })).body).toMatchObject({
      allowDomainAutoJoin: true,
      customerDomain: other,
    });
  });

  it('deleting a child frees its domain', async () => {
    const domain = uniqueDomain('child');
    const owner = user('parent-owner');
    const parent = await newAccount(owner);
    const child = await newChild(owner, parent);
    const email = `p@${domain}`;
    expect((await call({ ...patchDomain(child, domain), sub: owner, email })).status).toBe(200);
    expect((await call({ method: 'DELETE', path: `/accounts/${child.id}`, sub: owner })).status).toBe(204);
    expect(await guardOf(domain)).toBeUndefined();
    expect((await call({ ...patchDomain(parent, domain), sub: owner, email })).status).toBe(200);
  });

  it('two accounts racing for one domain: exactly one 200, one 409 DOMAIN_TAKEN; the guard names the winner', async () => {
    for (let round = 0; round < 5; round++) {
      const domain = uniqueDomain('race');
      const a = await ownerOf(domain, 'alice');
      const b = await ownerOf(domain, 'bob');
      const [ra, rb] = await Promise.all([
        a.as(patchDomain(a.account, domain)),
        b.as(patchDomain(b.account, domain)),
      ]);
      expect([ra.status, rb.status].sort()).toEqual([200, 409]);
      const [winner, loser] = ra.status === 200 ? [a, b] : [b, a];
      const lost = ra.status === 200 ? rb : ra;
      expect(lost.body.error.code).toBe('DOMAIN_TAKEN');
      expect(await guardOf(domain)).toMatchObject({ accountId: winner.account.id });
      expect((await winner.as(getAccount(winner.account))).body.customerDomain).toBe(domain);
      expect((await loser.as(getAccount(loser.account))).body.customerDomain).toBeNull();
    }
  });

  it('the store decides on the account as the caller read it, and reads it again only when it changed', async () => {
    const d1 = uniqueDomain('stale1');
    const d2 = uniqueDomain('stale2');
    const { account } = await ownerOf(d1);
    const admitAny: (fresh: AccountRecord | undefined) => asserts fresh is AccountRecord = (fresh) => {
      if (!fresh) throw new Error('gone');
    };
    const now = () => new Date().toISOString();
    const set = await domainStore.setCustomerDomain(account, d1, now(), admitAny);
    expect(set).toMatchObject({ customerDomain: d1, version: account.version + 1 });

    // `account` is now stale (no domain, the old version): the write's condition fails, the store
    // reads the account again and releases the domain it really has.
    const moved = await domainStore.setCustomerDomain(account, d2, now(), admitAny);
    expect(moved).toMatchObject({ customerDomain: d2, version: account.version + 2 });
    expect(await guardOf(d1)).toBeUndefined();
    expect(await guardOf(d2)).toMatchObject({ accountId: account.id });

    // An If-Match on the stale version: decided again on the fresh read, 412.
    const admitVersion: (fresh: AccountRecord | undefined) => asserts fresh is AccountRecord = (fresh) => {
      admitAny(fresh);
      if (fresh.version !== account.version) throw preconditionFailed();
    };
    await expect(domainStore.setCustomerDomain(account, d1, now(), admitVersion)).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    expect(await guardOf(d1)).toBeUndefined();
  });

  it("the guard names the owner and the owner's parent (null for a root)", async () => {
    const domain = uniqueDomain('guard');
    const childDomain = uniqueDomain('guard-child');
    const { sub, account, as } = await ownerOf(domain);
    expect((await as(patchDomain(account, domain))).status).toBe(200);
    expect(await guardOf(domain)).toMatchObject({ accountId: account.id, parentId: null });
    const child = await newChild(sub, account);
    expect((await call({ ...patchDomain(child, childDomain), sub, email: `o@${childDomain}` })).status).toBe(
      200,
    );
    expect(await guardOf(childDomain)).toMatchObject({ accountId: child.id, parentId: account.id });
  });

  it('one account racing itself between two domains ends with one domain and one guard', async () => {
    const d1 = uniqueDomain('self1');
    const d2 = uniqueDomain('self2');
    const sub = user('self');
    const account = await newAccount(sub);
    const responses = await Promise.all([
      call({ ...patchDomain(account, d1), sub, email: `s@${d1}` }),
      call({ ...patchDomain(account, d2), sub, email: `s@${d2}` }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    const final = (await call({ ...getAccount(account), sub })).body.customerDomain;
    const guards = [await guardOf(d1), await guardOf(d2)].filter(Boolean);
    expect(guards).toEqual([expect.objectContaining({ accountId: account.id, domain: final })]);
  });
});

describe('GET / PATCH /accounts/:id/membership', () => {
  it('starts with auto-join off and no domain; updatedAt is the account creation time', async () => {
    const sub = user('m');
    const account = await newAccount(sub);
    const response = await call({ ...getMembership(account), sub });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      customerId: account.id,
      allowDomainAutoJoin: false,
      customerDomain: null,
      updatedAt: account.createdAt,
    });
    expect(response.headers.etag).toMatch(/^"/);
  });

  it('enabling without a domain is 409 DOMAIN_REQUIRED; disabling is always allowed', async () => {
    const sub = user('m');
    const account = await newAccount(sub);
    const enable = await call({ ...patchMembership(account, true), sub });
    expect(enable.status).toBe(409);
    expect(enable.body.error.code).toBe('DOMAIN_REQUIRED');
    expect((await call({ ...patchMembership(account, false), sub })).status).toBe(200);
  });

  it("changes the membership's ETag and updatedAt, never the account's", async () => {
    const domain = uniqueDomain('m');
    const { account, as } = await ownerOf(domain);
    await as(patchDomain(account, domain));
    const accountTag = (await as(getAccount(account))).headers.etag;
    const before = await as(getMembership(account));

    const enabled = await as(patchMembership(account, true));
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({
      customerId: account.id,
      allowDomainAutoJoin: true,
      customerDomain: domain,
    });
    expect(enabled.headers.etag).not.toBe(before.headers.etag);
    expect(enabled.body.updatedAt >= before.body.updatedAt).toBe(true);
    expect((await as(getMembership(account))).headers.etag).toBe(enabled.headers.etag);
    expect((await as(getAccount(account))).headers.etag).toBe(accountTag);

    // The same value again writes nothing.
    const again = await as(patchMembership(account, true));
    expect(again.status).toBe(200);
    expect(again.headers.etag).toBe(enabled.headers.etag);
    expect(again.body.updatedAt).toBe(enabled.body.updatedAt);
  });

  it("honours the membership's If-Match (412 before DOMAIN_REQUIRED)", async () => {
    const sub = user('m');
    const account = await newAccount(sub);
    const tag = (await call({ ...getMembership(account), sub })).headers.etag as string;
    const stale = await call({ ...patchMembership(account, true, { 'if-match': '"v42"' }), sub });
    expect(stale.status).toBe(412);
    const required = await call({ ...patchMembership(account, true, { 'if-match': tag }), sub });
    expect(required.body.error.code).toBe('DOMAIN_REQUIRED');
    const domain = uniqueDomain('m');
    await call({ ...patchDomain(account, domain), sub, email: `m@${domain}` });
    // Setting the domain changed the membership too (it shows the domain): the old tag is stale.
    expect((await call({ ...patchMembership(account, true, { 'if-match': tag }), sub })).status).toBe(412);
    const fresh = (await call({ ...getMembership(account), sub })).headers.etag as string;
    expect((await call({ ...patchMembership(account, true, { 'if-match': fresh }), sub })).status).toBe(200);
  });

  it('400 for a non-boolean or an unknown field, before 404', async () => {
    const sub = user('m');
    const account = await newAccount(sub);
    for (const body of [
      { allowDomainAutoJoin: 'true' },
      { allowDomainAutoJoin: null },
      {},
      { allowDomainAutoJoin: true, x: 1 },
    ]) {
      const response = await call({
        method: 'PATCH',
        path: `/accounts/${account.id}/membership`,
        sub: user('s'),
        body,
      });
      expect(response.status).toBe(400);
    }
  });

  it('racing enable against removing the domain never leaves auto-join on without a domain', async () => {
    for (let round = 0; round < 5; round++) {
      const domain = uniqueDomain('inv');
      const { account, as } = await ownerOf(domain);
      await as(patchDomain(account, domain));
      await Promise.all([as(patchMembership(account, true)), as(patchDomain(account, null))]);
      const settings = (await as(getMembership(account))).body;
      expect(settings.allowDomainAutoJoin && settings.customerDomain === null).toBe(false);
    }
  });
});

describe('domain auto-join at sign-up', () => {
  async function autoJoinAccount(domain: string) {
    const { sub, account, as } = await ownerOf(domain);
    expect((await as(patchDomain(account, domain))).status).toBe(200);
    expect((await as(patchMembership(account, true))).status).toBe(200);
    return { sub, account };
  }

  it('a verified exact match joins as MEMBER, and the account becomes the default', async () => {
    const domain = uniqueDomain('join');
    const { account } = await autoJoinAccount(domain);
    const sub = user('joiner');
    expect(await onSignUp({ sub, email: `Joiner@${domain.toUpperCase()}`, emailVerified: true })).toBe(
      'JOINED',
    );
    expect(await getRole(sub, account.id)).toBe('MEMBER');
    expect((await getProfile(sub))?.defaultAccountId).toBe(account.id);
  });

  it.each([
    ['unverified', (d: string) => `u@${d}`, false],
    ['a subdomain', (d: string) => `u@eu.${d}`, true],
    ['a look-alike suffix', (d: string) => `u@${d}.evil.io`, true],
    ['a look-alike prefix', (d: string) => `u@x${d}`, true],
    ['another domain', () => 'u@other.io', true],
    ['a malformed email', (d: string) => `not-an-email ${d}`, true],
    ['no email', () => undefined, true],
  ])('%s does not join, and the sign-up still succeeds', async (_name, email, emailVerified) => {
    const domain = uniqueDomain('nojoin');
    const { account } = await autoJoinAccount(domain);
    const sub = user('nojoin');
    expect(await onSignUp({ sub, email: email(domain), emailVerified })).toBe('NO_MATCH');
    expect(await getRole(sub, account.id)).toBeUndefined();
    expect(await getProfile(sub)).toMatchObject({ sub, defaultAccountId: null });
  });

  it('auto-join off: no join', async () => {
    const domain = uniqueDomain('off');
    const { account, as } = await ownerOf(domain);
    await as(patchDomain(account, domain));
    const sub = user('off');
    expect(await autoJoinOnSignUp({ sub, email: `u@${domain}`, emailVerified: true })).toBe('NO_MATCH');
    expect(await getRole(sub, account.id)).toBeUndefined();
  });

  it('is idempotent and never lowers a role; an existing default is kept', async () => {
    const domain = uniqueDomain('idem');
    const { account } = await autoJoinAccount(domain);
    const sub = user('idem');
    const signUp = { sub, email: `i@${domain}`, emailVerified: true };
    expect(await onSignUp(signUp)).toBe('JOINED');
    const items = await db.scanAll();
    expect(await onSignUp(signUp)).toBe('ALREADY_MEMBER');
    expect(await db.scanAll()).toEqual(items);

    const admin = user('admin');
    const own = await newAccount(admin, 'Own'); // their default
    await grant(admin, account, 'ADMIN');
    expect(await onSignUp({ sub: admin, email: `a@${domain}`, emailVerified: true })).toBe('ALREADY_MEMBER');
    expect(await getRole(admin, account.id)).toBe('ADMIN');
    expect((await getProfile(admin))?.defaultAccountId).toBe(own.id);
  });

  it('a user with another account already keeps it as default when joining', async () => {
    const domain = uniqueDomain('keep');
    const { account } = await autoJoinAccount(domain);
    const sub = user('keep');
    const own = await newAccount(sub, 'Own');
    expect(await onSignUp({ sub, email: `k@${domain}`, emailVerified: true })).toBe('JOINED');
    expect(await getRole(sub, account.id)).toBe('MEMBER');
    expect((await getProfile(sub))?.defaultAccountId).toBe(own.id);
  });

  it("joining a child account by its domain indexes the membership under the child's parent", async () => {
    const domain = uniqueDomain('kid');
    const owner = user('owner');
    const parent = await newAccount(owner);
    const child = await newChild(owner, parent);
    await call({ ...patchDomain(child, domain), sub: owner, email: `o@${domain}` });
    await call({ ...patchMembership(child, true), sub: owner });
    const sub = user('kid');
    expect(await onSignUp({ sub, email: `k@${domain}`, emailVerified: true })).toBe('JOINED');
    const list = await call({ method: 'GET', path: '/accounts', sub });
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: child.id, role: 'MEMBER', type: 'CHILD' }),
    ]);
    const current = await call({ method: 'GET', path: '/accounts/current', sub });
    expect(current.body.id).toBe(child.id);
    expect((await getProfile(sub))?.defaultParentId).toBe(parent.id);
  });

  it('a guard written before guards carried the parent still joins a child under its parent', async () => {
    const domain = uniqueDomain('oldguard');
    const owner = user('owner');
    const parent = await newAccount(owner);
    const child = await newChild(owner, parent);
    await call({ ...patchDomain(child, domain), sub: owner, email: `o@${domain}` });
    await call({ ...patchMembership(child, true), sub: owner });
    await db.client.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.domain(domain),
        UpdateExpression: 'REMOVE parentId',
      }),
    );
    expect(await guardOf(domain)).not.toHaveProperty('parentId');

    const sub = user('oldguard');
    expect(await onSignUp({ sub, email: `k@${domain}`, emailVerified: true })).toBe('JOINED');
    const list = await call({ method: 'GET', path: '/accounts', sub });
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: child.id, role: 'MEMBER', type: 'CHILD' }),
    ]);
    expect((await getProfile(sub))?.defaultParentId).toBe(parent.id);

    // Auto-join switched off: an old guard still answers NO_MATCH.
    await call({ ...patchMembership(child, false), sub: owner });
    expect(await onSignUp({ sub: user('late'), email: `l@${domain}`, emailVerified: true })).toBe('NO_MATCH');
  });

  describe('the post-confirmation handler', () => {
    const event = (
      attributes: Record<string, string>,
      triggerSource = 'PostConfirmation_ConfirmSignUp',
    ): PostConfirmationTriggerEvent =>
      ({
        version: '1',
        region: 'local',
        userPoolId: 'local_pool',
        userName: attributes.email ?? 'x',
        callerContext: { awsSdkVersion: '1', clientId: 'client' },
        triggerSource,
        request: { userAttributes: attributes },
        response: {},
      }) as PostConfirmationTriggerEvent;

    it('returns the event, records the user and joins; a redelivery changes nothing', async () => {
      const domain = uniqueDomain('trigger');
      const { account } = await autoJoinAccount(domain);
      const sub = user('trig');
      const e = event({ sub, email: `t@${domain}`, email_verified: 'true' });
      expect(await postConfirmation(e)).toBe(e);
      expect(await getRole(sub, account.id)).toBe('MEMBER');
      const items = await db.scanAll();
      expect(await postConfirmation(e)).toBe(e);
      expect(await db.scanAll()).toEqual(items);
    });

    it('other trigger sources change nothing', async () => {
      const domain = uniqueDomain('forgot');
      await autoJoinAccount(domain);
      const sub = user('forgot');
      const e = event(
        { sub, email: `f@${domain}`, email_verified: 'true' },
        'PostConfirmation_ConfirmForgotPassword',
      );
      expect(await postConfirmation(e)).toBe(e);
      expect(await getProfile(sub)).toBeUndefined();
    });

    it('a store outage is retried by the SDK, then fails the trigger (Cognito reports it)', async () => {
      const closed = createServer();
      await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
      const { port } = closed.address() as { port: number };
      await new Promise((done) => closed.close(done));
      process.env.DYNAMODB_ENDPOINT = `http://127.0.0.1:${port}`;
      resetConfig();
      resetClient();
      try {
        const e = event({ sub: user('outage'), email: 'o@acme.com', email_verified: 'true' });
        await expect(postConfirmation(e)).rejects.toThrow();
      } finally {
        process.env.DYNAMODB_ENDPOINT = db.endpoint;
        resetConfig();
        resetClient();
      }
    });

    it('odd attributes never fail the sign-up', async () => {
      for (const attributes of [
        { sub: user('odd') },
        { sub: user('odd'), email: '@@@', email_verified: 'true' },
        { sub: user('odd'), email: `${'a'.repeat(300)}@${'b'.repeat(300)}.com`, email_verified: 'true' },
        { sub: user('odd'), email: 'x@[::1]', email_verified: 'true' },
        { email: 'nosub@acme.com', email_verified: 'true' },
      ]) {
        const e = event(attributes as Record<string, string>);
        await expect(postConfirmation(e)).resolves.toBe(e);
      }
    });
  });
});

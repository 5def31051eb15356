import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as postConfirmation } from '../../functions/triggers/post-confirmation';
import type { AccountRecord } from '../../lib/domain/account';
import { getAccount } from '../../lib/store/accounts';
import { grant } from '../support/fixtures';
import { apiClient } from '../support/http';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * Domain auto-join end to end: users sign up through the local identity provider (cognito-local),
 * which runs the real post-confirmation trigger through the local Lambda endpoint, and what they
 * can reach is then read over HTTP through the local gateway.
 */
let stack: TestStack;

const api = apiClient(() => stack.url);

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;

/** The event Cognito sends for a confirmed sign-up of the user behind this token. */
function confirmation(token: string): PostConfirmationTriggerEvent {
  const claims = claimsOf(token);
  return {
    version: '1',
    region: 'local',
    userPoolId: stack.userPoolId,
    userName: claims.sub as string,
    callerContext: { awsSdkVersion: 'local', clientId: stack.clientId },
    triggerSource: 'PostConfirmation_ConfirmSignUp',
    request: {
      userAttributes: {
        sub: claims.sub as string,
        email: claims.email as string,
        email_verified: String(claims.email_verified),
        'cognito:user_status': 'CONFIRMED',
      },
    },
    response: {},
  } as PostConfirmationTriggerEvent;
}

let owner: string;
let parentId: string;
let childIds: string[];

beforeAll(async () => {
  stack = await startTestStack();
  // The owner signs up before any account has acme.com: nothing to join.
  owner = await stack.token('owner@acme.com');
  const parent = await api(owner, 'POST', '/accounts', { company: 'Acme Inc', name: 'Acme HQ' });
  expect(parent.status).toBe(201);
  parentId = parent.body.id;
  childIds = [];
  for (const name of ['Acme EU', 'Acme US']) {
    const child = await api(owner, 'POST', '/accounts/create-child', { name, parentId });
    expect(child.status).toBe(201);
    childIds.push(child.body.id);
  }
  expect(
    (await api(owner, 'PATCH', `/accounts/${parentId}/domain`, { customerDomain: 'acme.com' })).status,
  ).toBe(200);
  expect(
    (await api(owner, 'PATCH', `/accounts/${parentId}/membership`, { allowDomainAutoJoin: true })).body,
  ).toMatchObject({ allowDomainAutoJoin: true, customerDomain: 'acme.com' });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('domain auto-join through the local identity provider', () => {
  it('a verified exact match joins the parent as MEMBER and reaches its children by inheritance', async () => {
    const bob = await stack.token('Bob@Acme.com');
    const list = await api(bob, 'GET', '/accounts');
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: { id: string }) => a.id).sort()).toEqual([parentId, ...childIds].sort());
    for (const account of list.body.items) expect(account.role).toBe('MEMBER');
    expect(list.body.items.find((a: { id: string }) => a.id === parentId).type).toBe('PARENT');

    // The joined account became the default of a user who had none.
    const current = await api(bob, 'GET', '/accounts/current');
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ id: parentId, role: 'MEMBER' });
    const child = await api(bob, 'GET', `/accounts/${childIds[0]}`);
    expect(child.body).toMatchObject({ id: childIds[0], type: 'CHILD', role: 'MEMBER' });
    expect((await api(bob, 'GET', `/accounts/${parentId}/membership`)).status).toBe(200);
  });

  it.each([
    ['unverified', 'carol@acme.com', true],
    ['a subdomain', 'dave@eu.acme.com', false],
    ['a look-alike suffix', 'eve@acme.com.evil.io', false],
    ['a look-alike prefix', 'frank@xacme.com', false],
    ['another domain', 'gina@other.io', false],
  ])('%s (%s) does not join, and still gets a token', async (_name, email, unverified) => {
    const token = await stack.token(email, { unverified });
    expect(claimsOf(token).email_verified === true).toBe(!unverified);
    expect((await api(token, 'GET', '/accounts')).body).toEqual({ items: [], nextCursor: null });
    expect((await api(token, 'GET', `/accounts/${parentId}`)).status).toBe(404);
    const current = await api(token, 'GET', '/accounts/current');
    expect(current.status).toBe(404);
    expect(current.body.error.code).toBe('NO_CURRENT_ACCOUNT');
  });

  it('auto-join off: no join; turning it on later adds nobody who signed up before', async () => {
    const betaOwner = await stack.token('owner@beta.io');
    const beta = await api(betaOwner, 'POST', '/accounts', { company: 'Beta', name: 'Beta' });
    expect(
      (await api(betaOwner, 'PATCH', `/accounts/${beta.body.id}/domain`, { customerDomain: 'beta.io' }))
        .status,
    ).toBe(200);
    const hank = await stack.token('hank@beta.io');
    expect((await api(hank, 'GET', `/accounts/${beta.body.id}`)).status).toBe(404);

    const on = await api(betaOwner, 'PATCH', `/accounts/${beta.body.id}/membership`, {
      allowDomainAutoJoin: true,
    });
    expect(on.status).toBe(200);
    expect((await api(hank, 'GET', `/accounts/${beta.body.id}`)).status).toBe(404);
    // A new sign-up now joins.
    const ivy = await stack.token('ivy@beta.io');
    expect((await api(ivy, 'GET', `/accounts/${beta.body.id}`)).body.role).toBe('MEMBER');
  });

  it('a second confirmation event for the same user changes nothing', async () => {
    const jane = await stack.token('jane@acme.com');
    expect((await api(jane, 'GET', `/accounts/${parentId}`)).body.role).toBe('MEMBER');
    const before = await stack.scanAll();
    const event = confirmation(jane);
    expect(await postConfirmation(event)).toEqual(event);
    expect(await stack.scanAll()).toEqual(before);
    expect((await api(jane, 'GET', '/accounts/current')).body).toMatchObject({
      id: parentId,
      role: 'MEMBER',
    });
  });

  it('an ADMIN (or the SUPER_ADMIN owner) who signs up again keeps their role', async () => {
    const kim = await stack.token('kim@acme.com');
    const sub = claimsOf(kim).sub as string;
    // The API has no invite route: the promotion is seeded in the store.
    await grant(sub, (await getAccount(parentId)) as AccountRecord, 'ADMIN');
    expect((await api(kim, 'GET', `/accounts/${parentId}`)).body.role).toBe('ADMIN');

    await postConfirmation(confirmation(kim));
    expect((await api(kim, 'GET', `/accounts/${parentId}`)).body.role).toBe('ADMIN');
    expect((await api(kim, 'GET', `/accounts/${childIds[0]}`)).body.role).toBe('ADMIN');

    await postConfirmation(confirmation(owner));
    expect((await api(owner, 'GET', `/accounts/${parentId}`)).body.role).toBe('SUPER_ADMIN');
  });

  it('the trigger never failed a sign-up along the way', () => {
    expect(stack.logs.filter((line) => /\[lambda\].*failed/.test(line))).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../lib/domain/account';
import { getAccount } from '../../lib/store/accounts';
import { grant } from '../support/fixtures';
import { apiClient } from '../support/http';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * Who may read and change an account's domain and membership settings, over HTTP through the local
 * stack: MEMBER (direct, or through the parent) reads the membership but gets 403 on both PATCHes;
 * a stranger gets 404 (nothing revealed); ADMIN and SUPER_ADMIN may change them. The shape of the
 * body is checked first (400 for anyone).
 */
let stack: TestStack;

const api = apiClient(() => stack.url);

const subOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')).sub;

const tokens: Record<string, string> = {};
let parentId: string;
let childId: string;

beforeAll(async () => {
  stack = await startTestStack();
  tokens.owner = await stack.token('owner@acme.com');
  parentId = (await api(tokens.owner, 'POST', '/accounts', { company: 'Acme', name: 'Acme HQ' })).body.id;
  childId = (await api(tokens.owner, 'POST', '/accounts/create-child', { name: 'Acme EU', parentId })).body
    .id;
  await api(tokens.owner, 'PATCH', `/accounts/${parentId}/domain`, { customerDomain: 'acme.com' });
  await api(tokens.owner, 'PATCH', `/accounts/${parentId}/membership`, { allowDomainAutoJoin: true });
  // A MEMBER by domain auto-join, on an acme.com address: owning the domain does not make them ADMIN.
  tokens.member = await stack.token('mia@acme.com');
  tokens.admin = await stack.token('adam@acme.com');
  await grant(subOf(tokens.admin), (await getAccount(parentId)) as AccountRecord, 'ADMIN');
  tokens.stranger = await stack.token('sam@acme.io');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const domainBody = { customerDomain: 'acme.com' };
const membershipBody = { allowDomainAutoJoin: false };

describe('roles on the domain and membership routes', () => {
  it('MEMBER (direct on the parent, inherited on the child): 403 on PATCH domain and PATCH membership', async () => {
    for (const id of [parentId, childId]) {
      for (const [path, body] of [
        [`/accounts/${id}/domain`, domainBody],
        [`/accounts/${id}/domain`, { customerDomain: null }],
        [`/accounts/${id}/membership`, membershipBody],
      ] as const) {
        const response = await api(tokens.member, 'PATCH', path, body);
        expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(403);
        expect(response.body.error.code).toBe('FORBIDDEN');
      }
    }
  });

  it('MEMBER: the role check comes before If-Match (403, not 412)', async () => {
    const response = await api(tokens.member, 'PATCH', `/accounts/${parentId}/membership`, membershipBody, {
      'if-match': '"v999"',
    });
    expect(response.status).toBe(403);
  });

  it('MEMBER reads the membership settings, with an ETag', async () => {
    for (const id of [parentId, childId]) {
      const response = await api(tokens.member, 'GET', `/accounts/${id}/membership`);
      expect(response.status).toBe(200);
      expect(response.etag).toMatch(/^"/);
      expect(response.body).toMatchObject({ customerId: id });
    }
    expect((await api(tokens.member, 'GET', `/accounts/${parentId}/membership`)).body).toMatchObject({
      allowDomainAutoJoin: true,
      customerDomain: 'acme.com',
    });
  });

  it('a stranger gets 404 on all three routes, for the parent, the child and an unknown id', async () => {
    for (const id of [parentId, childId, 'no-such-account']) {
      const answers = [
        await api(tokens.stranger, 'GET', `/accounts/${id}/membership`),
        await api(tokens.stranger, 'PATCH', `/accounts/${id}/membership`, membershipBody),
        await api(tokens.stranger, 'PATCH', `/accounts/${id}/domain`, { customerDomain: 'acme.io' }),
      ];
      for (const response of answers) {
        expect(response.status).toBe(404);
        expect(response.body.error.code).toBe('NOT_FOUND');
      }
    }
  });

  it('the body shape is checked before existence and role: 400 for a stranger and a MEMBER alike', async () => {
    for (const token of [tokens.stranger, tokens.member]) {
      const domain = await api(token, 'PATCH', `/accounts/${parentId}/domain`, {
        customerDomain: 'http://acme.com',
      });
      expect(domain.status).toBe(400);
      expect(domain.body.error.code).toBe('VALIDATION_FAILED');
      const membership = await api(token, 'PATCH', `/accounts/${parentId}/membership`, {
        allowDomainAutoJoin: 1,
      });
      expect(membership.status).toBe(400);
    }
  });

  it('no token: 401 from the gateway', async () => {
    const response = await api(undefined, 'PATCH', `/accounts/${parentId}/domain`, domainBody);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: 'Unauthorized' });
  });

  it('ADMIN (and through the parent, on the child) may change membership settings and the domain', async () => {
    const off = await api(tokens.admin, 'PATCH', `/accounts/${parentId}/membership`, membershipBody);
    expect(off.status).toBe(200);
    expect(off.body.allowDomainAutoJoin).toBe(false);
    // adam@acme.com owns acme.com: setting the same value is a no-op 200.
    const same = await api(tokens.admin, 'PATCH', `/accounts/${parentId}/domain`, domainBody);
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ customerDomain: 'acme.com', role: 'ADMIN' });
    // On the child: the ADMIN role flows down; acme.com is the parent's, so it is taken.
    const taken = await api(tokens.admin, 'PATCH', `/accounts/${childId}/domain`, domainBody);
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('DOMAIN_TAKEN');
    const childSettings = await api(tokens.admin, 'PATCH', `/accounts/${childId}/membership`, membershipBody);
    expect(childSettings.status).toBe(200);
  });

  it('SUPER_ADMIN may remove the domain once auto-join is off', async () => {
    const removed = await api(tokens.owner, 'PATCH', `/accounts/${parentId}/domain`, {
      customerDomain: null,
    });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ customerDomain: null, role: 'SUPER_ADMIN' });
  });
});

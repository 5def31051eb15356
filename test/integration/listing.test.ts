import { describe, expect, it } from 'vitest';
import { useTable } from '../support/dynamo';
import { call } from '../support/events';
import { grant, newAccount, newChild, user } from '../support/fixtures';

/** Cursor pagination over direct and inherited access, against DynamoDB Local. */
useTable();

async function listAll(sub: string, limit: number) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: Record<string, string> = { limit: String(limit), ...(cursor ? { cursor } : {}) };
    const page = await call({ method: 'GET', path: '/accounts', sub, query });
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.body.items.map((a: { id: string }) => a.id));
    cursor = page.body.nextCursor;
    pages++;
  } while (cursor && pages < 1000);
  return { ids, pages };
}

describe('GET /accounts', () => {
  it('lists 250 accessible accounts, direct and inherited, each exactly once in pages of 7', async () => {
    const sub = user('reader');
    const owner = user('owner');
    const expected = new Set<string>();
    // 3 parents the reader belongs to, with 60 children each (inherited) …
    for (let p = 0; p < 3; p++) {
      const parent = await newAccount(owner, `P${p}`);
      await grant(sub, parent, p === 0 ? 'ADMIN' : 'MEMBER');
      expected.add(parent.id);
      for (let c = 0; c < 60; c++) {
        const child = await newChild(owner, parent, `P${p}C${c}`);
        expected.add(child.id);
        // … some of which the reader also belongs to directly (listed once, under the parent).
        if (c % 10 === 0) await grant(sub, child, 'MEMBER');
      }
    }
    // … children of a parent the reader does not belong to, joined directly …
    const foreign = await newAccount(owner, 'Foreign');
    for (let c = 0; c < 20; c++) {
      const child = await newChild(owner, foreign, `F${c}`);
      await grant(sub, child, 'MEMBER');
      expected.add(child.id);
    }
    // … and standalone accounts of their own.
    while (expected.size < 250) expected.add((await newAccount(sub, `Own${expected.size}`)).id);

    const { ids, pages } = await listAll(sub, 7);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(expected);
    expect(pages).toBeGreaterThanOrEqual(36);

    // The order is stable: a second walk gives the same sequence.
    expect((await listAll(sub, 7)).ids).toEqual(ids);
    // And independent of the page size.
    expect((await listAll(sub, 100)).ids).toEqual(ids);
  }, 120_000);

  it('says nextCursor: null on the last page, also when it ends exactly at the last account', async () => {
    const sub = user('reader');
    const parent = await newAccount(sub, 'P');
    await newChild(sub, parent, 'C1');
    await newChild(sub, parent, 'C2');
    const exact = await call({ method: 'GET', path: '/accounts', sub, query: { limit: '3' } });
    expect(exact.body.items).toHaveLength(3);
    expect(exact.body.nextCursor).toBeNull();
    const { ids, pages } = await listAll(sub, 1);
    expect(ids).toHaveLength(3);
    expect(pages).toBe(3);
  });

  it('shows inherited children with the role on the parent, raised by a higher direct role', async () => {
    const sub = user('reader');
    const owner = user('owner');
    const parent = await newAccount(owner);
    await grant(sub, parent, 'MEMBER');
    const plain = await newChild(owner, parent, 'Plain');
    const raised = await newChild(owner, parent, 'Raised');
    await grant(sub, raised, 'ADMIN');
    const page = await call({ method: 'GET', path: '/accounts', sub });
    const roles = Object.fromEntries(
      page.body.items.map((a: { id: string; role: string }) => [a.id, a.role]),
    );
    expect(roles).toEqual({ [parent.id]: 'MEMBER', [plain.id]: 'MEMBER', [raised.id]: 'ADMIN' });
  });

  it.each([
    ['a tampered cursor', (c: string) => `${c.slice(0, -2)}xx`],
    ['a made-up cursor', () => 'eyJhIjoiIn0.abc'],
    ['garbage', () => '%%%'],
  ])('rejects %s with 400 VALIDATION_FAILED', async (_name, forge) => {
    const sub = user('reader');
    await newAccount(sub, 'A');
    await newAccount(sub, 'B');
    const first = await call({ method: 'GET', path: '/accounts', sub, query: { limit: '1' } });
    const response = await call({
      method: 'GET',
      path: '/accounts',
      sub,
      query: { cursor: forge(first.body.nextCursor) },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it("rejects another caller's cursor", async () => {
    const alice = user('alice');
    await newAccount(alice, 'A');
    await newAccount(alice, 'B');
    const first = await call({ method: 'GET', path: '/accounts', sub: alice, query: { limit: '1' } });
    const response = await call({
      method: 'GET',
      path: '/accounts',
      sub: user('mallory'),
      query: { cursor: first.body.nextCursor },
    });
    expect(response.status).toBe(400);
  });

  it.each(['0', '101', '-1', '1.5', 'ten', '', '5,6', ' 5'])('rejects limit=%j', async (limit) => {
    const response = await call({ method: 'GET', path: '/accounts', sub: user('x'), query: { limit } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('ignores unknown query parameters', async () => {
    const response = await call({
      method: 'GET',
      path: '/accounts',
      sub: user('x'),
      query: { limit: '5', sort: 'name' },
    });
    expect(response.status).toBe(200);
  });
});

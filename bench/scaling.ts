/**
 * Does cost grow with the work or with the table? GET /accounts walked page by page (limit 50) for
 * users with 10, 100 and 1,000 accessible accounts, and DELETE of a child with 0, 100 and 1,000
 * members, each in a table that also holds tens of thousands of unrelated items. The smallest cases
 * are also measured before that bulk is written: the same figures on a small and a large table
 * say the cost follows the work.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AccountRecord } from '../lib/domain/account';
import { apiEvent } from '../test/support/events';
import { account, newId, type Seeder } from './fixtures';
import { baselineFile, lambdaContext, loadHandler, oursFile } from './latency';
import { type DdbCall, median, recorded, round, roundTrips } from './measure';

type Handler = Awaited<ReturnType<typeof loadHandler>>;

export interface ScalingFigures {
  ddbRequests: number;
  sequentialRoundTrips: number;
  consumedCapacity: number;
  ms: number;
  pages?: number;
}

export interface ScalingRow extends ScalingFigures {
  case: string;
  n: number;
  tableItems: number;
  baseline: ScalingFigures;
}

const REPEAT = 3;

interface Walk {
  pages: { calls: DdbCall[]; ms: number }[];
  items: [string, string][];
}

export async function walk(handler: Handler, sub: string): Promise<Walk> {
  const pages: Walk['pages'] = [];
  const items: [string, string][] = [];
  let cursor: string | undefined;
  do {
    const event = apiEvent({
      method: 'GET',
      path: '/accounts',
      sub,
      query: cursor ? { limit: '50', cursor } : { limit: '50' },
    });
    const run = await recorded(() => handler(event, lambdaContext));
    const result = run.value as { statusCode: number; body: string };
    if (result.statusCode !== 200)
      throw new Error(`GET /accounts answered ${result.statusCode}: ${result.body}`);
    const body = JSON.parse(result.body) as {
      items: { id: string; role: string }[];
      nextCursor: string | null;
    };
    items.push(...body.items.map((a): [string, string] => [a.id, a.role]));
    pages.push({ calls: run.calls, ms: run.ms });
    cursor = body.nextCursor ?? undefined;
  } while (cursor && pages.length < 1000);
  return { pages, items };
}

const figures = (pages: { calls: DdbCall[] }[], ms: number): ScalingFigures => ({
  ddbRequests: pages.reduce((s, p) => s + p.calls.length, 0),
  sequentialRoundTrips: pages.reduce((s, p) => s + roundTrips(p.calls), 0),
  consumedCapacity: round(pages.reduce((s, p) => s + p.calls.reduce((c, call) => c + call.capacity, 0), 0)),
  ms: round(ms, 2),
});

/**
 * A user with n accessible accounts, half of them inherited: max(1, n/100) parents (direct ADMIN)
 * with n/2 children between them (each parent's first child also a direct SUPER_ADMIN membership),
 * the rest standalone accounts (direct MEMBER).
 */
export function listFixture(seed: Seeder, n: number, label: string): string {
  const sub = `bench-scale-list-${label}-${n}`;
  const parents = Math.max(1, Math.round(n / 100));
  const children = Math.floor(n / 2);
  const direct = n - children;
  // Ids fix the order, so the same n gives the same pages on every run and every table: the
  // parents spread evenly among the direct memberships, the children (and the direct membership
  // on each parent's first child) after them all.
  const id = (prefix: string, i: number) => `${prefix}${String(i).padStart(4, '0')}${newId()}`;
  const parentAt = new Set(
    Array.from({ length: parents }, (_, p) => Math.floor(((p + 0.5) * direct) / parents)),
  );
  let p = 0;
  for (let i = 0; i < direct; i++) {
    if (parentAt.has(i)) {
      const parent = account({ id: id('d', i), name: `Scale parent ${p}` });
      const share = Math.floor(children / parents) + (p < children % parents ? 1 : 0);
      parent.childCount = share;
      const kids = Array.from({ length: share }, (_, k) =>
        account({ id: id(`z${p}`, k), name: `Scale child ${k}`, parentId: parent.id }),
      );
      seed.accounts(parent, ...kids).member(sub, parent, 'ADMIN');
      if (kids[0]) seed.member(sub, kids[0], 'SUPER_ADMIN');
      p++;
    } else {
      const a = account({ id: id('d', i), name: `Scale standalone ${i}` });
      seed.accounts(a).member(sub, a, 'MEMBER');
    }
  }
  seed.profile(sub);
  return sub;
}

export async function listCase(
  seed: Seeder,
  handlers: { ours: Handler; base: Handler },
  n: number,
  tableItems: () => Promise<number>,
  label: string,
): Promise<{ rows: ScalingRow[]; sameItems: boolean }> {
  const sub = listFixture(seed, n, label);
  await seed.flush();
  const items = await tableItems();
  const runs = { ours: [] as Walk[], base: [] as Walk[] };
  for (let r = 0; r < REPEAT; r++) {
    runs.ours.push(await walk(handlers.ours, sub));
    runs.base.push(await walk(handlers.base, sub));
  }
  const sameItems =
    runs.ours.every((w) => w.items.length === n) &&
    isDeepStrictEqual(runs.ours[0]?.items, runs.base[0]?.items);
  const first = (list: Walk[]) =>
    figures([list[0]?.pages[0] as Walk['pages'][number]], median(list.map((w) => w.pages[0]?.ms ?? 0)));
  const all = (list: Walk[]) => ({
    ...figures(list[0]?.pages ?? [], median(list.map((w) => w.pages.reduce((s, p) => s + p.ms, 0)))),
    pages: list[0]?.pages.length ?? 0,
  });
  return {
    sameItems,
    rows: [
      {
        case: 'GET /accounts first page (limit 50)',
        n,
        tableItems: items,
        ...first(runs.ours),
        baseline: first(runs.base),
      },
      {
        case: 'GET /accounts all pages (limit 50)',
        n,
        tableItems: items,
        ...all(runs.ours),
        baseline: all(runs.base),
      },
    ],
  };
}

/** REPEAT children per side under one parent, each with n direct members; each is deleted once. */
export async function deleteCase(
  seed: Seeder,
  handlers: { ours: Handler; base: Handler },
  n: number,
  tableItems: () => Promise<number>,
  label: string,
): Promise<ScalingRow> {
  const owner = `bench-scale-delete-${label}-${n}`;
  const parent = account({ name: 'Scale delete parent' });
  // One more child than is deleted, so the parent never flips back to STANDALONE here.
  const children = seed.parentWithChildren(parent, 2 * REPEAT + 1);
  seed.member(owner, parent, 'SUPER_ADMIN').profile(owner, parent);
  children.forEach((child, k) => {
    for (let j = 0; j < n; j++) seed.member(`bench-scale-member-${label}-${n}-${k}-${j}`, child, 'MEMBER');
  });
  await seed.flush();
  const items = await tableItems();
  const one = async (handler: Handler, child: AccountRecord) => {
    const event = apiEvent({ method: 'DELETE', path: `/accounts/${child.id}`, sub: owner });
    const run = await recorded(() => handler(event, lambdaContext));
    const status = (run.value as { statusCode: number }).statusCode;
    if (status !== 204) throw new Error(`DELETE answered ${status}`);
    return run;
  };
  const ours: Awaited<ReturnType<typeof one>>[] = [];
  const base: Awaited<ReturnType<typeof one>>[] = [];
  for (let r = 0; r < REPEAT; r++) {
    ours.push(await one(handlers.ours, children[2 * r] as AccountRecord));
    base.push(await one(handlers.base, children[2 * r + 1] as AccountRecord));
  }
  const of = (list: typeof ours) =>
    figures([list[0] as (typeof ours)[number]], median(list.map((r) => r.ms)));
  return {
    case: 'DELETE /accounts/{id} child with n members',
    n,
    tableItems: items,
    ...of(ours),
    baseline: of(base),
  };
}

export async function scalingHandlers() {
  const [listOurs, listBase, delOurs, delBase] = await Promise.all([
    loadHandler(oursFile('functions/accounts/list')),
    loadHandler(baselineFile('list-accounts')),
    loadHandler(oursFile('functions/accounts/delete')),
    loadHandler(baselineFile('delete-account')),
  ]);
  return { list: { ours: listOurs, base: listBase }, delete: { ours: delOurs, base: delBase } };
}

/** Unrelated users, each with an account, a membership, a profile and preferences: 4 items each. */
export async function seedBulk(seed: Seeder, users: number): Promise<void> {
  for (let u = 0; u < users; u++) {
    const sub = `bench-bulk-${u}`;
    const a = account({ name: `Bulk ${u}` });
    seed
      .accounts(a)
      .member(sub, a, 'SUPER_ADMIN')
      .profile(sub, a)
      .preferences(sub, [{ notificationType: 'account.child_created', channel: 'email' }]);
    if (u % 1000 === 999) await seed.flush();
  }
  await seed.flush();
}

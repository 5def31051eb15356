/**
 * GET /accounts at its floor: the same order and the same items as the project's listing (direct
 * memberships in account-id order, each parent followed by its children), read in at most three
 * waves per page: the memberships (one Query), their accounts (one BatchGetItem), then the children
 * of every parent on the page in parallel (one Query each). The caller's role on a parent is its
 * membership, already read; their direct roles on its children come from the memberships too when
 * the first page read all of them, else from one Query on gsi2 beside the children's.
 */
import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AccessibleAccount, AccountRecord } from '../../lib/domain/account';
import { effectiveRole, type Role } from '../../lib/domain/roles';
import { type MembershipRecord, toAccount, toMembership } from '../../lib/store/items';
import { keys } from '../../lib/store/keys';
import { batchGet, ddb, Fail, getItem, itemOf, roleOf, TableName } from './shared';

interface Position {
  a: string;
  p?: string;
  c?: string;
}

export interface Page {
  items: AccessibleAccount[];
  nextCursor: string | null;
}

interface Children {
  role: Role | undefined;
  children: AccountRecord[];
  more: boolean;
  direct: Map<string, Role>;
}

export async function listPage(sub: string, limit: number, cursor?: string): Promise<Page> {
  const pos: Position = cursor ? decodeCursor(sub, cursor) : { a: '' };
  const items: AccessibleAccount[] = [];
  const firstPage = !cursor;
  let resume = pos.p !== undefined ? { parentId: pos.p, after: pos.c } : undefined;
  let more = true;

  /** Adds a parent's children after `after`; false when the page filled before they were all listed. */
  const addChildren = (parentId: string, page: Children): boolean => {
    const room = limit - items.length;
    // No role on the parent any more (the membership went away between pages): nothing to inherit.
    const taken = page.role ? page.children.slice(0, room) : [];
    for (const child of taken) {
      items.push({ account: child, role: effectiveRole(page.direct.get(child.id), page.role) as Role });
      pos.c = child.id;
    }
    if (page.role && taken.length === room && (page.children.length > room || page.more)) {
      pos.p = parentId;
      return false;
    }
    pos.p = undefined;
    pos.c = undefined;
    return true;
  };

  while (items.length < limit && (resume || more)) {
    const room = limit - items.length;
    const [direct, resumed]: [Direct, Children | undefined] = await Promise.all([
      more ? queryMemberships(sub, pos.a, room) : { memberships: [], more: false },
      resume ? loadChildren(sub, resume.parentId, resume.after, room) : undefined,
    ]);
    if (resume && resumed) {
      const done = addChildren(resume.parentId, resumed);
      resume = undefined;
      if (!done) break;
    }
    // Read the accounts of only as many memberships as can still fit (the resumed children may
    // have taken some of the room the memberships were asked for).
    const memberships = direct.memberships.slice(0, limit - items.length);
    more = direct.more || memberships.length < direct.memberships.length;
    if (memberships.length === 0) continue;
    const everyMembership = firstPage && pos.a === '' && !more;

    const fetched = new Map(memberships.map((m) => [m.accountId, m]));
    const found = await batchGet([
      ...memberships.map((m) => keys.account(m.accountId)),
      ...memberships.flatMap((m) =>
        m.parentId && !fetched.has(m.parentId) ? [keys.membership(sub, m.parentId)] : [],
      ),
    ]);
    const hasParentMembership = (m: MembershipRecord) =>
      m.parentId !== null && (fetched.has(m.parentId) || !!itemOf(found, keys.membership(sub, m.parentId)));

    // The children of every parent that may still fit on the page, in parallel.
    const wanted: { parent: MembershipRecord; bound: number }[] = [];
    let listed = items.length;
    for (const m of memberships) {
      const row = itemOf(found, keys.account(m.accountId));
      if (!row || hasParentMembership(m)) continue;
      listed++;
      if (toAccount(row).childCount > 0 && limit - listed > 0)
        wanted.push({ parent: m, bound: limit - listed });
    }
    const childPages = new Map(
      await Promise.all(
        wanted.map(
          async ({ parent, bound }) =>
            [
              parent.accountId,
              await loadChildren(
                sub,
                parent.accountId,
                undefined,
                bound,
                parent.role,
                everyMembership ? directRolesFrom(memberships, parent.accountId) : undefined,
              ),
            ] as const,
        ),
      ),
    );

    let processed = 0;
    for (const m of memberships) {
      if (items.length >= limit) break;
      processed++;
      pos.a = m.accountId;
      const row = itemOf(found, keys.account(m.accountId));
      if (!row || hasParentMembership(m)) continue;
      const account = toAccount(row);
      items.push({ account, role: m.role });
      if (account.childCount > 0) {
        pos.p = account.id;
        pos.c = undefined;
        const page = childPages.get(account.id);
        if (!page || !addChildren(account.id, page)) break;
      }
    }
    if (processed < memberships.length || pos.p !== undefined) more = true;
  }
  return { items, nextCursor: pos.p !== undefined || more ? encodeCursor(sub, pos) : null };
}

interface Direct {
  memberships: MembershipRecord[];
  more: boolean;
}

async function queryMemberships(sub: string, after: string, limit: number): Promise<Direct> {
  const page = await ddb().send(
    new QueryCommand({
      TableName: TableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.userPk(sub), ':prefix': keys.membershipPrefix },
      ExclusiveStartKey: after ? keys.membership(sub, after) : undefined,
      Limit: limit,
    }),
  );
  return { memberships: (page.Items ?? []).map(toMembership), more: page.LastEvaluatedKey !== undefined };
}

function directRolesFrom(memberships: MembershipRecord[], parentId: string): Map<string, Role> {
  return new Map(memberships.filter((m) => m.parentId === parentId).map((m) => [m.accountId, m.role]));
}

/** The children of a parent after `after`, with the caller's role on it and direct roles on them. */
async function loadChildren(
  sub: string,
  parentId: string,
  after: string | undefined,
  limit: number,
  knownRole?: Role,
  knownDirect?: Map<string, Role>,
): Promise<Children> {
  const [role, page, direct] = await Promise.all([
    knownRole ?? getItem(keys.membership(sub, parentId)).then(roleOf),
    ddb().send(
      new QueryCommand({
        TableName: TableName(),
        ...keyAfter('gsi1', keys.childrenOf(parentId), after),
        Limit: limit,
      }),
    ),
    knownDirect ?? directRoles(sub, parentId, after),
  ]);
  return {
    role,
    children: (page.Items ?? []).map(toAccount),
    more: page.LastEvaluatedKey !== undefined,
    direct,
  };
}

async function directRoles(
  sub: string,
  parentId: string,
  after: string | undefined,
): Promise<Map<string, Role>> {
  const roles = new Map<string, Role>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new QueryCommand({
        TableName: TableName(),
        ...keyAfter('gsi2', keys.childMembershipsOf(sub, parentId), after),
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) roles.set(item.accountId as string, item.role as Role);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return roles;
}

function keyAfter(index: 'gsi1' | 'gsi2', partition: string, sortKey: string | undefined) {
  return {
    IndexName: index,
    KeyConditionExpression: `${index}pk = :pk${sortKey ? ` AND ${index}sk > :after` : ''}`,
    ExpressionAttributeValues: { ':pk': partition, ...(sortKey ? { ':after': sortKey } : {}) },
  };
}

/** The project's cursor format, so a cursor from either side means the same position. */
const digest = (sub: string, body: string): string =>
  createHash('sha256').update(`accounts\u0000${sub}\u0000${body}`).digest('base64url').slice(0, 22);

function encodeCursor(sub: string, pos: Position): string {
  const body = Buffer.from(JSON.stringify(pos)).toString('base64url');
  return `${body}.${digest(sub, body)}`;
}

function decodeCursor(sub: string, cursor: string): Position {
  const [body, mac, extra] = cursor.split('.');
  if (body && mac && extra === undefined && mac === digest(sub, body)) {
    try {
      const value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      if (typeof value?.a === 'string') return value as Position;
    } catch {
      // rejected below
    }
  }
  throw new Fail(400, 'VALIDATION_FAILED', 'Invalid query parameters', [
    { path: 'cursor', message: 'Not a cursor issued for this listing' },
  ]);
}

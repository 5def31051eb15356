import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AccessibleAccount } from '../domain/account';
import { DomainError } from '../domain/errors';
import { effectiveRole, type Role } from '../domain/roles';
import { getRole } from './accounts';
import { batchGet, itemOf } from './batch';
import { ddb, tableName } from './client';
import { toAccount, toMembership } from './items';
import { keys } from './keys';

/**
 * A user's accessible accounts, one page at a time, in a stable order: their direct memberships in
 * account-id order, each parent immediately followed by its children in id order. A direct
 * membership on a child whose parent the user also belongs to is skipped there, because the child
 * is listed under its parent (with the higher of the two roles) — so every account appears once.
 *
 * The cursor records where the walk stopped: the last direct membership listed (`a`) and, inside a
 * parent's children, that parent (`p`) and the last child listed (`c`), and whether any direct
 * membership follows (`e`).
 */
interface Position {
  a: string;
  p?: string;
  c?: string;
  /** Set when no direct membership follows `a`, so a page that ends a parent's children can say so. */
  e?: true;
}

export interface Page {
  items: AccessibleAccount[];
  nextCursor: string | null;
}

/** A direct membership read for the page: its account, or nothing when it is not listed here. */
interface Direct {
  accountId: string;
  listed?: AccessibleAccount;
}

/**
 * Each read asks for one item more than the page has room for, so the walk knows whether anything
 * follows and the last page says `nextCursor: null`. Per page: one Query of memberships and one
 * BatchGet of their accounts; for a parent, its children and the caller's direct roles on them
 * (two Queries side by side).
 */
export async function listAccessible(sub: string, limit: number, cursor?: string): Promise<Page> {
  const position: Position = cursor ? decodeCursor(sub, cursor) : { a: '' };
  const items: AccessibleAccount[] = [];
  let queue: Direct[] = [];
  let moreDirect = !position.e;
  /** The caller's role on `position.p`, when this request listed that parent itself. */
  let parentRole: Role | undefined;

  while (items.length < limit) {
    if (position.p !== undefined) {
      const done = await listChildren(sub, position, limit - items.length, items, parentRole);
      if (!done) break;
      position.p = position.c = parentRole = undefined;
      continue;
    }
    if (queue.length === 0) {
      if (!moreDirect) break;
      ({ queue, more: moreDirect } = await readDirect(sub, position.a, limit - items.length));
      continue;
    }
    const next = queue.shift() as Direct;
    position.a = next.accountId;
    if (!next.listed) continue;
    items.push(next.listed);
    if (next.listed.account.childCount > 0) {
      position.p = next.listed.account.id;
      parentRole = next.listed.role;
    }
  }
  const directLeft = queue.length > 0 || moreDirect;
  if (!directLeft && position.p === undefined) return { items, nextCursor: null };
  return { items, nextCursor: encodeCursor(sub, { ...position, e: directLeft ? undefined : true }) };
}

/**
 * The next direct memberships after account `after`, with their accounts and, for memberships on
 * children, whether the caller also belongs to the parent (then the child is listed under it).
 */
async function readDirect(
  sub: string,
  after: string,
  room: number,
): Promise<{ queue: Direct[]; more: boolean }> {
  const page = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.userPk(sub), ':prefix': keys.membershipPrefix },
      ExclusiveStartKey: after ? keys.membership(sub, after) : undefined,
      Limit: room + 1,
    }),
  );
  const memberships = (page.Items ?? []).map(toMembership);
  const more = page.LastEvaluatedKey !== undefined || memberships.length > room;
  if (memberships.length === 0) return { queue: [], more };
  const found = await batchGet([
    ...memberships.map((m) => keys.account(m.accountId)),
    ...memberships.flatMap((m) => (m.parentId ? [keys.membership(sub, m.parentId)] : [])),
  ]);
  const queue = memberships.map((m): Direct => {
    const row = itemOf(found, keys.account(m.accountId));
    // Deleted a moment ago (grants nothing), or listed under its parent.
    if (!row || (m.parentId && itemOf(found, keys.membership(sub, m.parentId))))
      return { accountId: m.accountId };
    return { accountId: m.accountId, listed: { account: toAccount(row), role: m.role } };
  });
  return { queue, more };
}

/** Lists the children of `position.p` after `position.c`; true when they are all listed. */
async function listChildren(
  sub: string,
  position: Position,
  room: number,
  into: AccessibleAccount[],
  knownParentRole: Role | undefined,
): Promise<boolean> {
  const parentId = position.p as string;
  const [onParent, page, directOnChildren] = await Promise.all([
    knownParentRole ?? getRole(sub, parentId),
    ddb().send(
      new QueryCommand({
        TableName: tableName(),
        ...keyAfter('gsi1', keys.childrenOf(parentId), position.c),
        Limit: room + 1,
      }),
    ),
    directRolesOnChildren(sub, parentId, position.c),
  ]);
  if (!onParent) return true; // the membership went away between pages: nothing more to inherit
  const children = (page.Items ?? []).map(toAccount);
  for (const child of children.slice(0, room)) {
    into.push({ account: child, role: effectiveRole(directOnChildren.get(child.id), onParent) as Role });
    position.c = child.id;
  }
  return page.LastEvaluatedKey === undefined && children.length <= room;
}

/** A key condition on an index partition, after a sort key when there is one (keys cannot be empty). */
function keyAfter(index: 'gsi1' | 'gsi2', partition: string, sortKey: string | undefined) {
  return {
    IndexName: index,
    KeyConditionExpression: `${index}pk = :pk${sortKey ? ` AND ${index}sk > :after` : ''}`,
    ExpressionAttributeValues: { ':pk': partition, ...(sortKey ? { ':after': sortKey } : {}) },
  };
}

/** The user's direct roles on children of one parent (usually none): one query on gsi2. */
async function directRolesOnChildren(
  sub: string,
  parentId: string,
  afterId: string | undefined,
): Promise<Map<string, Role>> {
  const roles = new Map<string, Role>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        ...keyAfter('gsi2', keys.childMembershipsOf(sub, parentId), afterId),
        ExclusiveStartKey,
      }),
    );
    for (const item of page.Items ?? []) roles.set(item.accountId as string, item.role as Role);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return roles;
}

/**
 * Cursors are opaque, bound to the caller and to this listing, and integrity-checked: anything
 * this API did not issue to this caller is rejected. They are not capabilities: every read behind
 * one is scoped to the caller's own memberships, so no cursor can reach another user's data.
 */
const LISTING = 'accounts';
const digest = (sub: string, body: string): string =>
  createHash('sha256').update(`${LISTING}\u0000${sub}\u0000${body}`).digest('base64url').slice(0, 22);

function encodeCursor(sub: string, position: Position): string {
  const body = Buffer.from(JSON.stringify(position)).toString('base64url');
  return `${body}.${digest(sub, body)}`;
}

function decodeCursor(sub: string, cursor: string): Position {
  const [body, mac, extra] = cursor.split('.');
  if (body && mac && extra === undefined && mac === digest(sub, body)) {
    try {
      const value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      if (typeof value?.a === 'string') return value as Position;
    } catch {
      // falls through to the rejection below
    }
  }
  throw new DomainError('VALIDATION_FAILED', 'Invalid query parameters', [
    { path: 'cursor', message: 'Not a cursor issued for this listing' },
  ]);
}

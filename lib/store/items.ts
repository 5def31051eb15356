import type { AccountRecord } from '../domain/account';
import type { Role } from '../domain/roles';
import { keys } from './keys';

/** Item ⇄ entity mapping. Keys and index attributes are added here and stripped on the way out. */

export function accountItem(account: AccountRecord): Record<string, unknown> {
  const { parentId, customerDomain, ...rest } = account;
  return {
    ...keys.account(account.id),
    ...(parentId ? keys.childIndex(parentId, account.id) : {}),
    entity: 'account',
    ...rest,
    // Absent rather than null, so conditions can say attribute_not_exists(parentId).
    ...(parentId ? { parentId } : {}),
    ...(customerDomain ? { customerDomain } : {}),
  };
}

export function toAccount(item: Record<string, unknown>): AccountRecord {
  return {
    id: item.id as string,
    company: item.company as string,
    name: item.name as string,
    customerDomain: (item.customerDomain as string | undefined) ?? null,
    parentId: (item.parentId as string | undefined) ?? null,
    childCount: (item.childCount as number | undefined) ?? 0,
    allowDomainAutoJoin: (item.allowDomainAutoJoin as boolean | undefined) ?? false,
    version: (item.version as number | undefined) ?? 1,
    settingsVersion: (item.settingsVersion as number | undefined) ?? 1,
    settingsUpdatedAt: (item.settingsUpdatedAt as string | undefined) ?? (item.createdAt as string),
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
  };
}

export interface MembershipRecord {
  sub: string;
  accountId: string;
  /** Set when the account is a child: lets listings find direct roles on inherited children. */
  parentId: string | null;
  role: Role;
  createdAt: string;
}

export function membershipItem(m: MembershipRecord): Record<string, unknown> {
  return {
    ...keys.membership(m.sub, m.accountId),
    ...keys.memberIndex(m.accountId, m.sub),
    ...(m.parentId ? keys.childMembershipIndex(m.sub, m.parentId, m.accountId) : {}),
    entity: 'membership',
    sub: m.sub,
    accountId: m.accountId,
    ...(m.parentId ? { parentId: m.parentId } : {}),
    role: m.role,
    createdAt: m.createdAt,
  };
}

export function toMembership(item: Record<string, unknown>): MembershipRecord {
  return {
    sub: item.sub as string,
    accountId: item.accountId as string,
    parentId: (item.parentId as string | undefined) ?? null,
    role: item.role as Role,
    createdAt: item.createdAt as string,
  };
}

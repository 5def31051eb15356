import type { Role } from './roles';

export type AccountType = 'STANDALONE' | 'PARENT' | 'CHILD';

/** An account as stored: `type` is never stored, it is derived from parentId and childCount. */
export interface AccountRecord {
  id: string;
  company: string;
  name: string;
  customerDomain: string | null;
  parentId: string | null;
  childCount: number;
  allowDomainAutoJoin: boolean;
  /** Bumped on every change of what GET /accounts/:id shows (the account's ETag). */
  version: number;
  /** Bumped on every change of what GET /accounts/:id/membership shows (its ETag). */
  settingsVersion: number;
  settingsUpdatedAt: string;
  createdAt: string;
  updatedAt: string;
}

/** An account together with the caller's effective role on it. */
export interface AccessibleAccount {
  account: AccountRecord;
  role: Role;
}

export const accountType = (account: Pick<AccountRecord, 'parentId' | 'childCount'>): AccountType =>
  account.parentId ? 'CHILD' : account.childCount > 0 ? 'PARENT' : 'STANDALONE';

/**
 * Account ids are opaque URL-safe strings of at most 64 characters; anything else cannot name an
 * account (and is answered like an unknown one).
 */
export const isAccountId = (value: string): boolean => /^[A-Za-z0-9_-]{1,64}$/.test(value);

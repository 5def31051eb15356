import { describe, expect, it } from 'vitest';
import { accountType } from '../../lib/domain/account';
import { atLeast, effectiveRole } from '../../lib/domain/roles';

describe('roles', () => {
  it.each([
    ['MEMBER', 'MEMBER', true],
    ['MEMBER', 'ADMIN', false],
    ['ADMIN', 'ADMIN', true],
    ['SUPER_ADMIN', 'ADMIN', true],
    ['ADMIN', 'SUPER_ADMIN', false],
  ] as const)('%s satisfies %s: %s', (role, required, expected) => {
    expect(atLeast(role, required)).toBe(expected);
  });

  it.each([
    [undefined, undefined, undefined],
    ['MEMBER', undefined, 'MEMBER'],
    [undefined, 'ADMIN', 'ADMIN'],
    ['ADMIN', 'MEMBER', 'ADMIN'],
    ['MEMBER', 'SUPER_ADMIN', 'SUPER_ADMIN'],
  ] as const)('effective role of direct %s and parent %s is %s', (direct, onParent, expected) => {
    expect(effectiveRole(direct, onParent)).toBe(expected);
  });
});

describe('account type is derived from state', () => {
  it.each([
    [{ parentId: null, childCount: 0 }, 'STANDALONE'],
    [{ parentId: null, childCount: 3 }, 'PARENT'],
    [{ parentId: 'p', childCount: 0 }, 'CHILD'],
  ])('%o is %s', (state, type) => {
    expect(accountType(state)).toBe(type);
  });
});

/** Roles are ordered: MEMBER < ADMIN < SUPER_ADMIN. "ADMIN required" admits SUPER_ADMIN too. */
export const ROLES = ['MEMBER', 'ADMIN', 'SUPER_ADMIN'] as const;
export type Role = (typeof ROLES)[number];

const rank = (role: Role): number => ROLES.indexOf(role);

export const atLeast = (role: Role, required: Role): boolean => rank(role) >= rank(required);

export function higher(a: Role | undefined, b: Role | undefined): Role | undefined {
  if (!a) return b;
  if (!b) return a;
  return rank(a) >= rank(b) ? a : b;
}

/**
 * Effective role on an account: the higher of the direct role on it and the direct role on its
 * parent. Roles flow down from a parent to its children, never up.
 */
export const effectiveRole = (direct: Role | undefined, onParent: Role | undefined): Role | undefined =>
  higher(direct, onParent);

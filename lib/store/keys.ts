/**
 * Every key format of the single table lives here, beside the access pattern it serves.
 * Nothing outside lib/store builds or parses a key.
 *
 * | item              | pk                 | sk               | gsi1pk / gsi1sk            | gsi2pk / gsi2sk                 |
 * |-------------------|--------------------|------------------|----------------------------|---------------------------------|
 * | account           | ACCOUNT#<id>       | ACCOUNT          | CHILDREN#<parentId> / <id> | –                               |
 * | membership        | USER#<sub>         | MEMBER#<account> | MEMBERS#<account> / <sub>  | USER#<sub>#PARENT#<parentId> / <account> (children only) |
 * | user profile      | USER#<sub>         | PROFILE          | –                          | –                               |
 * | preferences       | USER#<sub>         | PREFERENCES      | –                          | –                               |
 * | domain guard      | DOMAIN#<domain>    | DOMAIN           | –                          | –                               |
 * | idempotency       | IDEMPOTENCY#<hash> | IDEMPOTENCY      | –                          | –                               |
 *
 * Access patterns:
 * - an account by id: GetItem account(id)
 * - the children of a parent, in id order: Query gsi1 CHILDREN#<parentId> (only children carry gsi1 on account items)
 * - a user's direct memberships, in account-id order: Query pk USER#<sub>, sk begins_with MEMBER#
 * - a user's membership on one account: GetItem membership(sub, account)
 * - the members of an account (to delete it): Query gsi1 MEMBERS#<account>
 * - a user's direct memberships on the children of one parent (their direct role on inherited
 *   children while listing): Query gsi2 USER#<sub>#PARENT#<parentId>
 * - a user's profile (default account) and preferences: GetItem
 * - the account owning a domain (uniqueness guard, claimed in the same transaction that sets it)
 * - idempotency records, expired by TTL
 */
export interface Key {
  pk: string;
  sk: string;
}

export const keys = {
  account: (id: string): Key => ({ pk: `ACCOUNT#${id}`, sk: 'ACCOUNT' }),
  childIndex: (parentId: string, childId: string) => ({ gsi1pk: `CHILDREN#${parentId}`, gsi1sk: childId }),
  childrenOf: (parentId: string): string => `CHILDREN#${parentId}`,

  membership: (sub: string, accountId: string): Key => ({ pk: `USER#${sub}`, sk: `MEMBER#${accountId}` }),
  userPk: (sub: string): string => `USER#${sub}`,
  membershipPrefix: 'MEMBER#',
  memberIndex: (accountId: string, sub: string) => ({ gsi1pk: `MEMBERS#${accountId}`, gsi1sk: sub }),
  membersOf: (accountId: string): string => `MEMBERS#${accountId}`,
  childMembershipIndex: (sub: string, parentId: string, accountId: string) => ({
    gsi2pk: `USER#${sub}#PARENT#${parentId}`,
    gsi2sk: accountId,
  }),
  childMembershipsOf: (sub: string, parentId: string): string => `USER#${sub}#PARENT#${parentId}`,

  profile: (sub: string): Key => ({ pk: `USER#${sub}`, sk: 'PROFILE' }),
  preferences: (sub: string): Key => ({ pk: `USER#${sub}`, sk: 'PREFERENCES' }),
  domain: (domain: string): Key => ({ pk: `DOMAIN#${domain}`, sk: 'DOMAIN' }),
  idempotency: (hash: string): Key => ({ pk: `IDEMPOTENCY#${hash}`, sk: 'IDEMPOTENCY' }),
} as const;

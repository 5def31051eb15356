import { handle, membershipEtag, membershipView, ok } from '../../lib/http';

/** GET /accounts/:customerId/membership: any member; the account's membership settings. */
export const handler = handle({ account: { from: 'path', role: 'MEMBER' } }, async ({ target }) =>
  ok(membershipView(target.account), membershipEtag(target)),
);

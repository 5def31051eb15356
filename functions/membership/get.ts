import { handle, ok } from '../../lib/http';
import { membershipEtag, membershipView } from '../../lib/http/views';

/** GET /accounts/:customerId/membership: any member; the account's membership settings. */
export const handler = handle({ account: { from: 'path', role: 'MEMBER' } }, async ({ target }) =>
  ok(membershipView(target.account), membershipEtag(target)),
);

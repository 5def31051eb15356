import { handle, membershipEtag, membershipView, ok } from '../../lib/http';
import { pathAccount } from '../../lib/http/targets';

/** GET /accounts/:customerId/membership: any member; the account's membership settings. */
export const handler = handle({ account: pathAccount('MEMBER') }, async ({ target }) =>
  ok(membershipView(target.account), membershipEtag(target)),
);

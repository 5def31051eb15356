import { accountEtag, accountView, handle, ok } from '../../lib/http';
import { pathAccount } from '../../lib/http/targets';

/** GET /accounts/:customerId: any member (direct or through the parent). */
export const handler = handle({ account: pathAccount('MEMBER') }, async ({ target }) =>
  ok(accountView(target), accountEtag(target)),
);

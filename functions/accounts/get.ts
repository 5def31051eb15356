import { accountEtag, accountView, handle, ok } from '../../lib/http';

/** GET /accounts/:customerId: any member (direct or through the parent). */
export const handler = handle({ account: { from: 'path', role: 'MEMBER' } }, async ({ target }) =>
  ok(accountView(target), accountEtag(target)),
);

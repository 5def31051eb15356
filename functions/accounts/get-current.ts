import { accountEtag, accountView, handle, ok } from '../../lib/http';

/** GET /accounts/current: any member; the account from X-Customer-Id, else the caller's default. */
export const handler = handle({ account: { from: 'current', role: 'MEMBER' } }, async ({ target }) =>
  ok(accountView(target), accountEtag(target)),
);

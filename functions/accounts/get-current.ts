import { accountEtag, accountView, handle, ok } from '../../lib/http';
import { currentAccountOf } from '../../lib/http/targets';

/** GET /accounts/current: any member; the account from X-Customer-Id, else the caller's default. */
export const handler = handle({ account: currentAccountOf('MEMBER') }, async ({ target }) =>
  ok(accountView(target), accountEtag(target)),
);

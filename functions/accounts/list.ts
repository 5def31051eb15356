import { accountView, handle, ok } from '../../lib/http';
import { listAccounts } from '../../lib/operations/accounts';
import { ListAccountsQuery } from '../../lib/schemas/accounts';

/** GET /accounts: every accessible account once, `limit` per page (default 50), stable order. */
export const handler = handle({ query: ListAccountsQuery }, async ({ caller, query }) => {
  const page = await listAccounts(caller, query.limit ?? 50, query.cursor);
  return ok({ items: page.items.map(accountView), nextCursor: page.nextCursor });
});

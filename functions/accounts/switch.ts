import { accountEtag, accountView, handle, ok } from '../../lib/http';
import { switchAccount } from '../../lib/operations/accounts';
import { SwitchAccountBody } from '../../lib/schemas/accounts';

/** PUT /accounts/current: body {customerId}; any member; it becomes the caller's default. */
export const handler = handle({ body: SwitchAccountBody }, async ({ caller, body }) => {
  const account = await switchAccount(caller, body.customerId);
  return ok(accountView(account), accountEtag(account));
});

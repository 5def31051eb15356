import { accountEtag, accountView, handle, ok } from '../../lib/http';
import { bodyAccount } from '../../lib/http/targets';
import { switchAccount } from '../../lib/operations/accounts';
import { SwitchAccountBody } from '../../lib/schemas/accounts';

/** PUT /accounts/current: body {customerId}; any member; it becomes the caller's default. */
export const handler = handle(
  { body: SwitchAccountBody, account: bodyAccount('customerId', 'MEMBER') },
  async ({ caller, target }) => {
    const account = await switchAccount(caller, target);
    return ok(accountView(account), accountEtag(account));
  },
);

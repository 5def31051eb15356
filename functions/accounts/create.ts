import { accountEtag, accountView, created, handle } from '../../lib/http';
import { idempotent } from '../../lib/http/idempotency';
import { createAccount } from '../../lib/operations/accounts';
import { CreateAccountBody } from '../../lib/schemas/accounts';

/** POST /accounts: body {company, name}; a new STANDALONE account, the caller its SUPER_ADMIN. */
export const handler = handle({ body: CreateAccountBody, idempotent }, async ({ caller, body }) => {
  const account = await createAccount(caller, body);
  return created(accountView(account), {
    location: `/accounts/${account.account.id}`,
    ...accountEtag(account),
  });
});

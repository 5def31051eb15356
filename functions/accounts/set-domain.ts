import { accountEtag, accountView, handle, ok } from '../../lib/http';
import { pathAccount } from '../../lib/http/targets';
import { setCustomerDomain } from '../../lib/operations/domains';
import { DomainBody } from '../../lib/schemas/domains';

/** PATCH /accounts/:customerId/domain: body {customerDomain: string | null}; ADMIN; honours the account's If-Match. */
export const handler = handle(
  { body: DomainBody, account: pathAccount('ADMIN'), version: (a) => a.version },
  async ({ caller, target, body, ifMatch }) => {
    const account = await setCustomerDomain(caller, target, body.customerDomain, ifMatch);
    return ok(accountView(account), accountEtag(account));
  },
);

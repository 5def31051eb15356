import { handle, noContent } from '../../lib/http';
import { pathAccount } from '../../lib/http/targets';
import { deleteChild } from '../../lib/operations/accounts';

/** DELETE /accounts/:customerId: ADMIN; children only. */
export const handler = handle({ account: pathAccount('ADMIN') }, async ({ target }) => {
  await deleteChild(target);
  return noContent();
});

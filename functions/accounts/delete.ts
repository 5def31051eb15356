import { handle, noContent } from '../../lib/http';
import { deleteChild } from '../../lib/operations/accounts';

/** DELETE /accounts/:customerId: ADMIN; children only. */
export const handler = handle({ account: { from: 'path', role: 'ADMIN' } }, async ({ target }) => {
  await deleteChild(target);
  return noContent();
});

import { accountEtag, accountView, created, handle } from '../../lib/http';
import { idempotent } from '../../lib/http/idempotency';
import { bodyAccountOrCurrent } from '../../lib/http/targets';
import { createChild } from '../../lib/operations/accounts';
import { CreateChildBody } from '../../lib/schemas/accounts';

/** POST /accounts/create-child: body {name, company?, parentId?}; ADMIN on the parent (parentId, else the current account). */
export const handler = handle(
  { body: CreateChildBody, account: bodyAccountOrCurrent('parentId', 'ADMIN'), idempotent },
  async ({ target, body }) => {
    const child = await createChild(target, body);
    return created(accountView(child), { location: `/accounts/${child.account.id}`, ...accountEtag(child) });
  },
);

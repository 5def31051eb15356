import { atLeast } from '../../lib/domain/roles';
import { currentAccount } from './current';
import { accountView, callerOf, type Event, etag, forbidden, type Result, reply, run } from './shared';

/** GET /accounts/current: the profile (GetItem), then the account and the membership (one BatchGetItem). */
export const handler = (event: Event): Promise<Result> =>
  run(event, async () => {
    const target = await currentAccount(callerOf(event), event.headers?.['x-customer-id']);
    if (!atLeast(target.role, 'MEMBER')) throw forbidden();
    return reply(event, 200, accountView(target), { etag: etag(target.account.version) });
  });

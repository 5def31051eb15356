import { accountView, callerOf, type Event, etag, type Result, reply, requireAccess, run } from './shared';

/** GET /accounts/{id}: the account and the caller's membership in one BatchGetItem. */
export const handler = (event: Event): Promise<Result> =>
  run(event, async () => {
    const target = await requireAccess(callerOf(event).sub, event.pathParameters?.customerId ?? '', 'MEMBER');
    return reply(event, 200, accountView(target), { etag: etag(target.account.version) });
  });

import { callerOf, type Event, etag, membershipView, type Result, reply, requireAccess, run } from './shared';

/** GET /accounts/{id}/membership: the account and the caller's membership in one BatchGetItem. */
export const handler = (event: Event): Promise<Result> =>
  run(event, async () => {
    const target = await requireAccess(callerOf(event).sub, event.pathParameters?.customerId ?? '', 'MEMBER');
    return reply(event, 200, membershipView(target.account), { etag: etag(target.account.settingsVersion) });
  });

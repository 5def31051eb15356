import { listPage } from './listing';
import { accountView, callerOf, type Event, invalid, type Result, reply, run } from './shared';

/** GET /accounts: one page in at most three waves (memberships → accounts → children of the parents on it). */
export const handler = (event: Event): Promise<Result> =>
  run(event, async () => {
    const query = event.queryStringParameters ?? {};
    let limit = 50;
    if (query.limit !== undefined) {
      if (!/^[0-9]{1,3}$/.test(query.limit) || Number(query.limit) < 1 || Number(query.limit) > 100) {
        throw invalid('query', 'limit', 'Must be an integer from 1 to 100');
      }
      limit = Number(query.limit);
    }
    const page = await listPage(callerOf(event).sub, limit, query.cursor);
    return reply(event, 200, { items: page.items.map(accountView), nextCursor: page.nextCursor });
  });

import { catalog, defaultPreferenceSet, type Preference } from '../../lib/domain/preferences';
import { keys } from '../../lib/store/keys';
import { callerOf, type Event, etag, getItem, type Result, reply, run } from './shared';

/** GET /notification-preferences: one consistent GetItem (a GET right after a PUT hands out the PUT's ETag). */
export const handler = (event: Event): Promise<Result> =>
  run(event, async () => {
    const item = await getItem(keys.preferences(callerOf(event).sub), true);
    const set = item
      ? {
          preferences: (item.preferences as Preference[]).map(({ notificationType, channel }) => ({
            notificationType,
            channel,
          })),
          isDefault: false,
          updatedAt: item.updatedAt as string,
          version: item.version as number,
        }
      : defaultPreferenceSet();
    const { version, ...preferences } = set;
    return reply(event, 200, { ...preferences, catalog }, { etag: etag(version) });
  });

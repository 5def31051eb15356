import { etag, handle, ok } from '../../lib/http';
import { getPreferences } from '../../lib/operations/preferences';

/** GET /notification-preferences: any user; their set (or the defaults), with its ETag. */
export const handler = handle({}, async ({ caller }) => {
  const { version, ...preferences } = await getPreferences(caller);
  return ok(preferences, { etag: etag(version) });
});

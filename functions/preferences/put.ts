import { etag, handle, ok } from '../../lib/http';
import { replacePreferences } from '../../lib/operations/preferences';
import { PutPreferencesBody } from '../../lib/schemas/preferences';

/** PUT /notification-preferences: body {preferences}; replaces the caller's whole set; honours If-Match. */
export const handler = handle({ body: PutPreferencesBody }, async ({ caller, body, ifMatch }) => {
  const { version, ...preferences } = await replacePreferences(caller, body.preferences, ifMatch);
  return ok(preferences, { etag: etag(version) });
});

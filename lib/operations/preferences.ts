import { catalog, normalisePreferences, type Preference, type PreferenceSet } from '../domain/preferences';
import type { Caller } from '../domain/user';
import type { ExpectedVersion } from '../domain/versions';
import * as store from '../store/preferences';

/** The contract's preferences object, plus the version its ETag is made of. */
export type PreferencesState = PreferenceSet & { catalog: typeof catalog };

/** GET /notification-preferences: the caller's saved set, or the defaults. */
export async function getPreferences(caller: Caller): Promise<PreferencesState> {
  return { ...(await store.getPreferences(caller.sub)), catalog };
}

/**
 * PUT /notification-preferences: replaces the caller's whole set (duplicates folded, sorted), in one
 * write conditioned on `expected` (the If-Match; 412 when it no longer matches).
 */
export async function replacePreferences(
  caller: Caller,
  entries: readonly Preference[],
  expected: ExpectedVersion,
  now = new Date().toISOString(),
): Promise<PreferencesState> {
  return {
    ...(await store.putPreferences(caller.sub, normalisePreferences(entries), expected, now)),
    catalog,
  };
}

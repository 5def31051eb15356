/**
 * Notification preferences: the catalog (the one place that lists every notification type and
 * channel), the defaults of a user who never saved any, and the normal form of a saved set.
 */
export const NOTIFICATION_TYPES = [
  'account.child_created',
  'account.child_deleted',
  'account.domain_changed',
  'membership.auto_join_changed',
  'membership.member_joined',
] as const;
export const CHANNELS = ['email', 'in_app'] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
export type Channel = (typeof CHANNELS)[number];

export interface Preference {
  notificationType: NotificationType;
  channel: Channel;
}

/** At most this many entries in one PUT body (duplicates count; they are folded afterwards). */
export const MAX_PREFERENCE_ENTRIES = 100;

export const catalog = { notificationTypes: NOTIFICATION_TYPES, channels: CHANNELS } as const;

/**
 * A user's set as the API shows it. `version` is 0 for the defaults (nothing stored yet) and counts
 * the saves after that: it is the preferences' ETag.
 */
export interface PreferenceSet {
  preferences: Preference[];
  isDefault: boolean;
  updatedAt: string | null;
  version: number;
}

const byTypeThenChannel = (a: Preference, b: Preference): number =>
  compare(a.notificationType, b.notificationType) || compare(a.channel, b.channel);
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Duplicates folded, sorted by type, then channel. */
export function normalisePreferences(entries: readonly Preference[]): Preference[] {
  const seen = new Map<string, Preference>();
  for (const { notificationType, channel } of entries) {
    seen.set(`${notificationType} ${channel}`, { notificationType, channel });
  }
  return [...seen.values()].sort(byTypeThenChannel);
}

/** Someone who never saved any gets every type on every channel. */
export function defaultPreferenceSet(): PreferenceSet {
  return {
    preferences: normalisePreferences(
      NOTIFICATION_TYPES.flatMap((notificationType) =>
        CHANNELS.map((channel) => ({ notificationType, channel })),
      ),
    ),
    isDefault: true,
    updatedAt: null,
    version: 0,
  };
}

import * as z from 'zod/mini';
import { CHANNELS, MAX_PREFERENCE_ENTRIES, NOTIFICATION_TYPES } from '../domain/preferences';

const oneOf = (values: readonly string[]) => `Must be one of: ${values.join(', ')}`;

export const NotificationType = z.enum(NOTIFICATION_TYPES, oneOf(NOTIFICATION_TYPES));
export const Channel = z.enum(CHANNELS, oneOf(CHANNELS));
export const Preference = z.strictObject({ notificationType: NotificationType, channel: Channel });

/** PUT /notification-preferences: the whole set; the empty list opts out of everything. */
export const PutPreferencesBody = z.strictObject({
  preferences: z
    .array(Preference, 'Must be an array of {notificationType, channel}')
    .check(z.maxLength(MAX_PREFERENCE_ENTRIES, `Must have at most ${MAX_PREFERENCE_ENTRIES} entries`)),
});

export const Preferences = z.object({
  preferences: z.array(Preference),
  isDefault: z.boolean(),
  updatedAt: z.nullable(z.string()),
  catalog: z.object({ notificationTypes: z.array(NotificationType), channels: z.array(Channel) }),
});

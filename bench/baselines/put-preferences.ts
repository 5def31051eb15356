import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  CHANNELS,
  catalog,
  MAX_PREFERENCE_ENTRIES,
  NOTIFICATION_TYPES,
  normalisePreferences,
  type Preference,
} from '../../lib/domain/preferences';
import { keys } from '../../lib/store/keys';
import {
  callerOf,
  ddb,
  type Event,
  etag,
  ifMatchOf,
  invalid,
  isConditionFailed,
  jsonBody,
  preconditionFailed,
  type Result,
  reply,
  run,
  TableName,
} from './shared';

/** PUT /notification-preferences: one conditional UpdateItem returning the new set. */
export const handler = (event: Event): Promise<Result> =>
  run(event, async () => {
    const body = jsonBody(event, ['preferences']);
    const entries = preferencesOf(body.preferences);
    const { sub } = callerOf(event);
    const ifMatch = ifMatchOf(event);
    let ConditionExpression: string | undefined;
    const values: Record<string, number> = {};
    if (ifMatch && !ifMatch.any) {
      const versions = [...new Set(ifMatch.versions)];
      if (versions.length === 0) throw preconditionFailed();
      const clauses = versions
        .filter((v) => v > 0)
        .slice(0, 100)
        .map((v, i) => {
          values[`:v${i}`] = v;
          return `#version = :v${i}`;
        });
      if (versions.includes(0)) clauses.push('attribute_not_exists(pk)');
      ConditionExpression = clauses.join(' OR ');
    }
    try {
      const { Attributes } = await ddb().send(
        new UpdateCommand({
          TableName: TableName(),
          Key: keys.preferences(sub),
          UpdateExpression:
            'SET entity = :entity, #sub = :sub, preferences = :preferences, updatedAt = :now, ' +
            '#version = if_not_exists(#version, :zero) + :one',
          ConditionExpression,
          ExpressionAttributeNames: { '#sub': 'sub', '#version': 'version' },
          ExpressionAttributeValues: {
            ':entity': 'preferences',
            ':sub': sub,
            ':preferences': normalisePreferences(entries),
            ':now': new Date().toISOString(),
            ':zero': 0,
            ':one': 1,
            ...values,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = Attributes as Record<string, unknown>;
      return reply(
        event,
        200,
        {
          preferences: (item.preferences as Preference[]).map(({ notificationType, channel }) => ({
            notificationType,
            channel,
          })),
          isDefault: false,
          updatedAt: item.updatedAt,
          catalog,
        },
        { etag: etag(item.version as number) },
      );
    } catch (error) {
      if (isConditionFailed(error)) throw preconditionFailed();
      throw error;
    }
  });

function preferencesOf(value: unknown): Preference[] {
  if (!Array.isArray(value))
    throw invalid('body', 'preferences', 'Must be an array of {notificationType, channel}');
  if (value.length > MAX_PREFERENCE_ENTRIES) {
    throw invalid('body', 'preferences', `Must have at most ${MAX_PREFERENCE_ENTRIES} entries`);
  }
  return value.map((entry, i) => {
    const e = entry as Record<string, unknown> | null;
    if (e === null || typeof e !== 'object' || Array.isArray(e)) {
      throw invalid('body', `preferences.${i}`, 'Must be an object');
    }
    const extra = Object.keys(e).find((k) => k !== 'notificationType' && k !== 'channel');
    if (extra) throw invalid('body', `preferences.${i}.${extra}`, 'Unknown field');
    if (!NOTIFICATION_TYPES.includes(e.notificationType as never)) {
      throw invalid(
        'body',
        `preferences.${i}.notificationType`,
        `Must be one of: ${NOTIFICATION_TYPES.join(', ')}`,
      );
    }
    if (!CHANNELS.includes(e.channel as never)) {
      throw invalid('body', `preferences.${i}.channel`, `Must be one of: ${CHANNELS.join(', ')}`);
    }
    return { notificationType: e.notificationType, channel: e.channel } as Preference;
  });
}

import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { preconditionFailed } from '../domain/errors';
import { defaultPreferenceSet, type Preference, type PreferenceSet } from '../domain/preferences';
import type { ExpectedVersion } from '../domain/versions';
import { ddb, tableName } from './client';
import { isConditionFailed } from './errors';
import { keys } from './keys';

/**
 * A user's notification preferences: one item per user (USER#<sub> / PREFERENCES) holding the
 * whole set and its version, so a PUT is one conditional PutItem and never a read-then-write.
 * No item means the defaults, at version 0.
 */
export async function getPreferences(sub: string): Promise<PreferenceSet> {
  const { Item } = await ddb().send(
    // Consistent, so a GET right after a PUT hands out the ETag the PUT answered.
    new GetCommand({ TableName: tableName(), Key: keys.preferences(sub), ConsistentRead: true }),
  );
  return Item ? toPreferenceSet(Item) : defaultPreferenceSet();
}

/** DynamoDB's IN takes at most 100 operands. */
const IN_LIMIT = 100;

/**
 * Replaces the whole set in one conditional UpdateItem: the condition is the If-Match, and the
 * version is bumped inside the same write, so two writers holding one ETag can never both win.
 */
export async function putPreferences(
  sub: string,
  preferences: readonly Preference[],
  expected: ExpectedVersion,
  now: string,
): Promise<PreferenceSet> {
  const condition = conditionFor(expected);
  if (condition === 'NEVER') throw preconditionFailed();
  try {
    const { Attributes } = await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.preferences(sub),
        UpdateExpression:
          'SET entity = :entity, #sub = :sub, preferences = :preferences, updatedAt = :now, ' +
          '#version = if_not_exists(#version, :zero) + :one',
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: { '#sub': 'sub', '#version': 'version' },
        ExpressionAttributeValues: {
          ':entity': 'preferences',
          ':sub': sub,
          ':preferences': preferences,
          ':now': now,
          ':zero': 0,
          ':one': 1,
          ...condition.values,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toPreferenceSet(Attributes as Record<string, unknown>);
  } catch (error) {
    if (isConditionFailed(error)) throw preconditionFailed();
    throw error;
  }
}

type Condition = { expression?: string; values?: Record<string, number> } | 'NEVER';

/** If-Match as a condition on the stored item (`#version` is the item's version attribute). */
// `*` matches any current representation, and the defaults are one (GET answers them with an
// ETag), so it always matches; version 0 is "never saved".
function conditionFor(expected: ExpectedVersion): Condition {
  if (!expected || expected.any) return {};
  const versions = [...new Set(expected.versions)];
  // Nothing well-formed in If-Match: it matches no representation, and nothing is written.
  if (versions.length === 0) return 'NEVER';
  const stored = versions.filter((v) => v > 0);
  const values: Record<string, number> = {};
  const clauses: string[] = [];
  for (let i = 0; i < stored.length; i += IN_LIMIT) {
    const names = stored.slice(i, i + IN_LIMIT).map((version, j) => {
      values[`:v${i + j}`] = version;
      return `:v${i + j}`;
    });
    clauses.push(`#version IN (${names.join(', ')})`);
  }
  // Version 0 is the defaults: the item does not exist yet.
  if (versions.includes(0)) clauses.push('attribute_not_exists(pk)');
  return { expression: clauses.join(' OR '), values };
}

function toPreferenceSet(item: Record<string, unknown>): PreferenceSet {
  return {
    preferences: (item.preferences as Preference[]).map(({ notificationType, channel }) => ({
      notificationType,
      channel,
    })),
    isDefault: false,
    updatedAt: item.updatedAt as string,
    version: item.version as number,
  };
}

import { describe, expect, it } from 'vitest';
import {
  CHANNELS,
  catalog,
  defaultPreferenceSet,
  NOTIFICATION_TYPES,
  normalisePreferences,
  type Preference,
} from '../../lib/domain/preferences';
import { PutPreferencesBody } from '../../lib/schemas/preferences';

/** The catalog, the defaults and the normal form of a set; the PUT body's schema, rule by rule. */
const entry = (notificationType: string, channel: string) => ({ notificationType, channel }) as Preference;

describe('preference catalog and defaults', () => {
  it('lists the contract catalog once', () => {
    expect(catalog.notificationTypes).toEqual([
      'account.child_created',
      'account.child_deleted',
      'account.domain_changed',
      'membership.auto_join_changed',
      'membership.member_joined',
    ]);
    expect(catalog.channels).toEqual(['email', 'in_app']);
  });

  it('defaults to every type on every channel, sorted, never saved', () => {
    const defaults = defaultPreferenceSet();
    expect(defaults.preferences).toHaveLength(NOTIFICATION_TYPES.length * CHANNELS.length);
    expect(defaults.preferences.slice(0, 3)).toEqual([
      entry('account.child_created', 'email'),
      entry('account.child_created', 'in_app'),
      entry('account.child_deleted', 'email'),
    ]);
    expect(defaults).toMatchObject({ isDefault: true, updatedAt: null, version: 0 });
  });
});

describe('normalisePreferences', () => {
  it('folds duplicates and sorts by type, then channel', () => {
    expect(
      normalisePreferences([
        entry('membership.member_joined', 'in_app'),
        entry('account.domain_changed', 'in_app'),
        entry('membership.member_joined', 'email'),
        entry('account.domain_changed', 'in_app'),
        entry('account.domain_changed', 'email'),
      ]),
    ).toEqual([
      entry('account.domain_changed', 'email'),
      entry('account.domain_changed', 'in_app'),
      entry('membership.member_joined', 'email'),
      entry('membership.member_joined', 'in_app'),
    ]);
  });

  it('keeps the empty set empty', () => {
    expect(normalisePreferences([])).toEqual([]);
  });
});

describe('PutPreferencesBody', () => {
  const issues = (value: unknown) => {
    const result = PutPreferencesBody.safeParse(value);
    return result.success
      ? []
      : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };
  const ok = entry('account.child_created', 'email');

  it('accepts the empty list, duplicates, and 100 entries', () => {
    expect(issues({ preferences: [] })).toEqual([]);
    expect(issues({ preferences: [ok, ok] })).toEqual([]);
    expect(issues({ preferences: Array(100).fill(ok) })).toEqual([]);
  });

  it('rejects 101 entries', () => {
    expect(issues({ preferences: Array(101).fill(ok) })).toEqual([
      { path: 'preferences', message: 'Must have at most 100 entries' },
    ]);
  });

  it('names the allowed values for an unknown type or channel', () => {
    expect(issues({ preferences: [entry('account.created', 'sms')] })).toEqual([
      {
        path: 'preferences.0.notificationType',
        message:
          'Must be one of: account.child_created, account.child_deleted, account.domain_changed, membership.auto_join_changed, membership.member_joined',
      },
      { path: 'preferences.0.channel', message: 'Must be one of: email, in_app' },
    ]);
  });

  it.each([
    ['a missing list', {}],
    ['a null list', { preferences: null }],
    [
      'a list that is an object',
      { preferences: { notificationType: 'account.child_created', channel: 'email' } },
    ],
    ['an entry that is not an object', { preferences: ['account.child_created'] }],
    ['an entry missing its channel', { preferences: [{ notificationType: 'account.child_created' }] }],
    ['a null channel', { preferences: [{ ...ok, channel: null }] }],
    ['a type in another case', { preferences: [{ ...ok, notificationType: 'Account.Child_Created' }] }],
    ['a channel with spaces', { preferences: [{ ...ok, channel: ' email ' }] }],
    ['an unknown field in an entry', { preferences: [{ ...ok, enabled: true }] }],
    ['an unknown top-level field', { preferences: [], extra: 1 }],
    ['a body that is a list', [ok]],
  ])('rejects %s', (_, value) => {
    expect(issues(value).length).toBeGreaterThan(0);
  });
});

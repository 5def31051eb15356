/**
 * One scenario per route (and two Idempotency-Key variants, and the sign-up trigger): the fixture it
 * needs, the request of each measured call, and — written down — what that call does and the
 * minimum DynamoDB work the route needs (what its baseline in bench/baselines does).
 *
 * Reads share one fixture between the project's handler and the baseline, so their answers can be
 * compared byte for byte. Writes get a fixture per side where one side's writes would change what
 * the other's next call does (domains, auto-join, deletes).
 */
import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import type { AccountRecord } from '../lib/domain/account';
import type { Preference } from '../lib/domain/preferences';
import { apiEvent } from '../test/support/events';
import { account, newId, type Seeder } from './fixtures';

export interface Events {
  ours(i: number): unknown;
  base(i: number): unknown;
}

export interface Scenario {
  /** "METHOD /path", plus a variant in parentheses when a route is measured twice. */
  route: string;
  /** The function (route table name), whose module is `handler` and whose floor is `baseline`. */
  function: string;
  handler: string;
  baseline: string;
  /** What one measured call does. */
  call: string;
  /** The minimum DynamoDB work for that call: what the baseline does. */
  floor: string;
  /** The status every measured call must answer (the trigger answers its event: 0). */
  status: number;
  /** Compare the two answers of the first call: same body, or same shape (fresh ids, other fixtures). */
  compare: 'exact' | 'shape';
  setup(seed: Seeder, calls: number): Events;
}

const PREFS: Preference[] = [
  { notificationType: 'account.child_created', channel: 'email' },
  { notificationType: 'account.domain_changed', channel: 'in_app' },
  { notificationType: 'membership.member_joined', channel: 'email' },
];

/** The reader: owns one standalone account (their default) and has saved preferences. */
function reader(seed: Seeder, label: string): { sub: string; home: AccountRecord } {
  const sub = `bench-reader-${label}`;
  const home = account({ name: 'Reader Home', company: 'Reader Inc' });
  seed.accounts(home).member(sub, home, 'SUPER_ADMIN').profile(sub, home).preferences(sub, PREFS);
  return { sub, home };
}

const same = (f: (i: number) => unknown): Events => ({ ours: f, base: f });

export const scenarios: Scenario[] = [
  {
    route: 'GET /health',
    function: 'Health',
    handler: 'functions/health',
    baseline: 'health',
    call: 'answers {"status":"ok"}',
    floor: 'no DynamoDB request',
    status: 200,
    compare: 'exact',
    setup: () => same(() => apiEvent({ method: 'GET', path: '/health', sub: 'anyone' })),
  },
  {
    route: 'GET /openapi.json',
    function: 'OpenApi',
    handler: 'functions/openapi',
    baseline: 'openapi',
    call: 'answers the OpenAPI document',
    floor: 'no DynamoDB request; the document precomputed at build time',
    status: 200,
    compare: 'exact',
    setup: () => same(() => apiEvent({ method: 'GET', path: '/openapi.json', sub: 'anyone' })),
  },
  {
    route: 'GET /accounts/current',
    function: 'GetCurrentAccount',
    handler: 'functions/accounts/get-current',
    baseline: 'get-current-account',
    call: "the caller's default account (a standalone they own), no X-Customer-Id",
    floor: "the profile (GetItem), then the account and the caller's membership (one BatchGetItem)",
    status: 200,
    compare: 'exact',
    setup: (seed) => {
      const { sub } = reader(seed, 'current');
      return same(() => apiEvent({ method: 'GET', path: '/accounts/current', sub }));
    },
  },
  {
    route: 'PUT /accounts/current',
    function: 'SwitchAccount',
    handler: 'functions/accounts/switch',
    baseline: 'switch-account',
    call: 'switches the default between two standalone accounts the caller owns (alternating)',
    floor: "the account and the caller's membership (one BatchGetItem), then the profile (one UpdateItem)",
    status: 200,
    compare: 'exact',
    setup: (seed) => {
      const sub = 'bench-switcher';
      const one = account({ name: 'One' });
      const two = account({ name: 'Two' });
      seed.accounts(one, two).member(sub, one, 'SUPER_ADMIN').member(sub, two, 'ADMIN').profile(sub, one);
      return same((i) =>
        apiEvent({
          method: 'PUT',
          path: '/accounts/current',
          sub,
          body: { customerId: (i % 2 ? one : two).id },
        }),
      );
    },
  },
  {
    route: 'GET /accounts',
    function: 'ListAccounts',
    handler: 'functions/accounts/list',
    baseline: 'list-accounts',
    call: 'first page (limit 50) of 10 accessible accounts: 4 standalone, 1 parent (third in id order) with 5 children, one of them also a direct membership',
    floor:
      'the memberships (Query), their accounts (BatchGetItem), the children of the parent (Query on gsi1): three waves',
    status: 200,
    compare: 'exact',
    setup: (seed) => {
      const sub = 'bench-lister';
      // Ids chosen so the order is the same every run: two standalone, the parent, two standalone;
      // the direct membership on a child sorts last (the listing skips it: listed under its parent).
      const ordered = (prefix: string, fields: Partial<AccountRecord> = {}) =>
        account({ id: `${prefix}${newId()}`, ...fields });
      const standalone = ['a0', 'a1', 'a3', 'a4'].map((p, i) => ordered(p, { name: `Standalone ${i}` }));
      const parent = ordered('a2', { name: 'Parent' });
      parent.childCount = 5;
      const children = ['b0', 'b1', 'b2', 'b3', 'b4'].map((p, i) =>
        ordered(p, { name: `Child ${i}`, parentId: parent.id }),
      );
      seed.accounts(parent, ...children, ...standalone);
      for (const a of standalone) seed.member(sub, a, 'MEMBER');
      seed
        .member(sub, parent, 'ADMIN')
        .member(sub, children[0] as AccountRecord, 'SUPER_ADMIN')
        .profile(sub, parent);
      return same(() => apiEvent({ method: 'GET', path: '/accounts', sub }));
    },
  },
  {
    route: 'POST /accounts',
    function: 'CreateAccount',
    handler: 'functions/accounts/create',
    baseline: 'create-account',
    call: 'creates a standalone account for a caller who has a default already',
    floor: 'the account, the membership and the default-if-none in one TransactWriteItems',
    status: 201,
    compare: 'shape',
    setup: (seed) => {
      const home = account();
      seed.accounts(home).member('bench-creator', home, 'SUPER_ADMIN').profile('bench-creator', home);
      return same(() =>
        apiEvent({
          method: 'POST',
          path: '/accounts',
          sub: 'bench-creator',
          body: { company: 'Acme Inc', name: 'Acme' },
        }),
      );
    },
  },
  {
    route: 'POST /accounts (Idempotency-Key)',
    function: 'CreateAccount',
    handler: 'functions/accounts/create',
    baseline: 'create-account',
    call: 'the same, with a new Idempotency-Key on every call',
    floor:
      'the claim (PutItem, IN_PROGRESS), then one TransactWriteItems that also completes the key record with the response',
    status: 201,
    compare: 'shape',
    setup: (seed) => {
      const sub = 'bench-idem-creator';
      const home = account();
      seed.accounts(home).member(sub, home, 'SUPER_ADMIN').profile(sub, home);
      const event = (side: string) => (i: number) =>
        apiEvent({
          method: 'POST',
          path: '/accounts',
          sub,
          body: { company: 'Acme Inc', name: 'Acme' },
          headers: { 'Idempotency-Key': `bench-${side}-${i}` },
        });
      return { ours: event('ours'), base: event('base') };
    },
  },
  {
    route: 'POST /accounts/create-child',
    function: 'CreateChild',
    handler: 'functions/accounts/create-child',
    baseline: 'create-child',
    call: 'creates a child under parentId (the caller owns it; already a PARENT), spread over 10 parents',
    floor:
      "the parent and the caller's membership (one BatchGetItem), then the child and the parent's count in one TransactWriteItems",
    status: 201,
    compare: 'shape',
    setup: (seed) => parentsFor(seed, 'bench-parent-owner'),
  },
  {
    route: 'POST /accounts/create-child (Idempotency-Key)',
    function: 'CreateChild',
    handler: 'functions/accounts/create-child',
    baseline: 'create-child',
    call: 'the same, with a new Idempotency-Key on every call',
    floor:
      "the claim (PutItem) beside the access check's BatchGetItem, then one TransactWriteItems that also completes the key record",
    status: 201,
    compare: 'shape',
    setup: (seed) => parentsFor(seed, 'bench-idem-parent-owner', true),
  },
  {
    route: 'GET /accounts/{customerId}',
    function: 'GetAccount',
    handler: 'functions/accounts/get',
    baseline: 'get-account',
    call: 'a standalone account the caller owns',
    floor: "the account and the caller's membership (one BatchGetItem)",
    status: 200,
    compare: 'exact',
    setup: (seed) => {
      const { sub, home } = reader(seed, 'account');
      return same(() => apiEvent({ method: 'GET', path: `/accounts/${home.id}`, sub }));
    },
  },
  {
    route: 'DELETE /accounts/{customerId}',
    function: 'DeleteAccount',
    handler: 'functions/accounts/delete',
    baseline: 'delete-account',
    call: "deletes a child (no members, no domain) as its parent's SUPER_ADMIN (inherited role); a new child each call",
    floor:
      'child + membership on it (BatchGetItem) → parent + membership on the parent (BatchGetItem) → TransactWriteItems → members index (Query)',
    status: 204,
    compare: 'shape',
    setup: (seed, calls) => {
      const sub = 'bench-deleter';
      const parent = account({ name: 'Deleting parent' });
      // Two per call (one per side) and some to spare, so the parent never loses its last child.
      const children = seed.parentWithChildren(parent, 2 * calls + 10);
      seed.member(sub, parent, 'SUPER_ADMIN').profile(sub, parent);
      const event = (offset: number) => (i: number) =>
        apiEvent({
          method: 'DELETE',
          path: `/accounts/${(children[2 * i + offset] as AccountRecord).id}`,
          sub,
        });
      return { ours: event(0), base: event(1) };
    },
  },
  {
    route: 'PATCH /accounts/{customerId}/domain',
    function: 'SetDomain',
    handler: 'functions/accounts/set-domain',
    baseline: 'set-domain',
    call: "alternately sets the caller's own email domain and removes it (null), no If-Match; one account per side",
    floor:
      "the account and the caller's membership (one BatchGetItem), then one TransactWriteItems (account on its version, guard claimed or released)",
    status: 200,
    compare: 'shape',
    setup: (seed) => {
      const side = (name: string) => {
        const sub = `bench-domain-${name}`;
        const domain = `${name}-bench.com`;
        const target = account({ name: `Domain ${name}` });
        seed.accounts(target).member(sub, target, 'SUPER_ADMIN').profile(sub, target);
        return (i: number) =>
          apiEvent({
            method: 'PATCH',
            path: `/accounts/${target.id}/domain`,
            sub,
            email: `admin@${domain}`,
            body: { customerDomain: i % 2 === 0 ? domain : null },
          });
      };
      return { ours: side('ours'), base: side('base') };
    },
  },
  {
    route: 'GET /accounts/{customerId}/membership',
    function: 'GetMembership',
    handler: 'functions/membership/get',
    baseline: 'get-membership',
    call: 'the membership settings of a standalone account the caller owns',
    floor: "the account and the caller's membership (one BatchGetItem)",
    status: 200,
    compare: 'exact',
    setup: (seed) => {
      const { sub, home } = reader(seed, 'membership');
      return same(() => apiEvent({ method: 'GET', path: `/accounts/${home.id}/membership`, sub }));
    },
  },
  {
    route: 'PATCH /accounts/{customerId}/membership',
    function: 'SetMembership',
    handler: 'functions/membership/set',
    baseline: 'set-membership',
    call: 'alternately turns auto-join on and off on an account with a domain; one account per side',
    floor: "the account and the caller's membership (one BatchGetItem), then one conditional UpdateItem",
    status: 200,
    compare: 'shape',
    setup: (seed) => {
      const side = (name: string) => {
        const sub = `bench-auto-${name}`;
        const target = account({ name: `Auto ${name}` });
        seed
          .domain(`auto-${name}-bench.com`, target)
          .accounts(target)
          .member(sub, target, 'ADMIN')
          .profile(sub, target);
        return (i: number) =>
          apiEvent({
            method: 'PATCH',
            path: `/accounts/${target.id}/membership`,
            sub,
            body: { allowDomainAutoJoin: i % 2 === 0 },
          });
      };
      return { ours: side('ours'), base: side('base') };
    },
  },
  {
    route: 'GET /notification-preferences',
    function: 'GetPreferences',
    handler: 'functions/preferences/get',
    baseline: 'get-preferences',
    call: 'a saved set of 3 preferences',
    floor: 'one consistent GetItem',
    status: 200,
    compare: 'exact',
    setup: (seed) => {
      const { sub } = reader(seed, 'preferences');
      return same(() => apiEvent({ method: 'GET', path: '/notification-preferences', sub }));
    },
  },
  {
    route: 'PUT /notification-preferences',
    function: 'PutPreferences',
    handler: 'functions/preferences/put',
    baseline: 'put-preferences',
    call: 'replaces the set with 3 preferences, no If-Match; one user per side',
    floor: 'one UpdateItem (ReturnValues ALL_NEW)',
    status: 200,
    compare: 'shape',
    setup: () => {
      const side = (sub: string) => () =>
        apiEvent({ method: 'PUT', path: '/notification-preferences', sub, body: { preferences: PREFS } });
      return { ours: side('bench-prefs-ours'), base: side('bench-prefs-base') };
    },
  },
  {
    route: 'PostConfirmation (trigger)',
    function: 'PostConfirmation',
    handler: 'functions/triggers/post-confirmation',
    baseline: 'post-confirmation',
    call: 'a new verified user whose email domain auto-joins an account: profile, MEMBER membership, default',
    floor:
      'profile UpdateItem ∥ domain guard GetItem, then the account (GetItem), then one TransactWriteItems',
    status: 0,
    compare: 'shape',
    setup: (seed) => {
      const target = account({ name: 'Joinable', allowDomainAutoJoin: true });
      seed.domain('join-bench.com', target).accounts(target);
      const side = (name: string) => (i: number) =>
        signUp(`bench-joiner-${name}-${i}`, `person${i}@join-bench.com`);
      return { ours: side('ours'), base: side('base') };
    },
  },
];

/** Ten parents owned by `sub`, each with one child already; call i creates a child under parent i % 10. */
function parentsFor(seed: Seeder, sub: string, idempotent = false): Events {
  const parents = Array.from({ length: 10 }, (_, i) => account({ name: `Parent ${i}` }));
  for (const parent of parents) {
    seed.parentWithChildren(parent, 1);
    seed.member(sub, parent, 'SUPER_ADMIN');
  }
  seed.profile(sub, parents[0]);
  const event = (side: string) => (i: number) =>
    apiEvent({
      method: 'POST',
      path: '/accounts/create-child',
      sub,
      body: { name: `Child ${i}`, parentId: (parents[i % 10] as AccountRecord).id },
      ...(idempotent ? { headers: { 'Idempotency-Key': `bench-${side}-${i}` } } : {}),
    });
  return { ours: event('ours'), base: event('base') };
}

export function signUp(sub: string, email: string): PostConfirmationTriggerEvent {
  return {
    version: '1',
    region: 'local',
    userPoolId: 'local_bench',
    userName: sub,
    callerContext: { awsSdkVersion: 'bench', clientId: 'bench' },
    triggerSource: 'PostConfirmation_ConfirmSignUp',
    request: {
      userAttributes: { sub, email, email_verified: 'true', 'cognito:user_status': 'CONFIRMED' },
    },
    response: {},
  };
}

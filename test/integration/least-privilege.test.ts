import type { PostConfirmationTriggerEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as postConfirmation } from '../../functions/triggers/post-confirmation';
import { tableActions } from '../../infra/constructs/data';
import { routes, type TableAccess, triggers } from '../../lib/routes';
import { ddb } from '../../lib/store/client';
import { useTable } from '../support/dynamo';
import { call } from '../support/events';
import { grant, newAccount, newChild, user } from '../support/fixtures';

/**
 * The IAM policy CDK gives each function (by its route's `access`) must cover every DynamoDB action
 * the function really performs, or it would fail with AccessDenied in AWS while passing here. Each
 * route runs its successful path against DynamoDB Local while the store's client records the
 * actions; they must all be in the route's grant.
 */
useTable();

const seen: string[] = [];
const TRANSACT_ITEM_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

beforeAll(() => {
  ddb().middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName).replace(/Command$/, '');
      const input = args.input as { TransactItems?: Record<string, unknown>[] };
      if (command === 'TransactWriteItems') {
        for (const item of input.TransactItems ?? [])
          seen.push(...Object.keys(item).map((k) => TRANSACT_ITEM_ACTIONS[k] ?? k));
      } else {
        seen.push(`dynamodb:${command}`);
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordActions' },
  );
});
afterAll(() => ddb().middlewareStack.remove('recordActions'));

const allowed = (access: TableAccess): string[] =>
  access === 'none'
    ? []
    : access === 'read'
      ? [...tableActions.read]
      : [...tableActions.read, ...tableActions.write];

/** The actions of a successful run (a failed one could skip the writes it should have made). */
async function actionsOf(run: () => Promise<unknown>): Promise<string[]> {
  seen.length = 0;
  const result = (await run()) as { status?: number } | undefined;
  if (result?.status !== undefined) expect(result.status).toBeLessThan(300);
  return [...new Set(seen)];
}

describe('every route uses only the table actions its function is granted', () => {
  const owner = user('owner');
  const email = `${owner}@least-privilege.test`;
  const as = { sub: owner, email };

  // Fixtures a scenario needs are made first; `seen.length = 0` then starts the recording.
  const scenarios: Record<string, () => Promise<unknown>> = {
    Health: () => call({ ...as, method: 'GET', path: '/health' }),
    OpenApi: () => call({ ...as, method: 'GET', path: '/openapi.json' }),
    CreateAccount: () =>
      call({
        ...as,
        method: 'POST',
        path: '/accounts',
        body: { company: 'A', name: 'B' },
        headers: { 'idempotency-key': 'k1' },
      }),
    GetCurrentAccount: async () => {
      await newAccount(owner);
      seen.length = 0;
      return call({ ...as, method: 'GET', path: '/accounts/current' });
    },
    ListAccounts: () => call({ ...as, method: 'GET', path: '/accounts' }),
    CreateChild: async () => {
      const parent = await newAccount(owner);
      seen.length = 0;
      return call({
        ...as,
        method: 'POST',
        path: '/accounts/create-child',
        body: { name: 'C', parentId: parent.id },
        headers: { 'idempotency-key': 'k2' },
      });
    },
    SwitchAccount: async () => {
      const other = await newAccount(owner, 'Other');
      seen.length = 0;
      return call({ ...as, method: 'PUT', path: '/accounts/current', body: { customerId: other.id } });
    },
    GetAccount: async () => {
      const account = await newAccount(owner);
      seen.length = 0;
      return call({ ...as, method: 'GET', path: `/accounts/${account.id}` });
    },
    DeleteAccount: async () => {
      const child = await newChild(owner, await newAccount(owner));
      await grant(user('member'), child, 'MEMBER');
      seen.length = 0;
      return call({ ...as, method: 'DELETE', path: `/accounts/${child.id}` });
    },
    SetDomain: async () => {
      const account = await newAccount(owner);
      seen.length = 0;
      await call({
        ...as,
        method: 'PATCH',
        path: `/accounts/${account.id}/domain`,
        body: { customerDomain: 'least-privilege.test' },
      });
      return call({
        ...as,
        method: 'PATCH',
        path: `/accounts/${account.id}/domain`,
        body: { customerDomain: null },
      });
    },
    GetMembership: async () => {
      const account = await newAccount(owner);
      seen.length = 0;
      return call({ ...as, method: 'GET', path: `/accounts/${account.id}/membership` });
    },
    SetMembership: async () => {
      const account = await newAccount(owner);
      seen.length = 0;
      return call({
        ...as,
        method: 'PATCH',
        path: `/accounts/${account.id}/membership`,
        body: { allowDomainAutoJoin: false },
      });
    },
    GetPreferences: () => call({ ...as, method: 'GET', path: '/notification-preferences' }),
    PutPreferences: () =>
      call({
        ...as,
        method: 'PUT',
        path: '/notification-preferences',
        body: { preferences: [{ notificationType: 'account.child_created', channel: 'email' }] },
      }),
  };

  it.each(routes.map((r) => [r.name, r.access] as const))('%s (%s)', async (name, access) => {
    const scenario = scenarios[name];
    expect(scenario, `a scenario for ${name}`).toBeDefined();
    const actions = await actionsOf(scenario as () => Promise<unknown>);
    for (const action of actions) expect(allowed(access), `${name} uses ${action}`).toContain(action);
  });

  it.each(triggers.map((t) => [t.name, t.access] as const))('trigger %s (%s)', async (_name, access) => {
    const account = await newAccount(owner, 'Joinable');
    await call({
      ...as,
      method: 'PATCH',
      path: `/accounts/${account.id}/domain`,
      body: { customerDomain: 'least-privilege.test' },
    });
    await call({
      ...as,
      method: 'PATCH',
      path: `/accounts/${account.id}/membership`,
      body: { allowDomainAutoJoin: true },
    });
    const newcomer = user('newcomer');
    const event = {
      triggerSource: 'PostConfirmation_ConfirmSignUp',
      request: {
        userAttributes: { sub: newcomer, email: `${newcomer}@least-privilege.test`, email_verified: 'true' },
      },
      response: {},
    } as unknown as PostConfirmationTriggerEvent;
    const actions = await actionsOf(() => postConfirmation(event));
    expect(actions).toContain('dynamodb:PutItem');
    for (const action of actions) expect(allowed(access), action).toContain(action);
  });
});

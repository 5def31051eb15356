import type { APIGatewayProxyEventV2WithJWTAuthorizer as Event } from 'aws-lambda';
import type { AccessibleAccount } from '../domain/account';
import type { Role } from '../domain/roles';
import type { Caller } from '../domain/user';
import { accessTo, currentAccount } from '../operations/access';

/**
 * Where a route's account comes from, and the least role it needs there. A route imports the one it
 * declares, so routes without an account (health, OpenAPI, preferences) carry no account lookup.
 */
export interface Target {
  readonly role: Role;
  resolve(request: TargetRequest): Promise<AccessibleAccount>;
}

export interface TargetRequest {
  caller: Caller;
  event: Event;
  body: unknown;
  /** Writes read the target consistently: the operation decides on what it got. */
  consistent: boolean;
}

/** The account in the path (`/accounts/{customerId}`). */
export const pathAccount = (role: Role): Target => ({
  role,
  resolve: ({ caller, event, consistent }) =>
    accessTo(caller, event.pathParameters?.customerId ?? '', { consistent }),
});

/** The current account: X-Customer-Id, else the caller's default. */
export const currentAccountOf = (role: Role): Target => ({
  role,
  resolve: ({ caller, event, consistent }) =>
    currentAccount(caller, event.headers?.['x-customer-id'], { consistent }),
});

/** A body field naming an account (a string, by the route's schema). */
export const bodyAccount = (field: string, role: Role): Target => ({
  role,
  resolve: ({ caller, body, consistent }) =>
    accessTo(caller, String((body as Record<string, unknown>)[field]), { consistent }),
});

/** A body field naming an account when given, else the current account. */
export const bodyAccountOrCurrent = (field: string, role: Role): Target => {
  const named = bodyAccount(field, role);
  const current = currentAccountOf(role);
  return {
    role,
    resolve: (request) =>
      typeof (request.body as Record<string, unknown>)[field] === 'string'
        ? named.resolve(request)
        : current.resolve(request),
  };
};

import * as z from 'zod/mini';
import { routes } from '../routes';
import {
  Account,
  AccountList,
  CreateAccountBody,
  CreateChildBody,
  ListAccountsQuery,
  SwitchAccountBody,
} from './accounts';
import { DomainBody, Membership, MembershipBody } from './domains';
import { ErrorBody } from './errors';
import { Preferences, PutPreferencesBody } from './preferences';

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests (zod's own
 * JSON Schema output, which is OpenAPI 3.1's dialect) and from the route table. Only the OpenAPI
 * function imports this module, so no other bundle carries it.
 */
interface Operation {
  summary: string;
  body?: z.ZodMiniType;
  query?: z.ZodMiniType;
  status: number;
  response?: z.ZodMiniType;
  /** The route sends an ETag / honours If-Match / honours Idempotency-Key. */
  etag?: boolean;
  ifMatch?: boolean;
  idempotent?: boolean;
  /** Reads X-Customer-Id. */
  currentAccount?: boolean;
}

/** One entry per route name of lib/routes.ts; a test checks that none is missing. */
export const operations: Record<string, Operation> = {
  Health: { summary: 'Liveness', status: 200, response: z.object({ status: z.literal('ok') }) },
  OpenApi: { summary: 'This document', status: 200 },
  GetCurrentAccount: {
    summary: 'The current account',
    status: 200,
    response: Account,
    etag: true,
    currentAccount: true,
  },
  SwitchAccount: {
    summary: 'Make an account the default',
    body: SwitchAccountBody,
    status: 200,
    response: Account,
    etag: true,
  },
  ListAccounts: {
    summary: 'Accessible accounts',
    query: ListAccountsQuery,
    status: 200,
    response: AccountList,
  },
  CreateAccount: {
    summary: 'Create a standalone account',
    body: CreateAccountBody,
    status: 201,
    response: Account,
    idempotent: true,
  },
  CreateChild: {
    summary: 'Create a child account',
    body: CreateChildBody,
    status: 201,
    response: Account,
    idempotent: true,
    currentAccount: true,
  },
  GetAccount: { summary: 'An account', status: 200, response: Account, etag: true },
  DeleteAccount: { summary: 'Delete a child account', status: 204 },
  SetDomain: {
    summary: "Set or remove the account's domain",
    body: DomainBody,
    status: 200,
    response: Account,
    etag: true,
    ifMatch: true,
  },
  GetMembership: { summary: 'Membership settings', status: 200, response: Membership, etag: true },
  SetMembership: {
    summary: 'Change membership settings',
    body: MembershipBody,
    status: 200,
    response: Membership,
    etag: true,
    ifMatch: true,
  },
  GetPreferences: {
    summary: "The caller's notification preferences (the defaults until they save some)",
    status: 200,
    response: Preferences,
    etag: true,
  },
  PutPreferences: {
    summary: "Replace the caller's notification preferences",
    body: PutPreferencesBody,
    status: 200,
    response: Preferences,
    etag: true,
    ifMatch: true,
  },
};

const schema = (s: z.ZodMiniType, io: 'input' | 'output') => {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
};
const json = (s: z.ZodMiniType, io: 'input' | 'output') => ({
  'application/json': { schema: schema(s, io) },
});
const header = (name: string, description: string) => ({
  name,
  in: 'header',
  required: false,
  description,
  schema: { type: 'string' },
});

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const op = operations[route.name];
    if (!op) continue;
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string', maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' },
    }));
    const queryParams = op.query
      ? Object.entries((schema(op.query, 'input').properties ?? {}) as Record<string, unknown>).map(
          ([name, s]) => ({
            name,
            in: 'query',
            required: false,
            schema: s,
          }),
        )
      : [];
    const parameters = [
      ...pathParams,
      ...queryParams,
      ...(op.currentAccount ? [header('X-Customer-Id', 'Selects the current account for this request')] : []),
      ...(op.ifMatch ? [header('If-Match', 'The ETag last read; 412 when it no longer matches')] : []),
      ...(op.idempotent
        ? [header('Idempotency-Key', '1–255 printable ASCII characters; replays the first 201')]
        : []),
    ];
    paths[route.path] ??= {};
    const methods = paths[route.path] as Record<string, unknown>;
    methods[route.method.toLowerCase()] = {
      operationId: route.name,
      summary: op.summary,
      ...(route.auth ? {} : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: json(op.body, 'input') } } : {}),
      responses: {
        [op.status]: {
          description: 'Success',
          ...(op.etag ? { headers: { ETag: { schema: { type: 'string' } } } } : {}),
          ...(op.response ? { content: json(op.response, 'output') } : {}),
        },
        ...(route.auth ? { 401: { description: 'Missing or invalid ID token' } } : {}),
        default: { $ref: '#/components/responses/Error' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Accounts API', version: '1.0.0' },
    components: {
      securitySchemes: { cognitoIdToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      responses: { Error: { description: 'Error', content: json(ErrorBody, 'output') } },
    },
    security: [{ cognitoIdToken: [] }],
    paths,
  };
}

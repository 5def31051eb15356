import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchRoute, routes } from '../../lib/routes';
import { openApiDocument, operations } from '../../lib/schemas/openapi';

describe('route table', () => {
  it('matches literal segments before parameters, as API Gateway does', () => {
    expect(matchRoute('GET', '/accounts/current')?.route.name).toBe('GetCurrentAccount');
    expect(matchRoute('GET', '/accounts/abc')?.route.name).toBe('GetAccount');
    expect(matchRoute('GET', '/accounts/abc')?.pathParameters).toEqual({ customerId: 'abc' });
    expect(matchRoute('POST', '/accounts/create-child')?.route.name).toBe('CreateChild');
  });

  it('has no route for unknown paths or methods', () => {
    expect(matchRoute('GET', '/nope')).toBeUndefined();
    expect(matchRoute('POST', '/health')).toBeUndefined();
    expect(matchRoute('GET', '/accounts/')).toBeUndefined();
  });

  it('names a handler module that exists for every route, once per method and path', () => {
    for (const route of routes) expect(existsSync(`${route.handler}.ts`), route.handler).toBe(true);
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('leaves only /health and /openapi.json open', () => {
    expect(routes.filter((r) => !r.auth).map((r) => r.path)).toEqual(['/health', '/openapi.json']);
  });
});

describe('OpenAPI document', () => {
  it('documents every route of the table', () => {
    const document = openApiDocument();
    expect(document.openapi).toBe('3.1.0');
    for (const route of routes) {
      expect(operations[route.name], route.name).toBeDefined();
      expect(document.paths[route.path]?.[route.method.toLowerCase()], route.name).toBeDefined();
    }
  });

  it('is strict where the schemas are strict', () => {
    const create = openApiDocument().paths['/accounts']?.post as {
      requestBody: { content: { 'application/json': { schema: { additionalProperties: boolean } } } };
    };
    expect(create.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
  });
});

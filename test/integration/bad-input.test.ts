import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountRecord } from '../../lib/domain/account';
import { useTable } from '../support/dynamo';
import { type ApiRequest, call } from '../support/events';
import { newAccount, newChild, user } from '../support/fixtures';

/** Every bad input gets a clear 4xx and changes nothing: the table is compared before and after. */
const db = useTable();

let owner: string;
let parent: AccountRecord;
let child: AccountRecord;

beforeAll(async () => {
  owner = user('owner');
  parent = await newAccount(owner);
  child = await newChild(owner, parent);
});

const big = 'x'.repeat(17 * 1024);

const cases: [string, () => Omit<ApiRequest, 'sub'>, number, string][] = [
  ['malformed path id', () => ({ method: 'GET', path: '/accounts/not%20an%20id' }), 404, 'NOT_FOUND'],
  ['over-long path id', () => ({ method: 'GET', path: `/accounts/${'a'.repeat(65)}` }), 404, 'NOT_FOUND'],
  ['unknown path id', () => ({ method: 'DELETE', path: '/accounts/doesNotExist' }), 404, 'NOT_FOUND'],
  [
    'malformed X-Customer-Id',
    () => ({ method: 'GET', path: '/accounts/current', headers: { 'x-customer-id': '../etc' } }),
    404,
    'NOT_FOUND',
  ],
  [
    'oversized body',
    () => ({
      method: 'POST',
      path: '/accounts',
      rawBody: JSON.stringify({ company: big, name: 'x' }),
      headers: { 'content-type': 'application/json' },
    }),
    413,
    'PAYLOAD_TOO_LARGE',
  ],
  [
    'oversized body that is not even JSON',
    () => ({ method: 'POST', path: '/accounts', rawBody: big, headers: { 'content-type': 'text/plain' } }),
    413,
    'PAYLOAD_TOO_LARGE',
  ],
  [
    'no content type',
    () => ({ method: 'POST', path: '/accounts', rawBody: '{"company":"a","name":"b"}' }),
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  ],
  [
    'text/plain',
    () => ({
      method: 'POST',
      path: '/accounts',
      rawBody: '{"company":"a","name":"b"}',
      headers: { 'content-type': 'text/plain' },
    }),
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  ],
  [
    'application/jsonx',
    () => ({
      method: 'POST',
      path: '/accounts',
      rawBody: '{}',
      headers: { 'content-type': 'application/jsonx' },
    }),
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  ],
  [
    'unparseable JSON',
    () => ({
      method: 'POST',
      path: '/accounts',
      rawBody: '{"company":',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    }),
    400,
    'INVALID_JSON',
  ],
  [
    'empty body',
    () => ({
      method: 'POST',
      path: '/accounts',
      rawBody: '',
      headers: { 'content-type': 'application/json' },
    }),
    400,
    'INVALID_JSON',
  ],
  [
    'JSON that is not an object',
    () => ({ method: 'POST', path: '/accounts', body: ['a'] }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'role in a create',
    () => ({ method: 'POST', path: '/accounts', body: { company: 'a', name: 'b', role: 'SUPER_ADMIN' } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'type in a create',
    () => ({ method: 'POST', path: '/accounts', body: { company: 'a', name: 'b', type: 'PARENT' } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'parentId in a create',
    () => ({ method: 'POST', path: '/accounts', body: { company: 'a', name: 'b', parentId: parent.id } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'id in a create',
    () => ({ method: 'POST', path: '/accounts', body: { company: 'a', name: 'b', id: 'mine' } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'missing name',
    () => ({ method: 'POST', path: '/accounts', body: { company: 'a' } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'blank name',
    () => ({ method: 'POST', path: '/accounts', body: { company: 'a', name: '   ' } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'null name',
    () => ({ method: 'POST', path: '/accounts', body: { company: 'a', name: null } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'number name',
    () => ({ method: 'POST', path: '/accounts', body: { company: 'a', name: 42 } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    '201 code points',
    () => ({ method: 'POST', path: '/accounts', body: { company: 'a', name: '😀'.repeat(201) } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'control character',
    () => ({ method: 'POST', path: '/accounts', body: { company: 'a', name: 'a\u0007b' } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'format character',
    () => ({ method: 'POST', path: '/accounts', body: { company: 'a\u202eb', name: 'x' } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'null company on create-child',
    () => ({
      method: 'POST',
      path: '/accounts/create-child',
      body: { name: 'x', company: null, parentId: parent.id },
    }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'null parentId on create-child',
    () => ({ method: 'POST', path: '/accounts/create-child', body: { name: 'x', parentId: null } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'empty parentId',
    () => ({ method: 'POST', path: '/accounts/create-child', body: { name: 'x', parentId: '' } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'numeric parentId',
    () => ({ method: 'POST', path: '/accounts/create-child', body: { name: 'x', parentId: 7 } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'type on create-child',
    () => ({
      method: 'POST',
      path: '/accounts/create-child',
      body: { name: 'x', parentId: parent.id, type: 'CHILD' },
    }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'unknown parentId',
    () => ({ method: 'POST', path: '/accounts/create-child', body: { name: 'x', parentId: 'nope' } }),
    404,
    'NOT_FOUND',
  ],
  [
    'malformed parentId',
    () => ({ method: 'POST', path: '/accounts/create-child', body: { name: 'x', parentId: 'a/b' } }),
    404,
    'NOT_FOUND',
  ],
  [
    'role on switch',
    () => ({ method: 'PUT', path: '/accounts/current', body: { customerId: child.id, role: 'ADMIN' } }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'unknown customerId on switch',
    () => ({ method: 'PUT', path: '/accounts/current', body: { customerId: 'unknown' } }),
    404,
    'NOT_FOUND',
  ],
  [
    'bad Idempotency-Key',
    () => ({
      method: 'POST',
      path: '/accounts',
      body: { company: 'a', name: 'b' },
      headers: { 'idempotency-key': 'é' },
    }),
    400,
    'VALIDATION_FAILED',
  ],
  [
    'over-long Idempotency-Key',
    () => ({
      method: 'POST',
      path: '/accounts',
      body: { company: 'a', name: 'b' },
      headers: { 'idempotency-key': 'k'.repeat(256) },
    }),
    400,
    'VALIDATION_FAILED',
  ],
];

describe('bad input', () => {
  it.each(cases)('%s → %i %s, nothing written', async (_name, request, status, code) => {
    const before = await db.scanAll();
    const response = await call({ ...request(), sub: owner });
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(JSON.stringify(response.body)).not.toMatch(/stack|Exception|at \//);
    expect(await db.scanAll()).toEqual(before);
  });

  it('lists the failing fields in details', async () => {
    const response = await call({
      method: 'POST',
      path: '/accounts',
      sub: owner,
      body: { name: '', extra: 1 },
    });
    const paths = response.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['company', 'extra', 'name']);
  });

  it('stores names trimmed', async () => {
    const response = await call({
      method: 'POST',
      path: '/accounts',
      sub: user('t'),
      body: { company: '  Acme ', name: '\tHQ \n' },
    });
    expect(response.body).toMatchObject({ company: 'Acme', name: 'HQ' });
  });
});

import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config';
import { resetClient } from '../../lib/store/client';
import { call } from '../support/events';

/**
 * A store that does not answer, or refuses connections, is given up on within the contract's
 * 10 seconds and answered with 503 SERVICE_UNAVAILABLE and Retry-After, never a 500.
 */
let silent: Server;
const sockets: Socket[] = [];

function useEndpoint(endpoint: string) {
  process.env.TABLE_NAME = 'accounts-unavailable';
  process.env.DYNAMODB_ENDPOINT = endpoint;
  resetConfig();
  resetClient();
}

beforeAll(async () => {
  // Accepts connections and never says a word.
  silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});

afterAll(() => {
  for (const s of sockets) s.destroy();
  silent.close();
});

describe('store unavailable', () => {
  it('a silent store: 503 with Retry-After within 10 s', async () => {
    const address = silent.address() as { port: number };
    useEndpoint(`http://127.0.0.1:${address.port}`);
    const started = Date.now();
    const response = await call({ method: 'GET', path: '/accounts/current', sub: 'someone' });
    const elapsed = Date.now() - started;
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(response.headers['retry-after']).toBeDefined();
    expect(elapsed).toBeLessThan(10_000);
  }, 20_000);

  it('a refused connection: 503 with Retry-After', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    useEndpoint(`http://127.0.0.1:${port}`);
    const response = await call({
      method: 'POST',
      path: '/accounts',
      sub: 'someone',
      body: { company: 'a', name: 'b' },
    });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(JSON.stringify(response.body)).not.toContain('ECONNREFUSED');
  }, 20_000);
});

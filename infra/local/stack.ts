import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { resetConfig } from '../../lib/config';
import { resetClient } from '../../lib/store/client';
import { startCognitoLocal, updateStackFile } from './cognito';
import { ensureTable, startDynamoDbLocal } from './dynamodb';
import { type GatewayOptions, startGateway } from './gateway';
import { startLambdaEndpoint } from './lambda-endpoint';

/**
 * The whole local stack: DynamoDB Local → table → Lambda endpoint (trigger) → cognito-local →
 * gateway. The handlers run in this process and use the table through TABLE_NAME and
 * DYNAMODB_ENDPOINT, exactly as in Lambda.
 */
export const localTableName = 'accounts-local';

/** Fixed offsets from PORT, so issuer URLs (and thus tokens) stay valid across restarts. */
export function stackPorts(port: number): {
  gateway: number;
  dynamodb: number;
  cognito: number;
  lambda: number;
} {
  return { gateway: port, dynamodb: port + 1, cognito: port + 2, lambda: port + 3 };
}

export interface StackOptions {
  port: number;
  dataDir: string;
  log?: (line: string) => void;
  /** Tests: use this DynamoDB and table instead of starting DynamoDB Local under dataDir. */
  dynamodb?: { endpoint: string; tableName: string };
  gateway?: Pick<GatewayOptions, 'handlers' | 'throttleRps'>;
}

export interface LocalStack {
  readonly url: string;
  readonly cognitoEndpoint: string;
  readonly issuer: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly tableName: string;
  readonly dynamodbEndpoint: string;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const dataDir = resolve(options.dataDir);
  const ports = stackPorts(options.port);
  // Stopped in reverse order, also when start-up fails half-way.
  const started: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const stopOne of started.reverse()) {
        await stopOne().catch((error) => log(`stop failed: ${error}`));
      }
      resetClient();
    })();
    return stopping;
  };

  try {
    // Before anything starts: DynamoDB Local's readiness check would happily talk to another
    // stack's DynamoDB on a taken port.
    const needed = Object.entries(ports).filter(([name]) => !(name === 'dynamodb' && options.dynamodb));
    for (const [name, port] of needed) {
      if (!(await portIsFree(port))) {
        throw new Error(
          `Port ${port} (${name}) is already in use: is another local stack running? Choose another PORT (the stack uses PORT to PORT+3).`,
        );
      }
    }
    await mkdir(dataDir, { recursive: true });
    let dynamodbEndpoint: string;
    let tableName: string;
    if (options.dynamodb) {
      ({ endpoint: dynamodbEndpoint, tableName } = options.dynamodb);
    } else {
      const dynamodb = await startDynamoDbLocal({
        port: ports.dynamodb,
        dataDir: join(dataDir, 'dynamodb'),
        log,
      });
      started.push(dynamodb.stop);
      dynamodbEndpoint = dynamodb.endpoint;
      tableName = localTableName;
    }
    await ensureTable(dynamodbEndpoint, tableName);
    process.env.TABLE_NAME = tableName;
    process.env.DYNAMODB_ENDPOINT = dynamodbEndpoint;
    resetConfig();
    resetClient();

    const lambda = await startLambdaEndpoint({ port: ports.lambda, log });
    started.push(lambda.stop);
    const cognito = await startCognitoLocal({
      port: ports.cognito,
      dataDir,
      lambdaEndpoint: lambda.endpoint,
      log,
    });
    started.push(cognito.stop);
    const gateway = await startGateway({
      ...options.gateway,
      port: ports.gateway,
      issuer: cognito.issuer,
      jwksUri: cognito.jwksUri,
      clientId: cognito.clientId,
      log,
    });
    started.push(gateway.stop);

    const stack = {
      url: gateway.url,
      cognitoEndpoint: cognito.endpoint,
      issuer: cognito.issuer,
      userPoolId: cognito.userPoolId,
      clientId: cognito.clientId,
      tableName,
      dynamodbEndpoint,
    };
    await updateStackFile(dataDir, {
      ...stack,
      port: gateway.port,
      lambdaEndpoint: lambda.endpoint,
      pid: process.pid,
    });
    return { ...stack, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

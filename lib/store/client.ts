import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';

/**
 * One DocumentClient per process. Timeouts and retries are budgeted so that a store that does not
 * answer is given up on well inside the contract's 10 seconds (3 attempts × 2 s request timeout
 * plus backoff), after which the edge answers 503 with Retry-After. The trigger, which Cognito
 * waits on for at most 5 s, runs with STORE_TIMEOUT_MS=1000.
 */
let documentClient: DynamoDBDocumentClient | undefined;

export function ddb(): DynamoDBDocumentClient {
  if (!documentClient) {
    const { dynamodbEndpoint, storeTimeoutMs } = config();
    const client = new DynamoDBClient({
      maxAttempts: 3,
      requestHandler: {
        connectionTimeout: Math.min(1000, storeTimeoutMs),
        requestTimeout: storeTimeoutMs,
        throwOnRequestTimeout: true,
      },
      ...(dynamodbEndpoint
        ? {
            endpoint: dynamodbEndpoint,
            region: process.env.AWS_REGION ?? 'local',
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          }
        : {}),
    });
    documentClient = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }
  return documentClient;
}

export function tableName(): string {
  return config().tableName;
}

/** Tests point the store at another table or endpoint between suites. */
export function resetClient(): void {
  documentClient?.destroy();
  documentClient = undefined;
}

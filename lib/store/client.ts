import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';

/**
 * One DocumentClient per process. Timeouts and retries are budgeted so that a store that does not
 * answer is given up on well inside the contract's 10 seconds (3 attempts × 2 s request timeout
 * plus backoff), after which the edge answers 503 with Retry-After.
 */
let documentClient: DynamoDBDocumentClient | undefined;

export function ddb(): DynamoDBDocumentClient {
  if (!documentClient) {
    const { dynamodbEndpoint } = config();
    const client = new DynamoDBClient({
      maxAttempts: 3,
      requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true },
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

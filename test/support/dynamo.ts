import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { ensureTable, localClient } from '../../infra/local/dynamodb';
import { resetConfig } from '../../lib/config';
import { resetClient } from '../../lib/store/client';

export interface TestTable {
  readonly tableName: string;
  readonly endpoint: string;
  /** A client of its own (not the store's), for seeding and inspecting. */
  readonly client: DynamoDBDocumentClient;
  /** Every item of the table. */
  scanAll(): Promise<Record<string, unknown>[]>;
}

/**
 * Call at the top of an integration test file: a fresh table on the run's shared DynamoDB Local,
 * and the store (lib/config, lib/store/client) pointed at it for this file.
 */
export function useTable(): TestTable {
  const endpoint = inject('ddbEndpoint');
  const tableName = `test-${randomUUID()}`;
  const client = DynamoDBDocumentClient.from(localClient(endpoint), {
    marshallOptions: { removeUndefinedValues: true },
  });

  beforeAll(async () => {
    await ensureTable(endpoint, tableName);
    process.env.TABLE_NAME = tableName;
    process.env.DYNAMODB_ENDPOINT = endpoint;
    resetConfig();
    resetClient();
  });
  afterAll(async () => {
    resetClient();
    await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {});
    client.destroy();
  });

  return { tableName, endpoint, client, scanAll: () => scanAll(client, tableName) };
}

export async function scanAll(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true })) {
    items.push(...(page.Items ?? []));
  }
  return items;
}

import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client';
import type { Key } from './keys';

const id = (k: { pk: unknown; sk: unknown }): string => `${k.pk}\u0000${k.sk}`;

/**
 * BatchGetItem for up to 100 keys per request, re-asking for unprocessed keys.
 * Returns the found items by key; a missing key is simply absent.
 */
export async function batchGet(
  keyList: Key[],
  consistent = false,
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Map(keyList.map((k) => [id(k), k])).values()];
  for (let start = 0; start < unique.length; start += 100) {
    let pending: Key[] | undefined = unique.slice(start, start + 100);
    for (let attempt = 0; pending?.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
      if (attempt > 5)
        throw Object.assign(new Error('BatchGet left keys unprocessed'), { name: 'ThrottlingException' });
      const out = await ddb().send(
        new BatchGetCommand({
          RequestItems: { [tableName()]: { Keys: pending, ConsistentRead: consistent } },
        }),
      );
      for (const item of out.Responses?.[tableName()] ?? []) found.set(id(item as Key), item);
      pending = out.UnprocessedKeys?.[tableName()]?.Keys as Key[] | undefined;
    }
  }
  return found;
}

export const itemOf = (found: Map<string, Record<string, unknown>>, key: Key) => found.get(id(key));

/** BatchWriteItem deletes, 25 per request and up to 8 requests at a time, re-sending unprocessed ones. */
export async function batchDelete(keyList: Key[]): Promise<void> {
  const chunks: Key[][] = [];
  for (let start = 0; start < keyList.length; start += 25) chunks.push(keyList.slice(start, start + 25));
  for (let start = 0; start < chunks.length; start += 8) {
    await Promise.all(chunks.slice(start, start + 8).map(deleteChunk));
  }
}

async function deleteChunk(chunk: Key[]): Promise<void> {
  let pending = chunk.map((Key) => ({ DeleteRequest: { Key } }));
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
    if (attempt > 5)
      throw Object.assign(new Error('BatchWrite left items unprocessed'), { name: 'ThrottlingException' });
    const out = await ddb().send(new BatchWriteCommand({ RequestItems: { [tableName()]: pending } }));
    pending = (out.UnprocessedItems?.[tableName()] ?? []) as typeof pending;
  }
}

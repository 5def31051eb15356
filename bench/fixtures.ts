/**
 * Untimed seeding: items written straight into the table (BatchWriteItem, 25 at a time, a few
 * requests in flight) with the store's own item builders, so fixtures look exactly like what the
 * handlers write, without paying for thousands of handler calls before the clock starts.
 */
import { randomBytes } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountRecord } from '../lib/domain/account';
import type { Preference } from '../lib/domain/preferences';
import type { Role } from '../lib/domain/roles';
import { accountItem, membershipItem } from '../lib/store/items';
import { keys } from '../lib/store/keys';

export const newId = (): string => randomBytes(16).toString('base64url');

const NOW = '2026-01-01T00:00:00.000Z';

export function account(fields: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id: newId(),
    company: 'Bench Inc',
    name: 'Bench',
    customerDomain: null,
    parentId: null,
    childCount: 0,
    allowDomainAutoJoin: false,
    version: 1,
    settingsVersion: 1,
    settingsUpdatedAt: NOW,
    createdAt: NOW,
    updatedAt: NOW,
    ...fields,
  };
}

export class Seeder {
  /** Built at flush time, so edits made to an account after queueing it are written. */
  private pending: (() => Record<string, unknown>)[] = [];
  /** Items written so far (the table's size, as far as this run knows). */
  written = 0;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  accounts(...list: AccountRecord[]): this {
    for (const a of list) this.pending.push(() => accountItem(a));
    return this;
  }

  /** A parent with `n` children (childCount set to match); returns the children. */
  parentWithChildren(parent: AccountRecord, n: number, fields: Partial<AccountRecord> = {}): AccountRecord[] {
    parent.childCount = n;
    const children = Array.from({ length: n }, (_, i) =>
      account({ parentId: parent.id, name: `Child ${i}`, company: parent.company, ...fields }),
    );
    this.accounts(parent, ...children);
    return children;
  }

  member(sub: string, target: AccountRecord, role: Role): this {
    this.pending.push(() =>
      membershipItem({ sub, accountId: target.id, parentId: target.parentId, role, createdAt: NOW }),
    );
    return this;
  }

  profile(sub: string, defaultAccount?: AccountRecord, email = `${sub}@example.com`): this {
    this.pending.push(() => ({
      ...keys.profile(sub),
      sub,
      email,
      createdAt: NOW,
      ...(defaultAccount ? { defaultAccountId: defaultAccount.id } : {}),
      ...(defaultAccount?.parentId ? { defaultParentId: defaultAccount.parentId } : {}),
    }));
    return this;
  }

  preferences(sub: string, preferences: Preference[]): this {
    this.pending.push(() => ({
      ...keys.preferences(sub),
      entity: 'preferences',
      sub,
      preferences,
      updatedAt: NOW,
      version: 1,
    }));
    return this;
  }

  domain(domain: string, owner: AccountRecord): this {
    owner.customerDomain = domain;
    this.pending.push(() => ({
      ...keys.domain(domain),
      entity: 'domain',
      domain,
      accountId: owner.id,
      parentId: owner.parentId,
      createdAt: NOW,
    }));
    return this;
  }

  /** Writes everything queued. */
  async flush(parallel = 4): Promise<void> {
    const items = this.pending.map((build) => build());
    this.pending = [];
    const chunks: Record<string, unknown>[][] = [];
    // One write per key (BatchWriteItem refuses duplicates in a request): the last one queued wins.
    const unique = [...new Map(items.map((item) => [`${item.pk}\u0000${item.sk}`, item])).values()];
    for (let i = 0; i < unique.length; i += 25) chunks.push(unique.slice(i, i + 25));
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++] as Record<string, unknown>[];
        let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; requests.length; attempt++) {
          if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * attempt));
          const out = await this.client.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
          );
          requests = (out.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
        }
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    this.written += unique.length;
  }

  /** One item, now (for fixtures edited between phases). */
  async put(item: Record<string, unknown>): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }
}

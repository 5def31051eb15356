/**
 * Counting what a handler asks of DynamoDB: a middleware on a client's stack records every command
 * (name, start, end, consumed capacity) while a recording is open. The store's client and the
 * baselines' client get the same middleware, so both sides pay the same tiny overhead.
 */
import type { InitializeHandlerArguments, InitializeHandlerOutput, MiddlewareStack } from '@smithy/types';

export interface DdbCall {
  command: string;
  start: number;
  end: number;
  /** CapacityUnits as DynamoDB returned them (table plus indexes). */
  capacity: number;
  read: boolean;
  error?: string;
}

/** Commands that consume read units; everything else consumes write units. */
const READS = /^(Get|BatchGet|Query|Scan|TransactGet|GetItem|BatchGetItem|TransactGetItems)/;

let open: DdbCall[] | undefined;

interface Instrumentable {
  // biome-ignore lint/suspicious/noExplicitAny: any client's stack
  middlewareStack: MiddlewareStack<any, any>;
}

/** Adds the recorder to a client (DocumentClients share their client's stack). Idempotent. */
export function instrument(client: Instrumentable): void {
  client.middlewareStack.add(
    (next, context) =>
      async (args: InitializeHandlerArguments<object>): Promise<InitializeHandlerOutput<object>> => {
        const command = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        const input = args.input as Record<string, unknown>;
        const transaction = command === 'TransactWriteItems' || command === 'TransactWrite';
        input.ReturnConsumedCapacity = transaction ? 'INDEXES' : 'TOTAL';
        const calls = open;
        if (!calls) return next(args);
        const call: DdbCall = {
          command,
          start: performance.now(),
          end: 0,
          capacity: 0,
          read: READS.test(command),
        };
        calls.push(call);
        try {
          const out = await next(args);
          const consumed = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
          call.capacity = transaction
            ? transactionCapacity(input.TransactItems as TransactItem[], consumed)
            : capacityOf(consumed);
          return out;
        } catch (error) {
          call.error = (error as Error).name;
          throw error;
        } finally {
          call.end = performance.now();
        }
      },
    { step: 'initialize', name: 'benchRecorder', priority: 'high', override: true },
  );
}

/** Single operations return one object; batches and transactions return one per table. */
function capacityOf(consumed: unknown): number {
  if (!consumed) return 0;
  const list = Array.isArray(consumed) ? consumed : [consumed];
  return list.reduce((sum, c) => sum + Number((c as { CapacityUnits?: number }).CapacityUnits ?? 0), 0);
}

type TransactItem = Partial<Record<'Put' | 'Update' | 'Delete' | 'ConditionCheck', { Item?: unknown }>>;

/**
 * DynamoDB Local adds up the *distinct* per-item costs of a transaction (two items of the same
 * size count once: four 100-byte puts report 2 units), so the table part is computed here as the
 * pricing notes say: 2 write units per item per KB, rounded up per item. A Put's size is computed
 * from the item; an Update, Delete or ConditionCheck is counted as one KB (every item of this table
 * is smaller; the run prints the largest it found). The index part (one item per index per
 * transaction here, where the bug cannot bite) is what DynamoDB Local reports.
 */
function transactionCapacity(items: TransactItem[] | undefined, consumed: unknown): number {
  const table = (items ?? []).reduce((sum, item) => {
    const put = item.Put?.Item;
    return sum + 2 * (put ? Math.max(1, Math.ceil(itemSize(put) / 1024)) : 1);
  }, 0);
  const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as {
    GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
  }[];
  const indexes = list.reduce(
    (sum, c) =>
      sum +
      Object.values(c.GlobalSecondaryIndexes ?? {}).reduce(
        (s, index) => s + Number(index.CapacityUnits ?? 0),
        0,
      ),
    0,
  );
  return table + indexes;
}

/** An item's size by DynamoDB's rules: attribute names plus values (numbers approximately). */
export function itemSize(item: unknown): number {
  if (!item || typeof item !== 'object') return 0;
  return Object.entries(item as Record<string, unknown>).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value),
    0,
  );
}

function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace('.', '').length / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((s: number, v) => s + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((s: number, v) => s + 1 + valueSize(v), 0);
  if (typeof value === 'object') return 3 + Object.keys(value).length + itemSize(value);
  return 0;
}

export interface Recorded<T> {
  value: T;
  calls: DdbCall[];
  ms: number;
}

/** Runs `fn` with a recording open. Recordings do not nest; the bench runs one call at a time. */
export async function recorded<T>(fn: () => Promise<T>): Promise<Recorded<T>> {
  if (open) throw new Error('recordings do not nest');
  const calls: DdbCall[] = [];
  open = calls;
  const start = performance.now();
  try {
    const value = await fn();
    return { value, calls, ms: performance.now() - start };
  } finally {
    open = undefined;
  }
}

/**
 * Sequential round trips: the longest chain of calls in which each starts after the previous one
 * ended (calls that overlap ran in parallel and count once).
 */
export function roundTrips(calls: readonly DdbCall[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const chain: number[] = [];
  let longest = 0;
  for (let i = 0; i < sorted.length; i++) {
    const call = sorted[i] as DdbCall;
    let best = 0;
    for (let j = 0; j < i; j++) {
      if ((sorted[j] as DdbCall).end <= call.start) best = Math.max(best, chain[j] as number);
    }
    chain[i] = best + 1;
    longest = Math.max(longest, best + 1);
  }
  return longest;
}

export interface CallStats {
  ddbRequests: number;
  sequentialRoundTrips: number;
  consumedCapacity: number;
  readCapacity: number;
  writeCapacity: number;
  /** The distinct request sequences seen, e.g. "BatchGet → Update" (parallel calls joined by " ∥ "). */
  shapes: string[];
}

/** Means over many recorded calls of one route. */
export function callStats(samples: readonly (readonly DdbCall[])[]): CallStats {
  const n = Math.max(samples.length, 1);
  const sum = (f: (calls: readonly DdbCall[]) => number) => samples.reduce((s, calls) => s + f(calls), 0) / n;
  return {
    ddbRequests: round(sum((calls) => calls.length)),
    sequentialRoundTrips: round(sum(roundTrips)),
    consumedCapacity: round(sum((calls) => calls.reduce((s, c) => s + c.capacity, 0))),
    readCapacity: round(sum((calls) => calls.reduce((s, c) => s + (c.read ? c.capacity : 0), 0))),
    writeCapacity: round(sum((calls) => calls.reduce((s, c) => s + (c.read ? 0 : c.capacity), 0))),
    shapes: [...new Set(samples.map(shape))],
  };
}

/** "BatchGet → GetItem ∥ Query → TransactWrite": waves in order, parallel calls inside a wave. */
export function shape(calls: readonly DdbCall[]): string {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const waves: DdbCall[][] = [];
  let waveEnd = Number.NEGATIVE_INFINITY;
  for (const call of sorted) {
    if (call.start >= waveEnd || waves.length === 0) {
      waves.push([call]);
      waveEnd = call.end;
    } else {
      waves[waves.length - 1]?.push(call);
      waveEnd = Math.max(waveEnd, call.end);
    }
  }
  return waves.map((wave) => wave.map((c) => c.command).join(' ∥ ')).join(' → ') || '(none)';
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(Math.max(rank, 0), sorted.length - 1)] as number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

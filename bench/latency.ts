/**
 * Per route: the project's handler and its baseline, called in-process against DynamoDB Local,
 * interleaved (ABBA order, so drift and noise fall on both), warm-up calls first. Every measured
 * call is recorded: latency, DynamoDB requests, sequential round trips, consumed capacity.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Context } from 'aws-lambda';
import { projectRoot } from '../infra/bundling';
import type { Seeder } from './fixtures';
import { type CallStats, callStats, type DdbCall, percentile, recorded, round } from './measure';
import type { Scenario } from './scenarios';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export const lambdaContext = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:bench',
  memoryLimitInMB: '512',
  awsRequestId: 'bench',
  logGroupName: '/aws/lambda/bench',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 10_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
} as Context;

export interface SideResult extends CallStats {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  calls: number;
  /** Calls that did not answer the expected status (they still count in the figures). */
  errors: number;
}

export interface RouteResult extends SideResult {
  route: string;
  function: string;
  call: string;
  baselineDoes: string;
  /** Whether the two answers to the first call agreed (body, or shape for writes). */
  sameAnswer: boolean;
  answerNote?: string;
  baseline: SideResult;
}

export async function loadHandler(file: string): Promise<Handler> {
  const module = (await import(pathToFileURL(file).href)) as { handler: Handler };
  if (typeof module.handler !== 'function') throw new Error(`${file} exports no handler`);
  return module.handler;
}

export const oursFile = (handler: string): string => path.join(projectRoot, `${handler}.ts`);
export const baselineFile = (name: string): string =>
  path.join(projectRoot, 'bench', 'baselines', `${name}.ts`);

export async function benchScenario(
  scenario: Scenario,
  seed: Seeder,
  options: { warmup: number; calls: number },
): Promise<RouteResult> {
  const [ours, base] = await Promise.all([
    loadHandler(oursFile(scenario.handler)),
    loadHandler(baselineFile(scenario.baseline)),
  ]);
  const total = options.warmup + options.calls;
  const events = scenario.setup(seed, total);
  await seed.flush();

  const samples = {
    ours: [] as { ms: number; calls: DdbCall[] }[],
    base: [] as { ms: number; calls: DdbCall[] }[],
  };
  const errors = { ours: 0, base: 0 };
  const firstAnswers: { ours?: unknown; base?: unknown } = {};
  let firstError: string | undefined;

  const one = async (side: 'ours' | 'base', i: number) => {
    const event = (side === 'ours' ? events.ours : events.base)(i);
    const handler = side === 'ours' ? ours : base;
    const run = await recorded(() => handler(event, lambdaContext));
    const status = (run.value as { statusCode?: number }).statusCode ?? 0;
    if (status !== scenario.status) {
      errors[side]++;
      firstError ??= `${side} call ${i}: ${status} ${JSON.stringify((run.value as { body?: unknown }).body)}`;
    }
    if (i === 0) firstAnswers[side] = run.value;
    if (i >= options.warmup) samples[side].push({ ms: run.ms, calls: run.calls });
  };

  for (let i = 0; i < total; i++) {
    if (i % 2 === 0) {
      await one('ours', i);
      await one('base', i);
    } else {
      await one('base', i);
      await one('ours', i);
    }
  }
  if (firstError) process.stderr.write(`  ! ${scenario.route}: unexpected answer, e.g. ${firstError}\n`);
  const { same, note } = compareAnswers(scenario, firstAnswers.ours, firstAnswers.base);
  if (!same) process.stderr.write(`  ! ${scenario.route}: answers differ: ${note}\n`);

  return {
    route: scenario.route,
    function: scenario.function,
    call: scenario.call,
    baselineDoes: scenario.floor,
    ...side(samples.ours, errors.ours),
    sameAnswer: same,
    ...(note ? { answerNote: note } : {}),
    baseline: side(samples.base, errors.base),
  };
}

function side(samples: { ms: number; calls: DdbCall[] }[], errors: number): SideResult {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    ...callStats(samples.map((s) => s.calls)),
    p50Ms: round(percentile(sorted, 50), 3),
    p95Ms: round(percentile(sorted, 95), 3),
    p99Ms: round(percentile(sorted, 99), 3),
    meanMs: round(sorted.reduce((s, v) => s + v, 0) / Math.max(sorted.length, 1), 3),
    calls: samples.length,
    errors,
  };
}

/** Reads must answer the same bytes (but the request id); writes the same status and shape. */
function compareAnswers(scenario: Scenario, ours: unknown, base: unknown): { same: boolean; note?: string } {
  const a = normalise(ours, scenario.compare);
  const b = normalise(base, scenario.compare);
  if (isDeepStrictEqual(a, b)) return { same: true };
  return {
    same: false,
    note: `ours ${JSON.stringify(a).slice(0, 300)} | baseline ${JSON.stringify(b).slice(0, 300)}`,
  };
}

function normalise(result: unknown, mode: 'exact' | 'shape'): unknown {
  const r = result as { statusCode?: number; headers?: Record<string, string>; body?: string } | undefined;
  if (r?.statusCode === undefined) return mode === 'exact' ? result : shapeOf(result);
  const headers = { ...r.headers };
  delete headers['x-request-id'];
  const body = r.body ? JSON.parse(r.body) : undefined;
  if (mode === 'exact') return { status: r.statusCode, headers, body };
  return { status: r.statusCode, headers: Object.keys(headers).sort(), body: shapeOf(body) };
}

/** Keys and value types, recursively; enums that say what was done (type, role) kept as values. */
function shapeOf(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => shapeOf(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([k, v]) => [k, shapeOf(v, k)]),
    );
  }
  if (['type', 'role', 'isDefault', 'allowDomainAutoJoin', 'triggerSource'].includes(key)) return value;
  return value === null ? null : typeof value;
}

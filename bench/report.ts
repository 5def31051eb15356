/**
 * The goals the benchmark makes visible, and the Markdown tables it prints.
 */
import { type BundleResult, PARTS } from './bundles';
import type { RouteResult } from './latency';
import type { ScalingRow } from './scaling';

export const GOALS = {
  bundleBytesRatio: 1.25,
  initMsRatio: 1.2,
  p50Ratio: 1.3,
} as const;

const EPSILON = 1e-6;

export interface RouteGoals {
  ddbRequests: boolean;
  sequentialRoundTrips: boolean;
  consumedCapacity: boolean;
  p50: boolean;
}

export function routeGoals(r: RouteResult): RouteGoals {
  return {
    ddbRequests: r.ddbRequests <= r.baseline.ddbRequests + EPSILON,
    sequentialRoundTrips: r.sequentialRoundTrips <= r.baseline.sequentialRoundTrips + EPSILON,
    consumedCapacity: r.consumedCapacity <= r.baseline.consumedCapacity + EPSILON,
    p50: r.p50Ms <= GOALS.p50Ratio * r.baseline.p50Ms,
  };
}

export interface BundleGoals {
  bytes: boolean;
  initMs: boolean;
}

export function bundleGoals(b: BundleResult): BundleGoals {
  return {
    bytes: b.bytes <= GOALS.bundleBytesRatio * b.baseline.bytes,
    initMs: b.initMs <= GOALS.initMsRatio * b.baseline.initMs,
  };
}

const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}×` : a > 0 ? '∞' : '–');
const num = (n: number, digits = 2): string => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
const signed = (n: number): string => `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(2)}`;
const pair = (a: number, b: number, digits = 2): string => `${num(a, digits)} / ${num(b, digits)}`;

function verdict(goals: Record<string, boolean>, names: Record<string, string>): string {
  const unmet = Object.entries(goals)
    .filter(([, ok]) => !ok)
    .map(([k]) => names[k] ?? k);
  return unmet.length === 0 ? '✅ met' : `❌ ${unmet.join(', ')}`;
}

export function routesTable(routes: RouteResult[]): string {
  const lines = [
    '| route | DDB requests ours / floor | round trips ours / floor | capacity units ours / floor | p50 ms ours / floor (ratio, difference) | p95 ms ours / floor | p99 ms ours / floor | goals |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of routes) {
    const b = r.baseline;
    lines.push(
      `| ${r.route} | ${pair(r.ddbRequests, b.ddbRequests)} | ${pair(r.sequentialRoundTrips, b.sequentialRoundTrips)} | ${pair(r.consumedCapacity, b.consumedCapacity)} | ${pair(r.p50Ms, b.p50Ms)} (${ratio(r.p50Ms, b.p50Ms)}, ${signed(r.p50Ms - b.p50Ms)}) | ${pair(r.p95Ms, b.p95Ms)} | ${pair(r.p99Ms, b.p99Ms)} | ${verdict(
        { ...routeGoals(r) },
        {
          ddbRequests: 'requests',
          sequentialRoundTrips: 'round trips',
          consumedCapacity: 'capacity',
          p50: 'p50',
        },
      )}${r.errors || b.errors ? ` ⚠ ${r.errors}/${b.errors} unexpected answers` : ''}${r.sameAnswer ? '' : ' ⚠ answers differ'} |`,
    );
  }
  return lines.join('\n');
}

export function sequencesTable(routes: RouteResult[]): string {
  const lines = [
    '| route | the measured call | our requests, wave by wave | the floor (baseline) |',
    '|---|---|---|---|',
  ];
  for (const r of routes) {
    lines.push(
      `| ${r.route} | ${r.call} | ${r.shapes.join('<br>')} | ${r.baselineDoes}: ${r.baseline.shapes.join('<br>')} |`,
    );
  }
  return lines.join('\n');
}

export function bundlesTable(bundles: BundleResult[]): string {
  const lines = [
    '| function | minified KB ours / floor (ratio) | cold init ms ours / floor (ratio) | fastest init ms ours / floor | peak RSS MB ours / floor | goals |',
    '|---|---|---|---|---|---|',
  ];
  for (const b of bundles) {
    lines.push(
      `| ${b.function} | ${pair(b.bytes / 1024, b.baseline.bytes / 1024, 1)} (${ratio(b.bytes, b.baseline.bytes)}) | ${pair(b.initMs, b.baseline.initMs, 1)} (${ratio(b.initMs, b.baseline.initMs)}) | ${pair(b.initRange.ours[0], b.initRange.baseline[0], 1)} | ${pair(b.rssMb, b.baseline.rssMb, 1)} | ${verdict(
        { ...bundleGoals(b) },
        { bytes: 'size', initMs: 'cold init' },
      )} |`,
    );
  }
  return lines.join('\n');
}

export function scalingTable(rows: ScalingRow[]): string {
  const lines = [
    '| case | n | table items | DDB requests ours / floor | round trips ours / floor | capacity units ours / floor | ms ours / floor | pages |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const b = r.baseline;
    lines.push(
      `| ${r.case} | ${r.n} | ${r.tableItems} | ${pair(r.ddbRequests, b.ddbRequests)} | ${pair(r.sequentialRoundTrips, b.sequentialRoundTrips)} | ${pair(r.consumedCapacity, b.consumedCapacity)} | ${pair(r.ms, b.ms, 1)} | ${r.pages ?? '–'} |`,
    );
  }
  return lines.join('\n');
}

export function compositionTable(bundles: BundleResult[]): string {
  const lines = [`| function | ${PARTS.join(' | ')} |`, `|---|${PARTS.map(() => '---').join('|')}|`];
  const kb = (n: number | undefined) => ((n ?? 0) / 1024).toFixed(1);
  for (const b of bundles) {
    const { ours, baseline } = b.composition;
    lines.push(`| ${b.function} | ${PARTS.map((p) => `${kb(ours[p])} / ${kb(baseline[p])}`).join(' | ')} |`);
  }
  return lines.join('\n');
}

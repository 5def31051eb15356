/**
 * Every function bundle built exactly as CDK builds it (infra/bundling.ts), beside its baseline's
 * bundle built with the same options; then cold init: a fresh Node.js process that imports the
 * bundle, timed from inside (the import only), with the function's Lambda environment.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { bundleFileName, bundleFunction } from '../infra/bundling';
import { routes, triggers } from '../lib/routes';
import { median, round } from './measure';
import { scenarios } from './scenarios';

export interface BuiltBundle {
  function: string;
  file: string;
  bytes: number;
  baselineFile: string;
  baselineBytes: number;
  /** Bytes in the output by origin (see PARTS), ours and the baseline's. */
  composition: { ours: Record<string, number>; baseline: Record<string, number> };
}

/** What a bundle is made of, in the groups the report shows. */
export const PARTS = ['AWS SDK', 'Powertools', 'zod', 'middy', 'project code', 'other'] as const;

function partOf(input: string): (typeof PARTS)[number] {
  const pkg = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
  if (!pkg) return 'project code';
  if (
    /^@(aws-sdk|smithy|aws-crypto|aws)\/|^(mnemonist|obliterator|tslib|fast-xml-parser|strnum|bowser|uuid)$/.test(
      pkg,
    )
  )
    return 'AWS SDK';
  if (pkg.startsWith('@aws-lambda-powertools/')) return 'Powertools';
  if (pkg === 'zod') return 'zod';
  if (pkg.startsWith('@middy/')) return 'middy';
  return 'other';
}

function composition(metafile: Metafile): Record<string, number> {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  const parts: Record<string, number> = Object.fromEntries(PARTS.map((p) => [p, 0]));
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    parts[partOf(input)] = (parts[partOf(input)] ?? 0) + bytesInOutput;
  }
  return parts;
}

export interface BundleResult {
  function: string;
  bytes: number;
  initMs: number;
  rssMb: number;
  baseline: { bytes: number; initMs: number; rssMb: number };
  composition: BuiltBundle['composition'];
  /** Spread of the cold-init samples (ms): min and max, ours and baseline. */
  initRange: { ours: [number, number]; baseline: [number, number] };
}

/** Every route's function and every trigger, with the baseline that stands for it. */
export function functionsToBundle(): { name: string; handler: string; baseline: string }[] {
  const baselineOf = (name: string) => {
    const scenario = scenarios.find((s) => s.function === name);
    if (!scenario) throw new Error(`No baseline for ${name}`);
    return scenario.baseline;
  };
  return [...routes, ...triggers].map((f) => ({
    name: f.name,
    handler: f.handler,
    baseline: baselineOf(f.name),
  }));
}

export async function buildAll(outDir: string): Promise<BuiltBundle[]> {
  const built: BuiltBundle[] = [];
  for (const f of functionsToBundle()) {
    const file = path.join(outDir, f.name, bundleFileName);
    const baselineFile = path.join(outDir, `${f.name}.baseline`, bundleFileName);
    const ours = await bundleFunction(`${f.handler}.ts`, file);
    const base = await bundleFunction(`bench/baselines/${f.baseline}.ts`, baselineFile);
    built.push({
      composition: { ours: composition(ours), baseline: composition(base) },
      function: f.name,
      file,
      bytes: (await stat(file)).size,
      baselineFile,
      baselineBytes: (await stat(baselineFile)).size,
    });
  }
  return built;
}

/** What the child prints: the import's duration and the process's peak RSS (KB on Linux). */
const CHILD = `
const t = performance.now();
const m = await import(process.env.BENCH_BUNDLE);
const ms = performance.now() - t;
if (typeof m.handler !== 'function') throw new Error('no handler export');
process.stdout.write(JSON.stringify({ ms, maxRss: process.resourceUsage().maxRSS }));
`;

/** The environment the house construct gives a function (infra/constructs/house-function.ts). */
const lambdaEnv = (bundle: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  BENCH_BUNDLE: pathToFileURL(bundle).href,
  TABLE_NAME: 'bench',
  AWS_REGION: 'us-east-1',
  POWERTOOLS_SERVICE_NAME: 'accounts',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  NODE_OPTIONS: '--enable-source-maps',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

/** One fresh process; a sample that fails (e.g. killed under load) is taken again, twice at most. */
export async function coldInit(bundle: string, attempts = 3): Promise<{ ms: number; rssKb: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await coldInitOnce(bundle);
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

function coldInitOnce(bundle: string): Promise<{ ms: number; rssKb: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
      cwd: path.dirname(bundle),
      env: lambdaEnv(bundle),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk;
    });
    child.once('error', fail);
    // 'close', not 'exit': only then is everything the child wrote read.
    child.once('close', (code, signal) => {
      try {
        if (code !== 0) throw new Error(`exit ${code ?? signal}: ${err.slice(0, 500)}`);
        const { ms, maxRss } = JSON.parse(out) as { ms: number; maxRss: number };
        done({ ms, rssKb: maxRss });
      } catch (error) {
        fail(new Error(`cold init of ${bundle} failed: ${(error as Error).message}`));
      }
    });
  });
}

export async function measureBundles(built: BuiltBundle[], runs: number): Promise<BundleResult[]> {
  const results: BundleResult[] = [];
  for (const b of built) {
    const ours: { ms: number; rssKb: number }[] = [];
    const base: { ms: number; rssKb: number }[] = [];
    // One throw-away pair first (file cache); then ours and the baseline start together, so the
    // two share whatever else the machine is doing (two cores: one process each).
    await Promise.all([coldInit(b.file), coldInit(b.baselineFile)]);
    for (let i = 0; i < runs; i++) {
      const [o, f] = await Promise.all([coldInit(b.file), coldInit(b.baselineFile)]);
      ours.push(o);
      base.push(f);
    }
    const ms = (list: { ms: number }[]) => list.map((s) => s.ms);
    const rss = (list: { rssKb: number }[]) => round(median(list.map((s) => s.rssKb)) / 1024, 1);
    const range = (list: number[]): [number, number] => [
      round(Math.min(...list), 1),
      round(Math.max(...list), 1),
    ];
    results.push({
      function: b.function,
      bytes: b.bytes,
      initMs: round(median(ms(ours)), 1),
      rssMb: rss(ours),
      baseline: { bytes: b.baselineBytes, initMs: round(median(ms(base)), 1), rssMb: rss(base) },
      composition: b.composition,
      initRange: { ours: range(ms(ours)), baseline: range(ms(base)) },
    });
    process.stderr.write(
      `  ${b.function}: ${(b.bytes / 1024).toFixed(0)} KB / ${(b.baselineBytes / 1024).toFixed(0)} KB, init ${median(ms(ours)).toFixed(1)} / ${median(ms(base)).toFixed(1)} ms\n`,
    );
  }
  return results;
}

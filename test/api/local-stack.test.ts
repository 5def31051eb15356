import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, expect, it } from 'vitest';
import { localClient } from '../../infra/local/dynamodb';
import { freePortBlock, isPortFree } from '../support/stack';

/**
 * The real `npm start` as a user runs it: it answers, keeps its data across a restart, and leaves
 * no process behind (java, cognito-local, tsx) and no port taken after SIGTERM.
 */

interface Run {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const seen = new Set<number>();
let dataDir: string | undefined;

afterAll(async () => {
  // Only if the test failed half-way: end whatever it started, by pid.
  for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function npmStart(port: number, dir: string): Run {
  const child = spawn('npm', ['start'], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid) seen.add(child.pid);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  run?: Run,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${run?.output() ?? ''}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

/** pid and command line of a process and all its descendants. */
function processTree(root: number): Array<{ pid: number; command: string }> {
  const rows = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((match) => match !== null)
    .map(([, pid, ppid, command]) => ({ pid: Number(pid), ppid: Number(ppid), command: command as string }));
  const tree = rows.filter((row) => row.pid === root);
  for (let i = 0; i < tree.length; i++) {
    tree.push(...rows.filter((row) => row.ppid === tree[i]?.pid));
  }
  for (const { pid } of tree) seen.add(pid);
  return tree.map(({ pid, command }) => ({ pid, command }));
}

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}

async function token(email: string, port: number, dir: string): Promise<string> {
  return new Promise((done, fail) =>
    execFile(
      'npm',
      ['run', '-s', 'token', '--', email],
      { env: { ...process.env, PORT: String(port), DATA_DIR: dir } },
      (error, stdout, stderr) => (error ? fail(new Error(stderr)) : done(stdout.trim())),
    ),
  );
}

const sub = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')).sub as string;

async function startAndWait(port: number, dir: string): Promise<Run> {
  const run = npmStart(port, dir);
  await waitFor('"Local stack ready"', () => run.output().includes('Local stack ready'), 90_000, run);
  return run;
}

/** SIGTERM to npm, as a process manager would send it; then nothing of the tree may remain. */
async function stopAndCheck(run: Run, port: number): Promise<void> {
  const tree = processTree(run.child.pid as number);
  expect(tree.some(({ command }) => command.includes('DynamoDBLocal'))).toBe(true);
  expect(tree.some(({ command }) => command.includes('cognito-local'))).toBe(true);
  run.child.kill('SIGTERM');
  await run.exited;
  await waitFor('the whole process tree to exit', () => tree.every(({ pid }) => !alive(pid)), 20_000, run);
  for (let offset = 0; offset < 4; offset++) expect(await isPortFree(port + offset)).toBe(true);
}

it('npm start answers, keeps data across a restart and leaves nothing running after SIGTERM', async () => {
  const port = await freePortBlock(4);
  dataDir = await mkdtemp(join(tmpdir(), 'npm-start-'));
  const url = `http://localhost:${port}`;

  let run = await startAndWait(port, dataDir);
  const health = await fetch(`${url}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  const first = await token('Lena@example.com', port, dataDir);
  const current = await fetch(`${url}/accounts/current`, { headers: { authorization: `Bearer ${first}` } });
  expect(current.status).toBe(404);
  expect(await current.json()).toMatchObject({ error: { code: 'NO_CURRENT_ACCOUNT' } });
  await stopAndCheck(run, port);

  run = await startAndWait(port, dataDir);
  const second = await token('lena@example.com', port, dataDir);
  expect(sub(second)).toBe(sub(first));
  // A token of the first run still passes: same port, same issuer, same key.
  expect(
    (await fetch(`${url}/accounts/current`, { headers: { authorization: `Bearer ${first}` } })).status,
  ).toBe(404);
  // The trigger's profile item of the first run is still in DynamoDB Local's files.
  const client = localClient(`http://127.0.0.1:${port + 1}`);
  const { Items = [] } = await client.send(new ScanCommand({ TableName: 'accounts-local' }));
  client.destroy();
  expect(Items.some((item) => item.pk?.S === `USER#${sub(first)}` && item.sk?.S === 'PROFILE')).toBe(true);
  await stopAndCheck(run, port);
}, 240_000);

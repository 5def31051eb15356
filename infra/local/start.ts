import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { type LocalStack, stackPorts, startStack } from './stack';

/**
 * `npm start`: the whole stack on this machine. PORT (default 3000) is the gateway; DynamoDB Local,
 * cognito-local and the Lambda endpoint take PORT+1, +2, +3. Data lives under DATA_DIR (default
 * .local/) and survives restarts. Every child process is stopped on Ctrl-C, SIGTERM or a crash.
 */
// Node 20 here, Node 22 in Lambda, SDK pinned by the lockfile: its Node 22 notice is noise (read
// when the first client is made, so setting it here is in time).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const port = Number(process.env.PORT || 3000);
const dataDir = resolve(process.env.DATA_DIR || '.local');
const throttleRps = Number(process.env.THROTTLE_RPS || 0);
if (!Number.isInteger(port) || port < 1 || port > 65532)
  throw new Error(`PORT must be a port number, not ${port}`);

let stack: LocalStack | undefined;
let shuttingDown = false;

const starting = startStack({
  port,
  dataDir,
  gateway: { throttleRps },
  log: (line) => console.log(line),
});

async function shutdown(code: number, reason: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  console.error(`${reason}: stopping the local stack…`);
  // A signal during start-up: startStack stops what it started when it fails, else stop it here.
  await starting.then((running) => running.stop()).catch(() => {});
  process.exit(code);
}

// Ctrl-C reaches this process both from the terminal and relayed by tsx: handled once.
process.on('SIGINT', () => void shutdown(130, 'SIGINT'));
process.on('SIGTERM', () => void shutdown(143, 'SIGTERM'));
process.on('SIGHUP', () => void shutdown(129, 'SIGHUP'));
process.on('uncaughtException', (error) => {
  console.error(error);
  void shutdown(1, 'uncaught exception');
});
process.on('unhandledRejection', (error) => {
  console.error(error);
  void shutdown(1, 'unhandled rejection');
});

/**
 * `npm start` runs npm → sh → tsx → this process. npm passes SIGTERM to sh, which dies without
 * passing it on, leaving tsx and this process orphaned: so also stop when the processes that
 * launched this one are gone (Node has no parent-death signal).
 */
function watchLaunchers(onGone: () => void): void {
  const parent = process.ppid;
  const launchers = [parent];
  try {
    const grandparent = Number(
      execFileSync('ps', ['-o', 'ppid=', '-p', String(parent)], { encoding: 'utf8' }).trim(),
    );
    if (grandparent > 1) launchers.push(grandparent);
  } catch {
    // No ps: watch the parent only.
  }
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  const timer = setInterval(() => {
    if (process.ppid !== parent || !launchers.every(alive)) {
      clearInterval(timer);
      onGone();
    }
  }, 500);
  timer.unref();
}
watchLaunchers(() => void shutdown(1, 'launching process gone'));

try {
  stack = await starting;
} catch (error) {
  console.error(`The local stack could not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

const ports = stackPorts(port);
const envPrefix = [
  port !== 3000 && `PORT=${port}`,
  process.env.DATA_DIR && `DATA_DIR=${process.env.DATA_DIR}`,
]
  .filter(Boolean)
  .join(' ');
const run = envPrefix ? `${envPrefix} npm run -s token` : 'npm run -s token';
console.log(`
Local stack ready (data in ${dataDir}):
  API            ${stack.url}
  cognito-local  http://localhost:${ports.cognito}  pool ${stack.userPoolId}, client ${stack.clientId}
  DynamoDB Local ${stack.dynamodbEndpoint}  table ${stack.tableName}
  Lambda invoke  http://127.0.0.1:${ports.lambda}

Try:
  TOKEN=$(${run} -- alice@example.com)
  curl -H "authorization: Bearer $TOKEN" ${stack.url}/accounts/current
`);

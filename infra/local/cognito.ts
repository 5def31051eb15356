import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

/**
 * cognito-local as a child process: it keeps its data in `.cognito/` under its cwd, and running it
 * apart keeps its AWS SDK v2 (and its global state) out of the process that runs the handlers.
 *
 * This module imports nothing but Node built-ins: the token command loads it and must start fast.
 */
export interface CognitoLocal {
  /** Where cognito-local's JSON API answers (what this stack calls). */
  readonly endpoint: string;
  /** The `iss` of its tokens, as API Gateway's authorizer would be configured. */
  readonly issuer: string;
  readonly jwksUri: string;
  readonly userPoolId: string;
  readonly clientId: string;
  stop(): Promise<void>;
}

const startScript = createRequire(import.meta.url).resolve('cognito-local/lib/bin/start.js');

/** The name cognito-local gives the Lambda endpoint for the post-confirmation trigger. */
export const postConfirmationFunction = 'PostConfirmation';

export async function startCognitoLocal(options: {
  port: number;
  /** The stack's DATA_DIR: cognito-local's data goes under `cognito/`, the pool ids in stack.json. */
  dataDir: string;
  lambdaEndpoint: string;
  log?: (line: string) => void;
}): Promise<CognitoLocal> {
  const cwd = resolve(options.dataDir, 'cognito');
  await mkdir(join(cwd, '.cognito'), { recursive: true });
  // Read by cognito-local at start; written every time because the ports follow PORT.
  const config = {
    LambdaClient: {
      endpoint: options.lambdaEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    },
    TriggerFunctions: { PostConfirmation: postConfirmationFunction },
    UserPoolDefaults: { UsernameAttributes: ['email'] },
    TokenConfig: { IssuerDomain: `http://localhost:${options.port}` },
    ServerConfig: { hostname: '127.0.0.1', port: options.port, https: false, development: false },
  };
  await writeFile(join(cwd, '.cognito', 'config.json'), `${JSON.stringify(config, null, 2)}\n`);

  const log = options.log;
  // cognito-local logs every client error (e.g. AdminGetUser of a new user) as a multi-line WARN:
  // pass on only ERROR records, such as a failed trigger.
  let errorRecord = false;
  const child = watchChild(
    'cognito-local',
    // --no-warnings: silence the SDK v2 end-of-support notice printed at every start.
    spawn(process.execPath, ['--no-warnings', startScript], {
      cwd,
      env: { ...process.env, PORT: String(options.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    {
      onLine: (line) => {
        const level = line.match(/^\[\d+\] (\w+):/)?.[1];
        if (level) errorRecord = level === 'ERROR' || level === 'FATAL';
        if (errorRecord) log?.(`[cognito-local] ${line}`);
      },
      onCrash: log,
    },
  );
  const endpoint = `http://127.0.0.1:${options.port}`;
  try {
    await waitForHealth(endpoint, child);
    const { userPoolId, clientId } = await ensurePool(endpoint, await readStackFile(options.dataDir));
    await updateStackFile(options.dataDir, { userPoolId, clientId });
    return {
      endpoint,
      issuer: `${config.TokenConfig.IssuerDomain}/${userPoolId}`,
      jwksUri: `${endpoint}/${userPoolId}/.well-known/jwks.json`,
      userPoolId,
      clientId,
      stop: child.stop,
    };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

async function waitForHealth(endpoint: string, child: Child): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exited) throw new Error(`cognito-local exited during start-up:\n${child.output()}`);
    const ok = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`cognito-local did not answer on ${endpoint}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** Reuses the pool and client of an earlier start, so users and tokens survive restarts. */
async function ensurePool(
  endpoint: string,
  previous: StackFile,
): Promise<{ userPoolId: string; clientId: string }> {
  const { userPoolId, clientId } = previous;
  if (userPoolId && clientId) {
    try {
      await cognitoRequest(endpoint, 'DescribeUserPool', { UserPoolId: userPoolId });
      await cognitoRequest(endpoint, 'DescribeUserPoolClient', {
        UserPoolId: userPoolId,
        ClientId: clientId,
      });
      return { userPoolId, clientId };
    } catch (error) {
      // Its data was wiped: make new ones.
      if (!(error instanceof CognitoError && error.type === 'ResourceNotFoundException')) throw error;
    }
  }
  const { UserPool } = await cognitoRequest<{ UserPool: { Id: string } }>(endpoint, 'CreateUserPool', {
    PoolName: 'accounts-local',
    UsernameAttributes: ['email'],
  });
  const { UserPoolClient } = await cognitoRequest<{ UserPoolClient: { ClientId: string } }>(
    endpoint,
    'CreateUserPoolClient',
    {
      UserPoolId: UserPool.Id,
      ClientName: 'accounts-local',
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    },
  );
  return { userPoolId: UserPool.Id, clientId: UserPoolClient.ClientId };
}

/** An error answer of the Cognito JSON API (`__type` is the exception name). */
export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(`${type}: ${message}`);
    this.name = 'CognitoError';
  }
}

/** One call of the Cognito Identity Provider JSON API, as the AWS SDK would make it. */
export async function cognitoRequest<T = Record<string, unknown>>(
  endpoint: string,
  operation: string,
  body: Record<string, unknown>,
): Promise<T> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const type =
      String(data.__type ?? data.code ?? `HTTP ${response.status}`)
        .split('#')
        .pop() ?? 'Error';
    throw new CognitoError(type, String(data.message ?? text));
  }
  return data as T;
}

/** `$DATA_DIR/stack.json`: ports, URLs and the pool ids of the stack running on that folder. */
export interface StackFile {
  port?: number;
  url?: string;
  cognitoEndpoint?: string;
  issuer?: string;
  userPoolId?: string;
  clientId?: string;
  tableName?: string;
  dynamodbEndpoint?: string;
  lambdaEndpoint?: string;
  pid?: number;
}

export const stackFilePath = (dataDir: string): string => resolve(dataDir, 'stack.json');

export async function readStackFile(dataDir: string): Promise<StackFile> {
  try {
    return JSON.parse(await readFile(stackFilePath(dataDir), 'utf8')) as StackFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

export async function updateStackFile(dataDir: string, patch: StackFile): Promise<StackFile> {
  const next = { ...(await readStackFile(dataDir)), ...patch };
  const path = stackFilePath(dataDir);
  // Write then rename: a concurrent reader never sees half a file.
  await writeFile(`${path}.tmp`, `${JSON.stringify(next, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
  return next;
}

/**
 * A child process of the stack (java for DynamoDB Local, node for cognito-local): keeps the tail of
 * its output for error messages, and stops it with SIGTERM, then SIGKILL if it lingers (the JVM
 * takes a few seconds). Whatever still runs when this process exits is killed, so an orphaned
 * child never keeps a port.
 */
export interface Child {
  readonly process: ChildProcess;
  readonly exited: boolean;
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

export function watchChild(
  name: string,
  child: ChildProcess,
  options: { onLine?: (line: string) => void; onCrash?: (message: string) => void } = {},
): Child {
  const { onLine, onCrash } = options;
  let tail = '';
  let partial = '';
  let exited = false;
  let stopping: Promise<void> | undefined;
  const keep = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-4000);
    if (!onLine) return;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(stripVTControlCharacters(line));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const ended = new Promise<void>((done) => {
    const end = () => {
      exited = true;
      running.delete(child);
      done();
    };
    child.once('exit', (code, signal) => {
      if (!stopping) onCrash?.(`${name} exited unexpectedly (${signal ?? `code ${code}`}):\n${tail}`);
      end();
    });
    // A spawn failure (e.g. ENOENT) may come without an exit event.
    child.once('error', (error) => {
      tail += `\n${name}: ${error.message}`;
      end();
    });
  });
  running.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const orphan of running) orphan.kill('SIGKILL');
    });
  }
  const stop = () => {
    stopping ??= (async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await ended;
      clearTimeout(timer);
    })();
    return stopping;
  };
  return {
    process: child,
    get exited() {
      return exited;
    },
    output: () => tail,
    stop,
  };
}

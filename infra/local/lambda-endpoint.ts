import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { triggers } from '../../lib/routes';

/**
 * The local Lambda runtime: handler modules run in this process, loaded on first use, and a tiny
 * endpoint speaks the Lambda Invoke API so that cognito-local can call the real post-confirmation
 * trigger, as Cognito does in AWS.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const modules = new Map<string, Promise<unknown>>();

/**
 * Imports `<root>/<modulePath>.ts` and returns its `handler`, cached. A module that fails to load
 * (e.g. not written yet) is not cached: the next request tries again.
 */
export function loadHandler<H>(modulePath: string): Promise<H> {
  let loading = modules.get(modulePath);
  if (!loading) {
    loading = import(pathToFileURL(join(root, `${modulePath}.ts`)).href).then((module) => {
      if (typeof module.handler !== 'function') throw new Error(`${modulePath} exports no handler function`);
      return module.handler;
    });
    modules.set(modulePath, loading);
    loading.catch(() => modules.delete(modulePath));
  }
  return loading as Promise<H>;
}

/** The Lambda context a handler gets; only what a Node.js handler can observe. */
export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export interface LambdaEndpoint {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const invokePath = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export async function startLambdaEndpoint(options: {
  port: number;
  log?: (line: string) => void;
}): Promise<LambdaEndpoint> {
  const log = options.log ?? ((line) => console.error(line));
  const server = createServer(async (req, res) => {
    const name = decodeURIComponent(req.url?.split('?')[0]?.match(invokePath)?.[1] ?? '');
    const trigger = triggers.find((candidate) => candidate.name === name);
    if (req.method !== 'POST' || !trigger) {
      res.writeHead(404, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'ResourceNotFoundException',
      });
      res.end(JSON.stringify({ Type: 'User', Message: `Function not found: ${name}` }));
      return;
    }
    try {
      const event = JSON.parse(await readBody(req));
      const handler = await loadHandler<(event: unknown, context: Context) => Promise<unknown>>(
        trigger.handler,
      );
      const result = await handler(event, lambdaContext(trigger.name, 5000));
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' });
      res.end(JSON.stringify(result ?? null));
    } catch (error) {
      // What Lambda reports for a function that threw: still 200, with X-Amz-Function-Error.
      const err = error instanceof Error ? error : new Error(String(error));
      log(`[lambda] ${trigger.name} failed: ${err.stack ?? err.message}`);
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
      res.end(
        JSON.stringify({
          errorType: err.name,
          errorMessage: err.message,
          trace: err.stack?.split('\n') ?? [],
        }),
      );
    }
  });
  await listen(server, options.port);
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => close(server),
  };
}

export async function readBody(req: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export class BodyTooLarge extends Error {}

/** Shared by the local servers: listen on loopback only, reject on EADDRINUSE. */
export function listen(server: Server, port: number): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      done();
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    // Keep-alive connections would hold close() open.
    server.closeAllConnections();
  });
}

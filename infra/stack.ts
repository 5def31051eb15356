import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct, Node } from 'constructs';
import { type Route, routes as routeTable, triggers as triggerTable } from '../lib/routes';
import { Alarms } from './constructs/alarms';
import { Api } from './constructs/api';
import { Data } from './constructs/data';
import { HouseFunction, houseDefaults } from './constructs/house-function';
import { Identity } from './constructs/identity';

export const stages = ['dev', 'prod'] as const;
export type StageName = (typeof stages)[number];

/** Everything the stack takes from CDK context (`cdk.json`, or `-c key=value` on the command line). */
export interface StackSettings {
  readonly stage: StageName;
  /** `prod`: table and user pool are deletion-protected and kept when the stack is destroyed. */
  readonly production: boolean;
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  readonly logLevel: string;
  readonly corsAllowOrigins: readonly string[];
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly maxChildren: number | undefined;
  readonly alarmTopicArn: string | undefined;
}

const logLevels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];
const retentionDays = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function number(node: Node, key: string, fallback: number | undefined, min: number): number | undefined {
  const raw: unknown = node.tryGetContext(key);
  if (!present(raw)) return fallback;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`Context ${key} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function list(node: Node, key: string): string[] {
  const raw: unknown = node.tryGetContext(key);
  if (!present(raw)) return [];
  const items = Array.isArray(raw) ? raw : String(raw).split(',');
  return items.map((item) => String(item).trim()).filter((item) => item !== '');
}

export function readStage(node: Node): StageName {
  const raw: unknown = node.tryGetContext('stage') ?? 'dev';
  const stage = stages.find((name) => name === raw);
  if (!stage)
    throw new Error(`Context stage must be one of ${stages.join(', ')}, got ${JSON.stringify(raw)}`);
  return stage;
}

/** Reads and validates the context once; a wrong value fails the synth with the key's name. */
export function readSettings(node: Node): StackSettings {
  const stage = readStage(node);
  const logRetention = number(node, 'logRetentionDays', houseDefaults.logRetention, 1) as number;
  if (!retentionDays.has(logRetention)) {
    throw new Error(
      `Context logRetentionDays must be a CloudWatch retention (1, 3, 5, 7, 14, 30, 60, 90, …)`,
    );
  }
  const logLevel = String(node.tryGetContext('logLevel') ?? houseDefaults.logLevel).toUpperCase();
  if (!logLevels.includes(logLevel))
    throw new Error(`Context logLevel must be one of ${logLevels.join(', ')}`);
  const alarmTopicArn: unknown = node.tryGetContext('alarmTopicArn');
  return {
    stage,
    production: stage === 'prod',
    memorySize: number(node, 'memorySize', houseDefaults.memorySize, 128) as number,
    logRetention: logRetention as RetentionDays,
    logLevel,
    corsAllowOrigins: list(node, 'corsAllowOrigins'),
    throttle: {
      rateLimit: number(node, 'throttleRateLimit', 50, 1) as number,
      burstLimit: number(node, 'throttleBurstLimit', 100, 1) as number,
    },
    maxChildren: number(node, 'maxChildren', undefined, 1),
    alarmTopicArn: present(alarmTopicArn) ? String(alarmTopicArn) : undefined,
  };
}

/** Cognito waits at most 5 s for a trigger; a slower trigger fails the sign-up confirmation. */
export const triggerTimeout = Duration.seconds(5);

export interface AccountsStackProps extends StackProps {
  /** Defaults to what the context says (`readSettings`). */
  readonly settings?: StackSettings;
}

/**
 * The whole service: the table, the user pool and its client, one function per route and per
 * trigger (all through the house construct), the HTTP API and the alarms. Routes and table come
 * from lib/ (the same definitions the local stack reads).
 */
export class AccountsStack extends Stack {
  readonly settings: StackSettings;
  readonly data: Data;
  readonly identity: Identity;
  readonly api: Api;
  readonly alarms: Alarms;
  /** Every function by its route-table or trigger name. */
  readonly functions: ReadonlyMap<string, HouseFunction>;

  constructor(scope: Construct, id: string, props: AccountsStackProps = {}) {
    // Context set on the app is what the stack would read too.
    const settings = props.settings ?? readSettings(scope.node);
    super(scope, id, { ...props, terminationProtection: props.terminationProtection ?? settings.production });
    this.settings = settings;
    const removal = settings.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.data = new Data(this, 'Data', { production: settings.production });
    this.identity = new Identity(this, 'Identity', {
      stage: settings.stage,
      production: settings.production,
    });

    const functions = new Map<string, HouseFunction>();
    const makeFunction = (
      name: string,
      handler: string,
      access: Route['access'],
      timeout?: Duration,
      extraEnvironment: Record<string, string> = {},
    ) => {
      const fn = new HouseFunction(this, name, {
        handler,
        memorySize: settings.memorySize,
        timeout,
        logRetention: settings.logRetention,
        logLevel: settings.logLevel,
        logRemovalPolicy: removal,
        // lib/config.ts reads MAX_CHILDREN with TABLE_NAME; it is set only when the context sets it.
        environment: {
          ...(settings.maxChildren !== undefined && access !== 'none'
            ? { MAX_CHILDREN: String(settings.maxChildren) }
            : {}),
          ...extraEnvironment,
        },
      });
      fn.bindTable(this.data, access);
      functions.set(name, fn);
      return fn;
    };

    const apiRoutes = routeTable.map((route) => ({
      route,
      function: makeFunction(route.name, route.handler, route.access).function,
    }));
    for (const trigger of triggerTable) {
      // 3 attempts × 1 s per store request fit inside Cognito's 5 s (routes use 2 s within 12 s).
      const fn = makeFunction(trigger.name, trigger.handler, trigger.access, triggerTimeout, {
        STORE_TIMEOUT_MS: '1000',
      });
      this.identity.addTrigger(trigger.name, fn.function);
    }
    this.functions = functions;

    this.api = new Api(this, 'Api', {
      stage: settings.stage,
      routes: apiRoutes,
      userPool: this.identity.userPool,
      client: this.identity.client,
      corsAllowOrigins: settings.corsAllowOrigins,
      throttle: settings.throttle,
      logRetention: settings.logRetention,
      logRemovalPolicy: removal,
    });

    this.alarms = new Alarms(this, 'Alarms', {
      stage: settings.stage,
      apiStage: this.api.stage,
      functions: new Map([...functions].map(([name, fn]) => [name, fn.function])),
      table: this.data.table,
      alarmTopicArn: settings.alarmTopicArn,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.client.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.data.tableName });
  }
}

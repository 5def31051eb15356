import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { TableAccess } from '../../lib/routes';
import { depsLockFilePath, handlerEntry, handlerExists, nodejsBundling, projectRoot } from '../bundling';
import type { Data } from './data';

/** The defaults every function gets unless the stack says otherwise. */
export const houseDefaults = {
  runtime: lambda.Runtime.NODEJS_22_X,
  architecture: lambda.Architecture.ARM_64,
  memorySize: 512,
  /**
   * Above the SDK's own budget (3 attempts of at most 2 s each, plus backoff) so a slow store ends
   * as the handler's 503 with Retry-After, not as a Lambda timeout (a bare 500 from API Gateway).
   */
  timeout: Duration.seconds(12),
  logRetention: logs.RetentionDays.ONE_MONTH,
  logLevel: 'INFO',
  serviceName: 'accounts',
} as const;

export interface HouseFunctionProps {
  /** The module under the project root that exports `handler`, without extension (route table form). */
  readonly handler: string;
  readonly description?: string;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly logRetention?: logs.RetentionDays;
  /** POWERTOOLS_LOG_LEVEL. */
  readonly logLevel?: string;
  /** Extra environment, on top of the house variables; only what this function reads. */
  readonly environment?: Readonly<Record<string, string>>;
  /** What happens to the log group when the stack is deleted (default RETAIN). */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * One Lambda function the house way: a `NodejsFunction` bundled locally by esbuild (never Docker)
 * with the shared settings of infra/bundling.ts, Node.js 22 on ARM64, its own log group with a
 * retention, and its own role that can write to that log group and nothing else until
 * `bindTable` grants it one table access level. No AWS managed policy is attached.
 */
export class HouseFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** The entry file (absolute path) the function is bundled from. */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    this.entry = handlerEntry(props.handler);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? houseDefaults.logRetention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.handler}`,
    });
    // The log group exists already (created above), so CreateLogStream + PutLogEvents on it suffice.
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: this.entry,
      handler: 'handler',
      projectRoot,
      depsLockFilePath,
      runtime: houseDefaults.runtime,
      architecture: houseDefaults.architecture,
      memorySize: props.memorySize ?? houseDefaults.memorySize,
      timeout: props.timeout ?? houseDefaults.timeout,
      description: props.description ?? props.handler,
      role: this.role,
      logGroup: this.logGroup,
      bundling: nodejsBundling,
      environment: {
        POWERTOOLS_SERVICE_NAME: houseDefaults.serviceName,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? houseDefaults.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      ...standInWhenNotBundling(this, props.handler),
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 (an LTS line Lambda supports) is pinned on purpose: the design fixes it, the bundles ' +
        'target node22 and the code is tested on that line. Moving to a newer runtime is a deliberate, ' +
        'tested change of houseDefaults.runtime, not something to drift into.',
    });
  }

  /**
   * Gives the function one access level on the table: the exact actions of that level (see
   * `tableActions`) and TABLE_NAME. 'none' grants nothing and sets nothing.
   */
  bindTable(data: Data, access: TableAccess): void {
    if (access === 'none') return;
    data.grant(this.role, access);
    this.function.addEnvironment('TABLE_NAME', data.tableName);
  }
}

/**
 * `NodejsFunction` insists that the entry file exists even when bundling is skipped (context
 * `aws:cdk:bundling-stacks` without this stack: assertion tests, `cdk ls`, `cdk synth --exclusively`
 * of another stack). Nothing is built then, so a handler that is not written yet is no reason to
 * fail: the function gets inline code that names the missing file and throws if ever invoked.
 * When this stack IS bundled (synth, diff, deploy), a missing handler is an error, right here.
 */
function standInWhenNotBundling(scope: Construct, handler: string): { code?: lambda.Code; handler?: string } {
  if (handlerExists(handler)) return {};
  if (Stack.of(scope).bundlingRequired) {
    throw new Error(`Handler file ${handler}.ts does not exist (needed by ${scope.node.path}).`);
  }
  return {
    code: lambda.Code.fromInline(
      `exports.handler = async () => { throw new Error(${JSON.stringify(`${handler}.ts was missing at synth time`)}); };`,
    ),
    handler: 'index.handler',
  };
}

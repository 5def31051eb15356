/**
 * CDK assertions on the synthesized template: the cloud stack provisions exactly what the route
 * table and the table definition in lib/ say, with the house defaults and least privilege.
 * Offline: bundling is skipped (context `aws:cdk:bundling-stacks: []`), so no handler is built
 * and handlers that are not written yet do not matter.
 */
import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { HouseFunction } from '../../infra/constructs/house-function';
import { AccountsStack } from '../../infra/stack';
import { routes, type TableAccess, triggers } from '../../lib/routes';
import { table } from '../../lib/table';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

type Json = Record<string, any>;

function synth(context: Record<string, unknown> = {}): {
  stack: AccountsStack;
  template: Template;
  json: Json;
} {
  const app = new App({ context: { ...cdkJson.context, ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new AccountsStack(app, 'Accounts-test');
  const template = Template.fromStack(stack);
  return { stack, template, json: template.toJSON() };
}

function resources(json: Json, type: string): [string, Json][] {
  return Object.entries(json.Resources as Record<string, Json>).filter(
    ([, resource]) => resource.Type === type,
  );
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Every IAM statement in the template, with the logical id of the policy or role holding it. */
function allStatements(json: Json): { owner: string; statement: Json }[] {
  const out: { owner: string; statement: Json }[] = [];
  for (const [id, policy] of resources(json, 'AWS::IAM::Policy')) {
    for (const statement of policy.Properties.PolicyDocument.Statement) out.push({ owner: id, statement });
  }
  for (const [id, role] of resources(json, 'AWS::IAM::Role')) {
    for (const inline of asArray<Json>(role.Properties.Policies)) {
      for (const statement of inline.PolicyDocument.Statement) out.push({ owner: id, statement });
    }
  }
  return out;
}

const allFunctions = [
  ...routes.map((route) => ({ name: route.name, access: route.access, trigger: false })),
  ...triggers.map((trigger) => ({ name: trigger.name, access: trigger.access, trigger: true })),
];

/** The contract of least privilege, written out here rather than imported from the code under test. */
const expectedTableActions: Record<TableAccess, string[]> = {
  none: [],
  read: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
  write: [
    'dynamodb:BatchGetItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:UpdateItem',
  ],
};
const writeActions = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'ConditionCheckItem'];

describe('AccountsStack (dev, context defaults from cdk.json)', () => {
  let stack: AccountsStack;
  let template: Template;
  let json: Json;
  let tableId: string;
  const functionId = (name: string) => {
    const fn = stack.functions.get(name);
    if (!fn) throw new Error(`no function ${name}`);
    return stack.getLogicalId(fn.function.node.defaultChild as CfnFunction);
  };
  /** The statements of the one policy attached to a function's role. */
  const statementsOf = (name: string): Json[] => {
    const fnResource = json.Resources[functionId(name)];
    const roleId = fnResource.Properties.Role['Fn::GetAtt'][0] as string;
    expect(json.Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    return resources(json, 'AWS::IAM::Policy')
      .filter(([, policy]) => policy.Properties.Roles.some((role: Json) => role.Ref === roleId))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Json[]);
  };

  beforeAll(() => {
    ({ stack, template, json } = synth());
    [[tableId]] = resources(json, 'AWS::DynamoDB::Table') as [[string, Json]];
  });

  describe('HTTP API', () => {
    it('has every route of the route table exactly once, and no other route', () => {
      const routeKeys = resources(json, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
      expect(routeKeys.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
    });

    it('puts the Cognito JWT authorizer on every route with auth, and none on the two public routes', () => {
      const authorizers = resources(json, 'AWS::ApiGatewayV2::Authorizer');
      expect(authorizers).toHaveLength(1);
      const [[authorizerId]] = authorizers as [[string, Json]];
      for (const route of routes) {
        const [[, resource]] = resources(json, 'AWS::ApiGatewayV2::Route').filter(
          ([, r]) => r.Properties.RouteKey === `${route.method} ${route.path}`,
        ) as [[string, Json]];
        if (route.auth) {
          expect(resource.Properties, route.name).toMatchObject({
            AuthorizationType: 'JWT',
            AuthorizerId: { Ref: authorizerId },
          });
        } else {
          expect(resource.Properties.AuthorizationType, route.name).toBe('NONE');
          expect(resource.Properties.AuthorizerId, route.name).toBeUndefined();
        }
      }
      expect(routes.filter((route) => !route.auth).map((route) => `${route.method} ${route.path}`)).toEqual([
        'GET /health',
        'GET /openapi.json',
      ]);
    });

    it('validates ID tokens of the app client issued by the stack user pool', () => {
      const [[, authorizer]] = resources(json, 'AWS::ApiGatewayV2::Authorizer') as [[string, Json]];
      const [[poolId]] = resources(json, 'AWS::Cognito::UserPool') as [[string, Json]];
      const [[clientId]] = resources(json, 'AWS::Cognito::UserPoolClient') as [[string, Json]];
      expect(authorizer.Properties).toMatchObject({
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: { Audience: [{ Ref: clientId }] },
      });
      expect(JSON.stringify(authorizer.Properties.JwtConfiguration.Issuer)).toContain(poolId);
      expect(JSON.stringify(authorizer.Properties.JwtConfiguration.Issuer)).toContain('https://cognito-idp.');
    });

    it('sends each route to its own function', () => {
      for (const route of routes) {
        const [[, resource]] = resources(json, 'AWS::ApiGatewayV2::Route').filter(
          ([, r]) => r.Properties.RouteKey === `${route.method} ${route.path}`,
        ) as [[string, Json]];
        const integrationId = resource.Properties.Target['Fn::Join'][1][1].Ref as string;
        expect(json.Resources[integrationId].Properties, route.name).toMatchObject({
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
          IntegrationUri: { 'Fn::GetAtt': [functionId(route.name), 'Arn'] },
        });
      }
    });

    it('throttles the $default stage from context and writes access logs to a log group with retention', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: cdkJson.context.throttleRateLimit,
          ThrottlingBurstLimit: cdkJson.context.throttleBurstLimit,
        },
      });
      const [[, stage]] = resources(json, 'AWS::ApiGatewayV2::Stage') as [[string, Json]];
      const logGroupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string;
      expect(json.Resources[logGroupId].Properties.RetentionInDays).toBe(cdkJson.context.logRetentionDays);
      expect(stage.Properties.AccessLogSettings.Format).toContain('$context.requestId');
    });

    it('has no CORS configuration unless the context lists origins', () => {
      const [[, api]] = resources(json, 'AWS::ApiGatewayV2::Api') as [[string, Json]];
      expect(api.Properties.CorsConfiguration).toBeUndefined();
    });
  });

  describe('functions', () => {
    it('has one function per route and per trigger, and no other', () => {
      expect(resources(json, 'AWS::Lambda::Function')).toHaveLength(allFunctions.length);
      expect([...stack.functions.keys()].sort()).toEqual(allFunctions.map((fn) => fn.name).sort());
    });

    it('runs every function on Node.js 22, ARM64, with the context memory and its own log group', () => {
      for (const { name, trigger } of allFunctions) {
        const fn = json.Resources[functionId(name)].Properties;
        expect(fn, name).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          MemorySize: cdkJson.context.memorySize,
          Handler: 'index.handler',
          Timeout: trigger ? 5 : 12,
        });
        const logGroupId = fn.LoggingConfig.LogGroup.Ref as string;
        expect(json.Resources[logGroupId].Properties.RetentionInDays, name).toBe(
          cdkJson.context.logRetentionDays,
        );
      }
    });

    it('gives each function only the environment it reads', () => {
      for (const { name, access } of allFunctions) {
        const variables = json.Resources[functionId(name)].Properties.Environment.Variables as Json;
        const expected: Json = {
          POWERTOOLS_SERVICE_NAME: 'accounts',
          POWERTOOLS_LOG_LEVEL: cdkJson.context.logLevel,
          NODE_OPTIONS: '--enable-source-maps',
        };
        if (access !== 'none') expected.TABLE_NAME = { Ref: tableId };
        // The trigger's store budget fits Cognito's 5 s wait.
        if (name === 'PostConfirmation') expected.STORE_TIMEOUT_MS = '1000';
        expect(variables, name).toEqual(expected);
      }
    });

    it('wires the post-confirmation trigger to the user pool and lets Cognito invoke it', () => {
      const [[poolId, pool]] = resources(json, 'AWS::Cognito::UserPool') as [[string, Json]];
      const triggerId = functionId('PostConfirmation');
      expect(pool.Properties.LambdaConfig).toEqual({
        PostConfirmation: { 'Fn::GetAtt': [triggerId, 'Arn'] },
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'cognito-idp.amazonaws.com',
        FunctionName: { 'Fn::GetAtt': [triggerId, 'Arn'] },
        SourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
      });
    });
  });

  describe('IAM', () => {
    it('has no wildcard action and no Scan anywhere', () => {
      const statements = allStatements(json);
      expect(statements.length).toBeGreaterThan(0);
      for (const { owner, statement } of statements) {
        for (const action of asArray<string>(statement.Action)) {
          expect(action, owner).not.toContain('*');
          expect(action, owner).not.toMatch(/scan/i);
        }
        expect(statement.NotAction, owner).toBeUndefined();
        expect(statement.Effect, owner).toBe('Allow');
      }
    });

    it('grants each function exactly the table actions of its access level, on the table and its indexes', () => {
      for (const { name, access } of allFunctions) {
        const statements = statementsOf(name);
        const logs = statements.filter((s) => asArray<string>(s.Action).every((a) => a.startsWith('logs:')));
        expect(logs, name).toHaveLength(1);
        expect(asArray<string>(logs[0]?.Action).sort(), name).toEqual([
          'logs:CreateLogStream',
          'logs:PutLogEvents',
        ]);
        expect(logs[0]?.Resource, name).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });

        const dynamo = statements.filter((s) => !logs.includes(s));
        const granted = [...new Set(dynamo.flatMap((s) => asArray<string>(s.Action)))].sort();
        expect(granted, name).toEqual(expectedTableActions[access]);
        if (access === 'read') {
          for (const action of granted)
            expect(writeActions, name).not.toContain(action.replace('dynamodb:', ''));
        }
        for (const statement of dynamo) {
          for (const resource of asArray<Json>(statement.Resource)) {
            const text = JSON.stringify(resource);
            expect(text, name).toContain(tableId);
            expect(text, name).not.toContain('*');
          }
        }
        if (access !== 'none') {
          const indexResources = dynamo
            .filter((s) => JSON.stringify(s.Resource).includes('/index/'))
            .flatMap((s) => asArray<Json>(s.Resource).map((r) => JSON.stringify(r)));
          expect(indexResources.length, name).toBe(table.indexes.length);
          for (const index of table.indexes) {
            expect(
              indexResources.some((r) => r.includes(`/index/${index.name}"`)),
              `${name} ${index.name}`,
            ).toBe(true);
          }
          const indexActions = dynamo
            .filter((s) => JSON.stringify(s.Resource).includes('/index/'))
            .flatMap((s) => asArray<string>(s.Action));
          expect(indexActions, name).toEqual(['dynamodb:Query']);
        }
      }
    });
  });

  describe('table', () => {
    it('has the keys, indexes and TTL of lib/table.ts', () => {
      const [[, resource]] = resources(json, 'AWS::DynamoDB::Table') as [[string, Json]];
      const props = resource.Properties;
      expect(props.KeySchema).toEqual([
        { AttributeName: table.partitionKey, KeyType: 'HASH' },
        { AttributeName: table.sortKey, KeyType: 'RANGE' },
      ]);
      expect(props.GlobalSecondaryIndexes).toEqual(
        table.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      );
      const keyAttributes = [
        table.partitionKey,
        table.sortKey,
        ...table.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
      ];
      expect(props.AttributeDefinitions).toEqual(
        keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      );
      expect(props.TimeToLiveSpecification).toEqual({ AttributeName: table.ttlAttribute, Enabled: true });
      expect(stack.data.indexNames).toEqual(table.indexes.map((index) => index.name));
    });

    it('is on-demand, with point-in-time recovery and AWS-managed encryption; dev can be destroyed', () => {
      template.hasResource('AWS::DynamoDB::Table', {
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
          DeletionProtectionEnabled: false,
        },
        DeletionPolicy: 'Delete',
      });
    });
  });

  describe('user pool', () => {
    it('uses email as the username, verifies it, and enforces a password policy', () => {
      template.hasResourceProperties('AWS::Cognito::UserPool', {
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        Policies: { PasswordPolicy: { MinimumLength: 12, RequireNumbers: true, RequireSymbols: true } },
      });
    });

    it('has one public app client with SRP and refresh flows only', () => {
      const clients = resources(json, 'AWS::Cognito::UserPoolClient');
      expect(clients).toHaveLength(1);
      const [[, client]] = clients as [[string, Json]];
      expect(client.Properties.GenerateSecret).toBe(false);
      expect([...client.Properties.ExplicitAuthFlows].sort()).toEqual([
        'ALLOW_REFRESH_TOKEN_AUTH',
        'ALLOW_USER_SRP_AUTH',
      ]);
    });
  });

  describe('alarms and outputs', () => {
    it('alarms on API 5xx, table throttles, and errors and throttles of every function', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
      });
      const alarms = resources(json, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties as Json);
      expect(alarms.some((a) => JSON.stringify(a.Metrics ?? []).includes('ThrottledRequests'))).toBe(true);
      for (const { name } of allFunctions) {
        for (const metric of ['Errors', 'Throttles']) {
          expect(
            alarms.some(
              (a) =>
                a.Namespace === 'AWS/Lambda' &&
                a.MetricName === metric &&
                JSON.stringify(a.Dimensions) ===
                  JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId(name) } }]),
            ),
            `${name} ${metric}`,
          ).toBe(true);
        }
      }
    });

    it('outputs the API URL, user pool id, client id and table name', () => {
      expect(Object.keys(json.Outputs).sort()).toEqual([
        'ApiUrl',
        'TableName',
        'UserPoolClientId',
        'UserPoolId',
      ]);
    });
  });
});

describe('AccountsStack context', () => {
  it('keeps data in prod: table and pool are retained and deletion-protected, the stack termination-protected', () => {
    const { stack, template } = synth({ stage: 'prod' });
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: { DeletionProtectionEnabled: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResource('AWS::Cognito::UserPool', {
      Properties: { DeletionProtection: 'ACTIVE' },
      DeletionPolicy: 'Retain',
    });
    expect(stack.terminationProtection).toBe(true);
  });

  it('takes memory, CORS origins, throttling, MAX_CHILDREN and the alarm topic from context', () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:accounts-alarms';
    const { json, template } = synth({
      memorySize: '1024',
      corsAllowOrigins: 'https://app.example.com, https://admin.example.com',
      throttleRateLimit: 10,
      throttleBurstLimit: 20,
      maxChildren: '25',
      alarmTopicArn: topic,
    });
    for (const [, fn] of resources(json, 'AWS::Lambda::Function')) {
      expect(fn.Properties.MemorySize).toBe(1024);
      const hasTable = 'TABLE_NAME' in fn.Properties.Environment.Variables;
      expect(fn.Properties.Environment.Variables.MAX_CHILDREN).toBe(hasTable ? '25' : undefined);
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://app.example.com', 'https://admin.example.com'],
        AllowHeaders: Match.arrayWith(['authorization', 'content-type', 'if-match', 'idempotency-key']),
      },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
    for (const [, alarm] of resources(json, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
    }
  });

  it('rejects an unknown stage and values CloudWatch or Lambda would refuse', () => {
    expect(() => synth({ stage: 'production' })).toThrow(/stage must be one of dev, prod/);
    expect(() => synth({ logRetentionDays: 31 })).toThrow(/logRetentionDays/);
    expect(() => synth({ memorySize: 'lots' })).toThrow(/memorySize/);
    expect(() => synth({ logLevel: 'chatty' })).toThrow(/logLevel/);
  });
});

describe('HouseFunction', () => {
  it('refuses a missing handler file when the stack is really bundled', () => {
    const stack = new Stack(new App(), 'Bundled');
    expect(stack.bundlingRequired).toBe(true);
    expect(() => new HouseFunction(stack, 'Missing', { handler: 'functions/no-such-handler' })).toThrow(
      /functions\/no-such-handler\.ts does not exist/,
    );
  });

  it('stands in for a missing handler only when bundling is skipped, with code that says so', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'NotBundled');
    expect(stack.bundlingRequired).toBe(false);
    new HouseFunction(stack, 'Missing', { handler: 'functions/no-such-handler' });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Code: { ZipFile: Match.stringLikeRegexp('functions/no-such-handler\\.ts was missing at synth time') },
      Runtime: 'nodejs22.x',
    });
  });
});

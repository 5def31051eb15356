import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Route } from '../../lib/routes';

export interface ApiRoute {
  readonly route: Route;
  readonly function: lambda.IFunction;
}

export interface ApiProps {
  readonly stage: string;
  readonly routes: readonly ApiRoute[];
  readonly userPool: cognito.IUserPool;
  readonly client: cognito.IUserPoolClient;
  /** Browser origins allowed by CORS; empty means no CORS configuration at all. */
  readonly corsAllowOrigins: readonly string[];
  /** Stage-wide throttle: steady requests per second and burst. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/** Headers the contract reads from browsers, and the ones it sends back that scripts may read. */
const corsAllowHeaders = ['authorization', 'content-type', 'if-match', 'idempotency-key', 'x-customer-id'];
const corsExposeHeaders = ['etag', 'x-request-id', 'retry-after', 'idempotent-replayed'];

/**
 * One JSON line per request. Only HTTP API context variables; `error.messageString` is already
 * quoted by API Gateway, so it is the one value written without quotes.
 */
const accessLogFormat = AccessLogFormat.custom(
  `{${[
    '"requestId":"$context.requestId"',
    '"requestTime":"$context.requestTime"',
    '"ip":"$context.identity.sourceIp"',
    '"userAgent":"$context.identity.userAgent"',
    '"routeKey":"$context.routeKey"',
    '"path":"$context.path"',
    '"status":"$context.status"',
    '"protocol":"$context.protocol"',
    '"responseLength":"$context.responseLength"',
    '"responseLatency":"$context.responseLatency"',
    '"integrationStatus":"$context.integrationStatus"',
    '"integrationLatency":"$context.integrationLatency"',
    '"sub":"$context.authorizer.claims.sub"',
    '"error":$context.error.messageString',
  ].join(',')}}`,
);

const methods: Readonly<Record<Route['method'], HttpMethod>> = {
  GET: HttpMethod.GET,
  POST: HttpMethod.POST,
  PUT: HttpMethod.PUT,
  PATCH: HttpMethod.PATCH,
  DELETE: HttpMethod.DELETE,
};

/**
 * The HTTP API: one route per route-table entry, each integrated with its own function, the
 * Cognito JWT authorizer on every route with `auth: true`, a `$default` stage with throttling and
 * access logs, CORS only for the origins the context lists.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly authorizer: HttpUserPoolAuthorizer;
  readonly accessLogs: logs.LogGroup;
  /** The routes by route-table name. */
  readonly routes: ReadonlyMap<string, HttpRoute>;
  /** The base URL clients call (the `$default` stage is served at the endpoint itself), no trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `accounts-${props.stage}`,
      description: 'Accounts service',
      // The stage is created below: the default one cannot take throttling or access logs.
      createDefaultStage: false,
      corsPreflight:
        props.corsAllowOrigins.length > 0
          ? {
              allowOrigins: [...props.corsAllowOrigins],
              allowMethods: [
                CorsHttpMethod.GET,
                CorsHttpMethod.POST,
                CorsHttpMethod.PUT,
                CorsHttpMethod.PATCH,
                CorsHttpMethod.DELETE,
              ],
              allowHeaders: corsAllowHeaders,
              exposeHeaders: corsExposeHeaders,
              maxAge: Duration.hours(1),
            }
          : undefined,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttle.rateLimit, burstLimit: props.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: accessLogFormat,
      },
    });
    this.url = this.httpApi.apiEndpoint;

    // ID tokens of the one app client: `aud` must be its client id (Cognito issuer of this pool).
    this.authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', props.userPool, {
      userPoolClients: [props.client],
    });
    const open = new HttpNoneAuthorizer();

    const routes = new Map<string, HttpRoute>();
    for (const { route, function: fn } of props.routes) {
      const httpRoute = new HttpRoute(this, route.name, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(route.path, methods[route.method]),
        integration: new HttpLambdaIntegration(`${route.name}Integration`, fn),
        authorizer: route.auth ? this.authorizer : open,
      });
      if (!route.auth) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by contract (health check and the API description); it reads no user data.`,
        });
      }
      routes.set(route.name, httpRoute);
    }
    this.routes = routes;
  }
}

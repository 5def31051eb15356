import { Duration } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Every alarm looks at 5-minute sums. */
const period = Duration.minutes(5);

/**
 * Thresholds. A handler maps every expected failure to a 4xx or to a deliberate 503, so a Lambda
 * error (crash, timeout, init failure) or a throttle is always worth a look: threshold 1. A few
 * 5xx can be transient (a 503 under a short DynamoDB burst), so that alarm waits for several.
 */
export const alarmThresholds = {
  api5xx: 5,
  functionErrors: 1,
  functionThrottles: 1,
  tableThrottles: 1,
} as const;

/** The DynamoDB operations the service issues (see the actions in data.ts), for the throttle alarm. */
const tableOperations = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.BATCH_GET_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.BATCH_WRITE_ITEM,
  dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

export interface AlarmsProps {
  readonly stage: string;
  readonly apiStage: HttpStage;
  /** Every function by its route-table (or trigger) name. */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  readonly table: dynamodb.ITable;
  /** Optional existing SNS topic that every alarm (and its recovery) notifies. */
  readonly alarmTopicArn?: string;
}

/**
 * Alarms on what the issue names: API 5xx, throttles (HTTP APIs publish no throttle metric, their
 * 429s are mixed into 4xx, so throttling is watched where it bites: Lambda Throttles per function
 * and DynamoDB ThrottledRequests on the table) and Lambda Errors per function, so the alarm's name
 * says which function failed.
 */
export class Alarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const prefix = `accounts-${props.stage}`;
    const topic = props.alarmTopicArn
      ? sns.Topic.fromTopicArn(this, 'Topic', props.alarmTopicArn)
      : undefined;

    const add = (alarmId: string, alarmProps: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'>): void => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...alarmProps,
      });
      if (topic) {
        alarm.addAlarmAction(new actions.SnsAction(topic));
        alarm.addOkAction(new actions.SnsAction(topic));
      }
      this.alarms.push(alarm);
    };

    add('Api5xx', {
      alarmName: `${prefix}-api-5xx`,
      alarmDescription: `At least ${alarmThresholds.api5xx} responses with a 5xx status in 5 minutes.`,
      metric: props.apiStage.metricServerError({ period, statistic: cloudwatch.Stats.SUM }),
      threshold: alarmThresholds.api5xx,
    });

    add('TableThrottles', {
      alarmName: `${prefix}-table-throttles`,
      alarmDescription: 'DynamoDB throttled requests on the table (any operation the service uses).',
      metric: props.table.metricThrottledRequestsForOperations({
        operations: tableOperations,
        period,
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: alarmThresholds.tableThrottles,
    });

    for (const [name, fn] of props.functions) {
      add(`${name}Errors`, {
        alarmName: `${prefix}-${name}-errors`,
        alarmDescription: `Lambda ${name} failed (unhandled error, timeout or init failure).`,
        metric: fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
        threshold: alarmThresholds.functionErrors,
      });
      add(`${name}Throttles`, {
        alarmName: `${prefix}-${name}-throttles`,
        alarmDescription: `Lambda ${name} was throttled (concurrency exhausted).`,
        metric: fn.metricThrottles({ period, statistic: cloudwatch.Stats.SUM }),
        threshold: alarmThresholds.functionThrottles,
      });
    }
  }
}

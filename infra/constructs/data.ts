import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { TableAccess } from '../../lib/routes';
import { table as definition } from '../../lib/table';

/**
 * The exact DynamoDB actions each access level may use. There is no `Scan` and no wildcard.
 * TransactWriteItems has no IAM action of its own: each item in a transaction is authorised by
 * PutItem / UpdateItem / DeleteItem / ConditionCheckItem, and TransactGetItems by GetItem
 * (DynamoDB developer guide, "Using IAM with DynamoDB transactions").
 */
export const tableActions = {
  /** Reads on the base table. */
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  /** Reads on the indexes (only Query makes sense there). */
  readIndexes: ['dynamodb:Query'],
  /** Writes on the base table; index entries are maintained by DynamoDB, not written directly. */
  write: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:ConditionCheckItem',
  ],
} as const;

export interface DataProps {
  /** Production: deletion protection on, and the table is kept when the stack goes. */
  readonly production: boolean;
}

/**
 * The single table, built from lib/table.ts (the same definition the local store bootstraps from).
 * Exposes what others need as readonly fields, and grants access per level with explicit statements.
 */
export class Data extends Construct {
  readonly table: dynamodb.Table;
  readonly tableName: string;
  /** Index names, as lib/table.ts declares them. */
  readonly indexNames: readonly string[];
  /** ARNs of the indexes by name, not `index/*`: a Query permission names each index it covers. */
  readonly indexArns: readonly string[];

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: definition.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: definition.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: definition.ttlAttribute,
      deletionProtection: props.production,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const index of definition.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    this.tableName = this.table.tableName;
    this.indexNames = definition.indexes.map((index) => index.name);
    this.indexArns = this.indexNames.map((name) => `${this.table.tableArn}/index/${name}`);
  }

  /**
   * Grants exactly the actions of one access level ('write' includes 'read'); 'none' grants nothing.
   * Returns the statements added, for callers that want to inspect them.
   */
  grant(grantee: iam.IGrantable, access: TableAccess): iam.PolicyStatement[] {
    if (access === 'none') return [];
    const statements = [
      new iam.PolicyStatement({ actions: [...tableActions.read], resources: [this.table.tableArn] }),
      new iam.PolicyStatement({ actions: [...tableActions.readIndexes], resources: [...this.indexArns] }),
    ];
    if (access === 'write') {
      statements.push(
        new iam.PolicyStatement({ actions: [...tableActions.write], resources: [this.table.tableArn] }),
      );
    }
    for (const statement of statements) grantee.grantPrincipal.addToPrincipalPolicy(statement);
    return statements;
  }
}

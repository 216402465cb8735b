import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface DataConstructProps {
  /**
   * What happens to the table when it leaves the stack. Default RETAIN: subscribers, consent
   * ledgers and send ledgers must survive a mistaken `cdk destroy`.
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The single DynamoDB table (single-table design: `pk`/`sk`, one overloaded GSI, TTL on `ttl`). */
export class DataConstruct extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DataConstructProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (removalPolicy === RemovalPolicy.SNAPSHOT) {
      throw new Error('DataConstruct: DynamoDB tables do not support RemovalPolicy.SNAPSHOT');
    }

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: 'ttl',
      removalPolicy,
      // RETAIN keeps the table when the stack goes; this also refuses a DeleteTable from the
      // console or the CLI. Turn it off by hand (UpdateTable) before a deliberate deletion.
      deletionProtection: true,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: GSI1,
      partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
      // Keys, and the attributes gsi1's queries filter on; the store reads the rest back by key,
      // so that claim and settle writes on recipients never rewrite their index entries. Same as
      // gsi1Projection (functions/adapters/dynamodb/table-definition.ts); test/infra/table-definition.test.ts.
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: ['email', 'id'],
    });
  }
}

/**
 * What the DynamoDB store (functions/adapters/dynamodb/*) sends: GetCommand, QueryCommand (table
 * and gsi1), BatchGetCommand, PutCommand, UpdateCommand, DeleteCommand, BatchWriteCommand, and
 * TransactWriteCommand, which IAM authorises as the Put/Update/Delete of each item (no
 * ConditionCheck item is used). No Scan, no DescribeTable (the table is created by the stack, not by the code, in AWS).
 */
export const STORE_TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
] as const;

/** The single index (gsi1); named so that grants list it instead of `index/*`. */
export const GSI1 = 'gsi1';

/** The store's actions on the table and gsi1, nothing else. */
export function grantStoreAccess(table: dynamodb.ITable, grantee: iam.IGrantable): iam.Grant {
  return grantTable(table, grantee, STORE_TABLE_ACTIONS, { index: true });
}

/** `actions` on the table (unless `tableItself: false`) and gsi1 (when `index`), by exact ARN: no `index/*` wildcard. */
export function grantTable(
  table: dynamodb.ITable,
  grantee: iam.IGrantable,
  actions: readonly string[],
  options: { index?: boolean; tableItself?: boolean } = {},
): iam.Grant {
  const resourceArns = [
    ...(options.tableItself === false ? [] : [table.tableArn]),
    ...(options.index ? [`${table.tableArn}/index/${GSI1}`] : []),
  ];
  return iam.Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns });
}

import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantTable } from './data';
import { CommuniqueFunction } from './function-defaults';
import { grantGetSecretValue } from './grants';
import { acknowledgeRule } from './nag-acknowledgements';

export interface ReputationGuardConstructProps {
  readonly table: dynamodb.ITable;
  /** The store is built as the feedback function's is (buildAwsFeedbackDeps: table and key ring). */
  readonly tokenKeysSecret: secretsmanager.ISecret;
  readonly tracing?: boolean;
}

/**
 * When an SES reputation alarm goes into ALARM, every running campaign pauses with the reason
 * (functions/handlers/reputation-alarm.ts): CloudWatch publishes alarm state changes to the
 * default EventBridge bus, a rule keeps those of the given alarms, the function pauses.
 */
export class ReputationGuardConstruct extends Construct {
  public readonly guardFunction: CommuniqueFunction;
  /** Alarm events that could not be delivered, and invocations that failed every retry. */
  public readonly deadLetterQueue: sqs.Queue;
  private rule?: events.Rule;

  constructor(scope: Construct, id: string, props: ReputationGuardConstructProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledgeRule(
      this.deadLetterQueue,
      'SQS3',
      'It is the dead-letter queue itself: of the EventBridge target and of the function’s asynchronous invocations (on-failure destination).',
    );
    this.guardFunction = new CommuniqueFunction(this, 'GuardFunction', {
      entry: 'functions/handlers/reputation-alarm.ts',
      description: 'Communiqué: pauses running campaigns when an SES reputation alarm fires',
      memorySize: 256,
      timeout: Duration.seconds(60),
      tracing: props.tracing,
      environment: { TABLE_NAME: props.table.tableName, TOKEN_KEYS_SECRET_ARN: props.tokenKeysSecret.secretArn },
    });
    this.guardFunction.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new lambdaDestinations.SqsDestination(this.deadLetterQueue),
    });
    // listCampaigns queries gsi1; setCampaignStatus is one conditional UpdateItem.
    grantTable(props.table, this.guardFunction, ['dynamodb:Query'], { index: true, tableItself: false });
    grantTable(props.table, this.guardFunction, ['dynamodb:UpdateItem']);
    grantGetSecretValue(props.tokenKeysSecret, this.guardFunction);
  }

  /** Pauses running campaigns whenever one of these alarms goes into ALARM. */
  public listenTo(alarms: readonly cloudwatch.IAlarm[]): void {
    if (this.rule) throw new Error('ReputationGuardConstruct: listenTo() was already called');
    this.rule = new events.Rule(this, 'AlarmRule', {
      description: 'Communiqué: SES reputation alarm in ALARM -> pause running campaigns',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: alarms.map((a) => a.alarmArn),
        detail: { state: { value: ['ALARM'] } },
      },
    });
    this.rule.addTarget(
      new eventsTargets.LambdaFunction(this.guardFunction, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 10,
        maxEventAge: Duration.hours(1),
      }),
    );
  }
}

import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantTable } from './data';
import { CommuniqueFunction } from './function-defaults';
import { grantGetSecretValue } from './grants';
import { acknowledgeRule } from './nag-acknowledgements';

export interface FeedbackConstructProps {
  readonly table: dynamodb.ITable;
  /** The configuration set every mail is sent with; its events are what this construct records. */
  readonly configurationSet: ses.IConfigurationSet;
  /** Holds the pepper of the HMAC suppressions are kept under (functions/worker-wiring.ts, addressPepperFromSecret). */
  readonly tokenKeysSecret: secretsmanager.ISecret;
  readonly tracing?: boolean;
}

/**
 * SES events the feedback handler (functions/app/record-ses-event.ts) acts on, with the
 * `detail-type` SES gives each on EventBridge. Send settles claims the worker could not record,
 * Delivery and Reject are counted per campaign, Bounce and Complaint suppress.
 */
export const FEEDBACK_EVENTS: readonly { readonly event: ses.EmailSendingEvent; readonly detailType: string }[] = [
  { event: ses.EmailSendingEvent.SEND, detailType: 'Email Sent' },
  { event: ses.EmailSendingEvent.DELIVERY, detailType: 'Email Delivered' },
  { event: ses.EmailSendingEvent.BOUNCE, detailType: 'Email Bounced' },
  { event: ses.EmailSendingEvent.COMPLAINT, detailType: 'Email Complaint Received' },
  { event: ses.EmailSendingEvent.REJECT, detailType: 'Email Rejected' },
];

/**
 * The feedback path: the configuration set publishes its events to the account's default
 * EventBridge bus (the only bus SES publishes to), a rule keeps this configuration set's events
 * and invokes the "feedback" Lambda, which suppresses hard-bounced and complaining addresses,
 * counts deliveries and settles send claims. Events that cannot be delivered or keep failing
 * end in a dead-letter queue.
 */
export class FeedbackConstruct extends Construct {
  public readonly feedbackFunction: CommuniqueFunction;
  public readonly eventDestination: ses.ConfigurationSetEventDestination;
  public readonly rule: events.Rule;
  /** Events EventBridge could not deliver and invocations that failed every retry. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: FeedbackConstructProps) {
    super(scope, id);

    const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.eventDestination = new ses.ConfigurationSetEventDestination(this, 'EventDestination', {
      configurationSet: props.configurationSet,
      destination: ses.EventDestination.eventBus(defaultBus),
      events: FEEDBACK_EVENTS.map((e) => e.event),
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    acknowledgeRule(
      this.deadLetterQueue,
      'SQS3',
      'It is the dead-letter queue itself: of the EventBridge target and of the function’s asynchronous invocations (on-failure destination), so SQS redrive does not list it as one.',
    );

    this.feedbackFunction = new CommuniqueFunction(this, 'FeedbackFunction', {
      entry: 'functions/handlers/feedback.ts',
      description: 'Communiqué SES feedback: bounces, complaints, deliveries (EventBridge)',
      // Invoked per mail (feedback: per SES event): Lambda's START/END/REPORT lines were most of the log bill.
      platformLogs: 'warnings-only',
      // A handful of DynamoDB writes per event.
      memorySize: 256,
      timeout: Duration.seconds(30),
      tracing: props.tracing,
      environment: { TABLE_NAME: props.table.tableName, TOKEN_KEYS_SECRET_ARN: props.tokenKeysSecret.secretArn },
    });
    // EventBridge invokes asynchronously: its own retries only cover failing to hand the event
    // to Lambda; a handler error is retried by Lambda, then parked here with the error.
    this.feedbackFunction.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new lambdaDestinations.SqsDestination(this.deadLetterQueue),
    });

    this.rule = new events.Rule(this, 'SesEventsRule', {
      description: 'Communiqué: SES events of the configuration set -> feedback function',
      eventBus: defaultBus,
      eventPattern: {
        source: ['aws.ses'],
        detailType: FEEDBACK_EVENTS.map((e) => e.detailType),
        // Every configuration set of the account publishes to the same default bus.
        detail: { mail: { tags: { 'ses:configuration-set': [props.configurationSet.configurationSetName] } } },
      },
    });
    this.rule.addTarget(
      new eventsTargets.LambdaFunction(this.feedbackFunction, {
        deadLetterQueue: this.deadLetterQueue,
        // A lost complaint is a mail sent to someone who asked for none: retry as long as allowed.
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      }),
    );

    // Least privilege: recordSesEvent writes (markEventSeen, suppress: PutItem; counters and
    // settling a claim: UpdateItem, in a transaction for the latter) and never reads.
    grantTable(props.table, this.feedbackFunction, ['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    // Suppressions are keyed by an HMAC whose pepper lives in the token-keys secret.
    grantGetSecretValue(props.tokenKeysSecret, this.feedbackFunction);
  }
}

import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_RECEIVES, type SendQueueSizing, sendQueueSizing } from '../../functions/domain/send-time-budget';
import { grantStoreAccess } from './data';
import { CommuniqueFunction } from './function-defaults';
import { grantGetSecretValue } from './grants';
import { acknowledgeWildcardResource } from './nag-acknowledgements';
import { type SenderHostedZone, SenderIdentityConstruct } from './sender-identity';

export interface SendingConstructProps {
  readonly table: dynamodb.ITable;
  /**
   * Domain the mail is sent from. When given, an SES domain identity is created (Easy DKIM
   * 2048-bit, custom MAIL FROM, DMARC) and sending is allowed from that domain only; when
   * absent (a first `cdk synth`, a sandbox), sending is allowed from any identity of the
   * account and region.
   */
  readonly senderDomain?: string;
  /** Label of the custom MAIL FROM domain under `senderDomain`. Default `bounce`. */
  readonly mailFromSubdomain?: string;
  /** The sender domain's public hosted zone: when given, its DKIM, MAIL FROM and DMARC records are created. */
  readonly hostedZone?: SenderHostedZone;
  /** DMARC aggregate reports (`rua`); required with `senderDomain`. */
  readonly dmarcReportAddress?: string;
  /**
   * Concurrent send workers, between 2 and 1000. Applied as the SQS event source's maximum
   * concurrency (the only invoker) and passed as `SEND_CONCURRENCY`: each worker paces itself at
   * the account's MaxSendRate divided by this number. Default: `reservedConcurrency`, else 2.
   */
  readonly maxConcurrency?: number;
  /**
   * The account's SES MaxSendRate the queue is sized for (batch size per invocation, see
   * functions/domain/send-time-budget.ts sendQueueSizing). Default 14, a new production
   * account's rate; at run time the workers pace at the rate GetAccount reports.
   */
  readonly maxSendRate?: number;
  /**
   * Reserved concurrency of the send function, at least `maxConcurrency` + 2 (the control
   * queue's workers, so that a send backlog never starves a fire or a sweep). Default none: reserving
   * fails on accounts whose concurrency quota is still the initial 10, and the event source's
   * maximum concurrency already caps the workers.
   */
  readonly reservedConcurrency?: number;
  readonly tracing?: boolean;
}

/** What the send worker needs to build links in mails; provided by the API construct. */
export interface SendingLinks {
  /** The key ring that signs unsubscribe, preference and confirmation links. */
  readonly tokenKeysSecret: secretsmanager.ISecret;
  /** Absolute https base URL of the public pages. */
  readonly publicBaseUrl: string;
}

const SEND_TIMEOUT = Duration.seconds(60);
/** Concurrent invocations for control messages (the minimum an SQS event source accepts). */
const CONTROL_WORKERS = 2;
const DOMAIN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i;

/**
 * The send pipeline: SQS queue (+ DLQ) feeding the "send" Lambda, which sends through SES v2
 * with a configuration set (bounces and complaints go to the account suppression list).
 */
export class SendingConstruct extends Construct {
  public readonly queue: sqs.Queue;
  /** Fire, sweep and launch messages (EventBridge Scheduler targets it). */
  public readonly controlQueue: sqs.Queue;
  /** Dead-letter queue of both queues. */
  public readonly deadLetterQueue: sqs.Queue;
  /** Batch size, visibility timeout and the sweep's delay, from the rate, workers and timeout. */
  public readonly sizing: SendQueueSizing;
  public readonly sendFunction: CommuniqueFunction;
  public readonly configurationSet: ses.ConfigurationSet;
  /** Present when `senderDomain` was given. */
  public readonly senderIdentity?: SenderIdentityConstruct;
  /** Concurrent send workers (event source maximum concurrency). */
  public readonly maxConcurrency: number;
  private linked = false;

  constructor(scope: Construct, id: string, props: SendingConstructProps) {
    super(scope, id);
    if (props.senderDomain !== undefined && !DOMAIN.test(props.senderDomain)) {
      throw new Error(`SendingConstruct: senderDomain must be a domain name such as "example.org", got "${props.senderDomain}"`);
    }
    const reserved = props.reservedConcurrency;
    const workers = props.maxConcurrency ?? reserved ?? 2;
    if (!Number.isInteger(workers) || workers < 2 || workers > 1000) {
      throw new Error(`SendingConstruct: maxConcurrency must be an integer between 2 and 1000, got ${workers}`);
    }
    if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < workers + CONTROL_WORKERS)) {
      throw new Error(
        `SendingConstruct: reservedConcurrency must be an integer of at least maxConcurrency + ${CONTROL_WORKERS} (${workers + CONTROL_WORKERS}), got ${reserved}`,
      );
    }
    const maxSendRate = props.maxSendRate ?? 14;
    // The formula the send worker's time budget relies on: batch size from the rate and the
    // timeout, visibility timeout from the timeout, the sweep's "uncovered" delay from both.
    this.sizing = sendQueueSizing({ maxSendRate, workers, functionTimeoutSeconds: SEND_TIMEOUT.toSeconds() });

    this.maxConcurrency = workers;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      // AWS's rule for Lambda consumers: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(this.sizing.visibilityTimeoutSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVES },
    });
    // Fire, sweep and launch messages: a queue of their own, so that a send backlog can never push
    // a schedule past its cutoff (functions/app/control-queue.ts). Same dead-letter queue.
    this.controlQueue = new sqs.Queue(this, 'ControlQueue', {
      visibilityTimeout: Duration.seconds(this.sizing.visibilityTimeoutSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVES },
    });

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      sendingEnabled: true,
      // Reputation.BounceRate and Reputation.ComplaintRate: what the monitoring alarms watch.
      reputationMetrics: true,
      // Press releases under embargo must not cross the Internet in clear text: a receiving
      // server without STARTTLS gets no mail (SES retries, then reports a bounce).
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    if (props.senderDomain !== undefined) {
      this.senderIdentity = new SenderIdentityConstruct(this, 'SenderIdentity', {
        senderDomain: props.senderDomain,
        configurationSet: this.configurationSet,
        mailFromSubdomain: props.mailFromSubdomain,
        hostedZone: props.hostedZone,
        dmarcReportAddress: props.dmarcReportAddress,
      });
    }

    this.sendFunction = new CommuniqueFunction(this, 'SendFunction', {
      entry: 'functions/handlers/send.ts',
      description: 'Communiqué send worker: SQS batches -> SES',
      // Invoked per mail (feedback: per SES event): Lambda's START/END/REPORT lines were most of the log bill.
      platformLogs: 'warnings-only',
      timeout: SEND_TIMEOUT,
      reservedConcurrentExecutions: reserved,
      tracing: props.tracing,
      environment: {
        TABLE_NAME: props.table.tableName,
        SEND_QUEUE_URL: this.queue.queueUrl,
        CONTROL_QUEUE_URL: this.controlQueue.queueUrl,
        SES_CONFIGURATION_SET: this.configurationSet.configurationSetName,
        SEND_CONCURRENCY: String(workers),
        SEND_MAX_RECEIVES: String(MAX_RECEIVES),
        UNCOVERED_AFTER_SECONDS: String(this.sizing.uncoveredAfterSeconds),
      },
    });
    this.sendFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: this.sizing.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: workers,
      }),
    );
    this.sendFunction.addEventSource(
      // One control message per invocation: a launch snapshots a whole audience.
      new SqsEventSource(this.controlQueue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: CONTROL_WORKERS }),
    );

    grantStoreAccess(props.table, this.sendFunction);
    // A launch fans out into send messages, the sweep queues fires and sends (SendMessageBatch is
    // authorised as sqs:SendMessage); the event sources' polling grants are CDK's own.
    this.queue.grant(this.sendFunction, 'sqs:SendMessage');
    this.controlQueue.grant(this.sendFunction, 'sqs:SendMessage');
    this.grantSendMail(this.sendFunction);
    // The account's MaxSendRate paces the workers.
    this.grantReadSendingQuota(this.sendFunction);

    this.node.addValidation({
      validate: () => (this.linked ? [] : ['SendingConstruct: call configureLinks() with the token key ring and public base URL']),
    });
  }

  /**
   * Second half of the wiring: the link key ring and the public URL belong to the API construct,
   * which itself needs this construct's queue, so they arrive after construction.
   */
  public configureLinks(links: SendingLinks): void {
    if (this.linked) throw new Error('SendingConstruct: configureLinks() was already called');
    this.linked = true;
    this.sendFunction.addEnvironment('PUBLIC_BASE_URL', links.publicBaseUrl);
    this.sendFunction.addEnvironment('TOKEN_KEYS_SECRET_ARN', links.tokenKeysSecret.secretArn);
    grantGetSecretValue(links.tokenKeysSecret, this.sendFunction);
  }

  /** Lets a function enqueue send and control messages (`SEND_QUEUE_URL`, `CONTROL_QUEUE_URL`). */
  public grantEnqueue(fn: lambda.Function): void {
    fn.addEnvironment('SEND_QUEUE_URL', this.queue.queueUrl);
    fn.addEnvironment('CONTROL_QUEUE_URL', this.controlQueue.queueUrl);
    this.queue.grant(fn, 'sqs:SendMessage');
    this.controlQueue.grant(fn, 'sqs:SendMessage');
  }

  /**
   * Lets a function list and redrive the dead-letter queue (functions/adapters/sqs/sqs-dead-letters.ts):
   * ReceiveMessage and StartMessageMoveTask, plus what SQS checks for the move task on the
   * caller's behalf (DeleteMessage and GetQueueAttributes here, SendMessage on the queues the
   * messages return to: grantEnqueue).
   */
  public grantDeadLetterAdmin(fn: lambda.Function): void {
    fn.addEnvironment('DEAD_LETTER_QUEUE_URL', this.deadLetterQueue.queueUrl);
    fn.addEnvironment('DEAD_LETTER_QUEUE_ARN', this.deadLetterQueue.queueArn);
    this.deadLetterQueue.grant(fn, 'sqs:ReceiveMessage', 'sqs:StartMessageMoveTask', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes');
  }

  /** `ses:GetAccount`: the sending quota (pacing) and the health check. It has no resource-level permissions. */
  public grantReadSendingQuota(fn: lambda.IFunction): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'ReadSesAccount', actions: ['ses:GetAccount'], resources: ['*'] }));
    if (fn.role)
      acknowledgeWildcardResource(
        fn.role,
        '*',
        'ses:GetAccount has no resource-level permissions: "*" is the only resource IAM accepts for it.',
      );
  }

  /**
   * `ses:SendEmail` (the only SES v2 call functions/adapters/ses/ses-mailer.ts sends mail with)
   * through this configuration set and from the sender identity only: with `senderDomain`, the
   * domain's identity and a From address of that domain (`ses:FromAddress`); without it, any
   * identity of the account and region.
   */
  public grantSendMail(fn: lambda.IFunction): void {
    const stack = Stack.of(this);
    const configurationSetArn = stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
    const identity = this.senderIdentity;
    const anyIdentity = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' });
    if (!identity && fn.role) {
      acknowledgeWildcardResource(
        fn.role,
        anyIdentity,
        'No senderDomain in context (first synth, sandbox): any identity verified in the account may send; set senderDomain to scope sending to one domain.',
      );
    }
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SendMailFromSenderIdentity',
        actions: ['ses:SendEmail'],
        resources: [identity ? identity.identityArn : anyIdentity, configurationSetArn],
        conditions: identity ? { StringLike: { 'ses:FromAddress': `*@${identity.senderDomain}` } } : undefined,
      }),
    );
  }
}

import { CfnOutput, Lazy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApiConstruct } from './constructs/api';
import { DataConstruct } from './constructs/data';
import { EdgeConstruct } from './constructs/edge';
import { FeedbackConstruct } from './constructs/feedback';
import { ImportConstruct } from './constructs/importing';
import { MediaConstruct } from './constructs/media';
import { MonitoringConstruct } from './constructs/monitoring';
import { ReputationGuardConstruct } from './constructs/reputation-guard';
import { SchedulingConstruct } from './constructs/scheduling';
import type { SenderHostedZone } from './constructs/sender-identity';
import { SendingConstruct } from './constructs/sending';

export interface PublisherStackProps extends StackProps {
  /** Deployment stage (`dev`, `prod`...): tags and the stack name. */
  readonly stage: string;
  /** Absolute https URL of the public pages; default the CloudFront distribution's. */
  readonly publicBaseUrl?: string;
  /** Domain mail is sent from; creates the SES identity and scopes sending to it. */
  readonly senderDomain?: string;
  /** Label of the custom MAIL FROM domain under `senderDomain` (default `bounce`). */
  readonly mailFromSubdomain?: string;
  /** The sender domain's Route 53 public hosted zone: its DKIM, MAIL FROM and DMARC records are then created. */
  readonly hostedZone?: SenderHostedZone;
  /** DMARC aggregate reports (`rua=mailto:`); required with `senderDomain`. */
  readonly dmarcReportAddress?: string;
  /** Alarms are mailed there (SNS e-mail subscription). */
  readonly alarmEmail?: string;
  /** ARN of the CLOUDFRONT-scoped WAF web ACL (infra/edge-security-stack.ts or an existing one). */
  readonly webAclArn: string;
  /** X-Ray active tracing on every function. */
  readonly tracing?: boolean;
  /** Concurrent send workers (default 2); they share the account's SES MaxSendRate. */
  readonly sendConcurrency?: number;
  /** Reserved concurrency of the send function (default none; at least sendConcurrency + 2). */
  readonly sendReservedConcurrency?: number;
  /** SES MaxSendRate the send queue is sized for (default 14; the workers pace at GetAccount's). */
  readonly sesMaxSendRate?: number;
}

const STAGE = /^[a-z][a-z0-9-]{0,19}$/;

/** Composes the constructs; resources live in them, not here. */
export class PublisherStack extends Stack {
  public readonly data: DataConstruct;
  public readonly sending: SendingConstruct;
  public readonly api: ApiConstruct;
  public readonly scheduling: SchedulingConstruct;
  public readonly feedback: FeedbackConstruct;
  public readonly edge: EdgeConstruct;
  public readonly media: MediaConstruct;
  public readonly imports: ImportConstruct;
  public readonly monitoring: MonitoringConstruct;
  public readonly reputationGuard: ReputationGuardConstruct;

  constructor(scope: Construct, id: string, props: PublisherStackProps) {
    super(scope, id, props);
    if (!STAGE.test(props.stage)) {
      throw new Error(`PublisherStack: stage must match ${STAGE}, got "${props.stage}"`);
    }
    Tags.of(this).add('project', 'communique');
    Tags.of(this).add('stage', props.stage);

    this.data = new DataConstruct(this, 'Data');
    this.sending = new SendingConstruct(this, 'Sending', {
      table: this.data.table,
      senderDomain: props.senderDomain,
      mailFromSubdomain: props.mailFromSubdomain,
      hostedZone: props.hostedZone,
      dmarcReportAddress: props.dmarcReportAddress,
      maxConcurrency: props.sendConcurrency,
      maxSendRate: props.sesMaxSendRate,
      reservedConcurrency: props.sendReservedConcurrency,
      tracing: props.tracing,
    });
    this.api = new ApiConstruct(this, 'Api', {
      table: this.data.table,
      sendQueue: this.sending.queue,
      configurationSet: this.sending.configurationSet,
      // Default: the distribution's address, known once the edge exists (it needs the API).
      publicBaseUrl: props.publicBaseUrl ?? Lazy.string({ produce: () => this.edge.url }),
      tracing: props.tracing,
    });
    this.edge = new EdgeConstruct(this, 'Edge', { httpApi: this.api.httpApi, webAclArn: props.webAclArn });
    this.edge.guardOrigin(this.api.apiFunction);
    // Double opt-in confirmations and test sends leave from the api function.
    this.sending.grantSendMail(this.api.apiFunction);
    // Resume and launch go to the control queue; `communique dlq` lists and redrives dead letters.
    this.sending.grantEnqueue(this.api.apiFunction);
    this.sending.grantDeadLetterAdmin(this.api.apiFunction);
    this.media = new MediaConstruct(this, 'Media');
    this.media.grantReadWrite(this.api.apiFunction);
    this.sending.grantReadSendingQuota(this.api.apiFunction);
    this.sending.configureLinks({ tokenKeysSecret: this.api.tokenKeysSecret, publicBaseUrl: this.api.publicBaseUrl });
    // The import wizard: its files under imports/ of the media bucket, its runs on their own queue and worker.
    this.imports = new ImportConstruct(this, 'Import', {
      table: this.data.table,
      bucket: this.media.bucket,
      tokenKeysSecret: this.api.tokenKeysSecret,
      publicBaseUrl: this.api.publicBaseUrl,
      sendQueue: this.sending.queue,
      configurationSetName: this.sending.configurationSet.configurationSetName,
      grantSendMail: (fn) => this.sending.grantSendMail(fn),
      tracing: props.tracing,
    });
    this.imports.grantLaunch(this.api.apiFunction, this.media.bucket);
    this.scheduling = new SchedulingConstruct(this, 'Scheduling', { controlQueue: this.sending.controlQueue });
    this.scheduling.grantScheduleCampaigns(this.api.apiFunction);
    this.feedback = new FeedbackConstruct(this, 'Feedback', {
      table: this.data.table,
      configurationSet: this.sending.configurationSet,
      tokenKeysSecret: this.api.tokenKeysSecret,
      tracing: props.tracing,
    });

    this.reputationGuard = new ReputationGuardConstruct(this, 'ReputationGuard', {
      table: this.data.table,
      tokenKeysSecret: this.api.tokenKeysSecret,
      tracing: props.tracing,
    });
    this.monitoring = new MonitoringConstruct(this, 'Monitoring', {
      functions: {
        Api: this.api.apiFunction,
        Send: this.sending.sendFunction,
        Feedback: this.feedback.feedbackFunction,
        ReputationGuard: this.reputationGuard.guardFunction,
        Import: this.imports.importFunction,
      },
      deadLetterQueues: {
        Send: this.sending.deadLetterQueue,
        Feedback: this.feedback.deadLetterQueue,
        ReputationGuard: this.reputationGuard.deadLetterQueue,
        Import: this.imports.deadLetterQueue,
      },
      sendQueue: this.sending.queue,
      controlQueue: this.sending.controlQueue,
      importQueue: this.imports.queue,
      httpApi: this.api.httpApi,
      alarmEmail: props.alarmEmail,
    });
    // A reputation alarm pauses running campaigns, besides telling the people.
    this.reputationGuard.listenTo([this.monitoring.bounceRateAlarm, this.monitoring.complaintRateAlarm]);

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.apiUrl,
      description: 'HTTP API endpoint (refuses requests that did not come through CloudFront)',
    });
    new CfnOutput(this, 'DistributionUrl', {
      value: this.edge.url,
      description: 'CloudFront: the public address (point your domain here)',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'SNS topic of every alarm' });
    new CfnOutput(this, 'PublicBaseUrl', { value: this.api.publicBaseUrl, description: 'Base URL used in mail links' });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'SendQueueUrl', { value: this.sending.queue.queueUrl });
    new CfnOutput(this, 'ControlQueueUrl', { value: this.sending.controlQueue.queueUrl, description: 'Fire, sweep and launch messages' });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.sending.deadLetterQueue.queueUrl,
      description: 'Dead letters of the send and control queues (communique dlq list|redrive)',
    });
    new CfnOutput(this, 'ImportQueueUrl', {
      value: this.imports.queue.queueUrl,
      description: 'Import wizard runs (one message per import)',
    });
    new CfnOutput(this, 'ImportDeadLetterQueueUrl', {
      value: this.imports.deadLetterQueue.queueUrl,
      description: 'Imports whose worker crashed or timed out three times',
    });
    new CfnOutput(this, 'SesConfigurationSet', { value: this.sending.configurationSet.configurationSetName });
    new CfnOutput(this, 'ScheduleGroupName', {
      value: this.scheduling.scheduleGroup.scheduleGroupName,
      description: 'EventBridge Scheduler group: one campaign-<id> schedule per scheduled campaign, and the sweep',
    });
    new CfnOutput(this, 'FeedbackDeadLetterQueueUrl', {
      value: this.feedback.deadLetterQueue.queueUrl,
      description: 'SES events the feedback function could not record (bounces and complaints not applied)',
    });
    new CfnOutput(this, 'TokenKeysSecretArn', {
      value: this.api.tokenKeysSecret.secretArn,
      description: 'Link-signing key ring: rotate by adding a key (docs/deploy.md#8-rotating-secrets)',
    });
    new CfnOutput(this, 'OriginVerifySecretArn', {
      value: this.edge.originVerifySecret.secretArn,
      description: 'Value of the x-origin-verify header CloudFront sends; a new value needs a deploy',
    });
    new CfnOutput(this, 'AdminTokenSecretArn', {
      value: this.api.adminTokenSecret.secretArn,
      description: 'aws secretsmanager get-secret-value --secret-id <arn> --query SecretString',
    });
    const identity = this.sending.senderIdentity;
    if (identity) {
      // `communique dns` reads these (local/dns-records.ts): one output per record.
      identity.dnsRecords.forEach((record, i) => {
        new CfnOutput(this, `SenderDnsRecord${i + 1}`, {
          description: `DNS record for ${identity.senderDomain}${identity.managesDns ? ' (created in the hosted zone)' : ' (to create)'}: name type value`,
          value: `${record.name} ${record.type} ${record.value}`,
        });
      });
    }
  }
}

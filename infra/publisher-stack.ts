import { CfnOutput, Fn, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApiConstruct } from './constructs/api';
import { DataConstruct } from './constructs/data';
import { FeedbackConstruct } from './constructs/feedback';
import { SchedulingConstruct } from './constructs/scheduling';
import { SendingConstruct } from './constructs/sending';

export interface PublisherStackProps extends StackProps {
  /** Deployment stage (`dev`, `prod`...): tags and the stack name. */
  readonly stage: string;
  /** Absolute https URL of the public pages; default the HTTP API endpoint. */
  readonly publicBaseUrl?: string;
  /** Domain mail is sent from; creates the SES identity and scopes sending to it. */
  readonly senderDomain?: string;
  /** X-Ray active tracing on every function. */
  readonly tracing?: boolean;
  /** Concurrent send workers (default 2); they share the account's SES MaxSendRate. */
  readonly sendConcurrency?: number;
  /** Reserved concurrency of the send function (default none). */
  readonly sendReservedConcurrency?: number;
}

const STAGE = /^[a-z][a-z0-9-]{0,19}$/;

/** Composes the constructs; resources live in them, not here. */
export class PublisherStack extends Stack {
  public readonly data: DataConstruct;
  public readonly sending: SendingConstruct;
  public readonly api: ApiConstruct;
  public readonly scheduling: SchedulingConstruct;
  public readonly feedback: FeedbackConstruct;

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
      maxConcurrency: props.sendConcurrency,
      reservedConcurrency: props.sendReservedConcurrency,
      tracing: props.tracing,
    });
    this.api = new ApiConstruct(this, 'Api', {
      table: this.data.table,
      sendQueue: this.sending.queue,
      configurationSet: this.sending.configurationSet,
      publicBaseUrl: props.publicBaseUrl,
      tracing: props.tracing,
    });
    this.sending.configureLinks({ tokenKeysSecret: this.api.tokenKeysSecret, publicBaseUrl: this.api.publicBaseUrl });
    this.scheduling = new SchedulingConstruct(this, 'Scheduling', { sendQueue: this.sending.queue });
    this.scheduling.grantScheduleCampaigns(this.api.apiFunction);
    this.feedback = new FeedbackConstruct(this, 'Feedback', {
      table: this.data.table,
      configurationSet: this.sending.configurationSet,
      tokenKeysSecret: this.api.tokenKeysSecret,
      tracing: props.tracing,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiUrl, description: 'HTTP API endpoint' });
    new CfnOutput(this, 'PublicBaseUrl', { value: this.api.publicBaseUrl, description: 'Base URL used in mail links' });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'SendQueueUrl', { value: this.sending.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.sending.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'SesConfigurationSet', { value: this.sending.configurationSet.configurationSetName });
    new CfnOutput(this, 'ScheduleGroupName', {
      value: this.scheduling.scheduleGroup.scheduleGroupName,
      description: 'EventBridge Scheduler group: one campaign-<id> schedule per scheduled campaign, and the sweep',
    });
    new CfnOutput(this, 'FeedbackDeadLetterQueueUrl', {
      value: this.feedback.deadLetterQueue.queueUrl,
      description: 'SES events the feedback function could not record (bounces and complaints not applied)',
    });
    new CfnOutput(this, 'AdminTokenSecretArn', {
      value: this.api.adminTokenSecret.secretArn,
      description: 'aws secretsmanager get-secret-value --secret-id <arn> --query SecretString',
    });
    const identity = this.sending.senderIdentity;
    if (identity) {
      new CfnOutput(this, 'SenderDkimRecords', {
        description: 'CNAME records to publish for the sender domain (name=value)',
        value: Fn.join(
          ' ',
          identity.dkimRecords.map((r) => Fn.join('=', [r.name, r.value])),
        ),
      });
    }
  }
}

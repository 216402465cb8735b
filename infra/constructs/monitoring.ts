import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MonitoringConstructProps {
  /** Each function watched for errors and throttles, by a short name used in alarm names. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** Each dead-letter queue: one message is already one alarm. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** The send queue: its oldest message says whether sending keeps up. */
  readonly sendQueue: sqs.IQueue;
  /** The control queue (fire, sweep, launch): a message waiting 5 minutes means a schedule is about to be late. */
  readonly controlQueue?: sqs.IQueue;
  /** The import queue: an import waiting 15 minutes means the import function does not take it. */
  readonly importQueue?: sqs.IQueue;
  readonly httpApi: apigwv2.IHttpApi;
  /** Where alarms are mailed (an SNS e-mail subscription, to confirm once). */
  readonly alarmEmail?: string;
  /**
   * Age of the oldest send-queue message that raises the alarm. Default 15 minutes: the late
   * cutoff past which a scheduled campaign is marked missed instead of sent.
   */
  readonly oldestMessageAge?: Duration;
}

/**
 * SES review thresholds are 5 % bounces and 0.1 % complaints (account under review past them,
 * sending paused further on). The alarms fire below, while there is still time to act.
 */
export const BOUNCE_RATE_THRESHOLD = 0.04;
export const COMPLAINT_RATE_THRESHOLD = 0.0008;

const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Alarms (SES reputation, dead letters, function errors and throttles, send, control and import backlogs, API 5xx),
 * all to one SNS topic, and a dashboard of the sending: mails per minute, bounce and complaint
 * rates, queue depth. docs/deploy.md says what each alarm means and what to do.
 */
export class MonitoringConstruct extends Construct {
  public readonly topic: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly bounceRateAlarm: cloudwatch.Alarm;
  public readonly complaintRateAlarm: cloudwatch.Alarm;
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringConstructProps) {
    super(scope, id);
    if (props.alarmEmail !== undefined && !ADDRESS.test(props.alarmEmail)) {
      throw new Error(`MonitoringConstruct: alarmEmail must be an e-mail address, got "${props.alarmEmail}"`);
    }
    const oldest = props.oldestMessageAge ?? Duration.minutes(15);

    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Communiqué alarms',
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const action = new cloudwatchActions.SnsAction(this.topic);
    const add = (alarm: cloudwatch.Alarm) => {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
      return alarm;
    };

    const sesMetric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, statistic, period: Duration.minutes(5) });
    // SES publishes the rates as ratios over a representative window of recent mail, account-wide
    // (the review applies to the account). No data means no mail recently: not breaching.
    this.bounceRateAlarm = add(
      new cloudwatch.Alarm(this, 'BounceRateAlarm', {
        alarmDescription: `SES bounce rate at or above ${BOUNCE_RATE_THRESHOLD * 100} % (AWS reviews the account at 5 %). See docs/deploy.md#alarms.`,
        metric: sesMetric('Reputation.BounceRate', 'Maximum'),
        threshold: BOUNCE_RATE_THRESHOLD,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    this.complaintRateAlarm = add(
      new cloudwatch.Alarm(this, 'ComplaintRateAlarm', {
        alarmDescription: `SES complaint rate at or above ${COMPLAINT_RATE_THRESHOLD * 100} % (AWS reviews the account at 0.1 %). See docs/deploy.md#alarms.`,
        metric: sesMetric('Reputation.ComplaintRate', 'Maximum'),
        threshold: COMPLAINT_RATE_THRESHOLD,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      add(
        new cloudwatch.Alarm(this, `${name}DeadLetterAlarm`, {
          alarmDescription: `A message reached the ${name} dead-letter queue: inspect it and redrive it (docs/deploy.md#dead-letter-queues).`,
          metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const [name, fn] of Object.entries(props.functions)) {
      add(
        new cloudwatch.Alarm(this, `${name}ErrorsAlarm`, {
          alarmDescription: `The ${name} function failed (uncaught error or timeout). Its log group says why.`,
          metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
      add(
        new cloudwatch.Alarm(this, `${name}ThrottlesAlarm`, {
          alarmDescription: `The ${name} function was throttled (account or reserved concurrency exhausted).`,
          metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    add(
      new cloudwatch.Alarm(this, 'SendBacklogAlarm', {
        alarmDescription: `A send-queue message has waited ${oldest.toHumanString()}: sending does not keep up, or a scheduled campaign will be late.`,
        metric: props.sendQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: oldest.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    if (props.controlQueue) {
      add(
        new cloudwatch.Alarm(this, 'ControlBacklogAlarm', {
          alarmDescription: 'A fire, sweep or launch message has waited 5 minutes: a scheduled campaign nears its 15-minute cutoff.',
          metric: props.controlQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
          threshold: 300,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    if (props.importQueue) {
      add(
        new cloudwatch.Alarm(this, 'ImportBacklogAlarm', {
          alarmDescription:
            'An import has waited 15 minutes for the import function: it fails or is throttled, and the person who uploaded the file sees it queued.',
          metric: props.importQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
          threshold: 900,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    const api5xx = new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      dimensionsMap: { ApiId: props.httpApi.apiId },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
    add(
      new cloudwatch.Alarm(this, 'Api5xxAlarm', {
        alarmDescription: 'The HTTP API answered 5xx at least 5 times in 5 minutes (api function errors, timeouts, throttling).',
        metric: api5xx,
        threshold: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    // The workers' own counts, as EMF lines (functions/adapters/cloudwatch/emf-mail-metrics.ts): Powertools adds the `service` dimension.
    const mailCount = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'Communique',
        metricName,
        dimensionsMap: { service: 'communique' },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    const perMinute = (metricName: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, statistic: 'Sum', period: Duration.minutes(1) });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Mails per minute (SES, account)',
            left: [perMinute('Send'), perMinute('Delivery'), perMinute('Bounce'), perMinute('Complaint')],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Bounce and complaint rates',
            left: [sesMetric('Reputation.BounceRate', 'Maximum')],
            right: [sesMetric('Reputation.ComplaintRate', 'Maximum')],
            leftAnnotations: [{ value: BOUNCE_RATE_THRESHOLD, label: 'bounce alarm' }],
            rightAnnotations: [{ value: COMPLAINT_RATE_THRESHOLD, label: 'complaint alarm' }],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Send queue depth and oldest message (s)',
            left: [
              props.sendQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
              props.sendQueue.metricApproximateNumberOfMessagesNotVisible({ period: Duration.minutes(1) }),
            ],
            right: [props.sendQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1) })],
            width: 12,
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Mails sent, failed, skipped and suppressed (workers, per 5 minutes)',
            left: ['MailsSent', 'MailsFailed', 'MailsSkipped', 'MailsSuppressed'].map(mailCount),
            width: 24,
          }),
        ],
      ],
    });
  }
}

import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag-acknowledgements';

export interface SchedulingConstructProps {
  /** The control queue: due schedules drop `{"type":"fire","campaignId":…}` and `{"type":"sweep"}` there. */
  readonly controlQueue: sqs.IQueue;
  /**
   * How often the sweep runs (fires due campaigns whose schedule was lost, reconciles stuck
   * claims). Whole minutes, at least 1 and below the 15-minute late cutoff of the send worker,
   * so a campaign whose schedule never fired is still sent rather than marked missed. Default 5.
   */
  readonly sweepInterval?: Duration;
}

/**
 * Prefix of the one-time schedules functions/adapters/scheduler/eventbridge-scheduler.ts creates
 * (`campaign-<id>`). The api function may touch these only, not the sweep in the same group.
 */
export const CAMPAIGN_SCHEDULE_PREFIX = 'campaign-';
/** The recurring schedule's name in the group. */
export const SWEEP_SCHEDULE_NAME = 'sweep';
/** What the api function may do with campaign schedules: the three calls EventBridgeCampaignScheduler makes. */
export const CAMPAIGN_SCHEDULE_ACTIONS = ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'] as const;

const SCHEDULER_SERVICE = 'scheduler.amazonaws.com';
const LATE_CUTOFF_MINUTES = 15;

/**
 * EventBridge Scheduler for campaigns: one schedule group holding a one-time schedule per
 * scheduled campaign (created, moved and deleted by the api function) and a recurring sweep;
 * one role the scheduler assumes, allowed only to send messages to the send queue.
 */
export class SchedulingConstruct extends Construct {
  public readonly scheduleGroup: scheduler.ScheduleGroup;
  /** Assumed by EventBridge Scheduler for schedules of this group only; may only `sqs:SendMessage` to the control queue. */
  public readonly schedulerRole: iam.Role;
  public readonly sweepSchedule: scheduler.Schedule;
  private readonly controlQueue: sqs.IQueue;
  private readonly schedulers = new Set<string>();

  constructor(scope: Construct, id: string, props: SchedulingConstructProps) {
    super(scope, id);
    const sweepInterval = props.sweepInterval ?? Duration.minutes(5);
    const minutes = sweepInterval.toMinutes({ integral: false });
    if (!Number.isInteger(minutes) || minutes < 1 || minutes >= LATE_CUTOFF_MINUTES) {
      throw new Error(
        `SchedulingConstruct: sweepInterval must be whole minutes between 1 and ${LATE_CUTOFF_MINUTES - 1}, got ${sweepInterval.toHumanString()}`,
      );
    }
    this.controlQueue = props.controlQueue;
    const stack = Stack.of(this);

    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'Group', {
      // Schedules are derived state: the campaign's sendAt lives in the (retained) table and the
      // sweep fires a due campaign whose schedule is gone. A retained group would keep firing
      // at a queue that no longer exists.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'Communiqué: EventBridge Scheduler drops fire and sweep messages on the send queue',
      // Confused deputy: only schedules of this account's group may use the role.
      assumedBy: new iam.ServicePrincipal(SCHEDULER_SERVICE, {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': this.scheduleGroup.scheduleGroupArn },
        },
      }),
    });
    // Not grantSendMessages: the scheduler needs neither GetQueueAttributes nor GetQueueUrl.
    props.controlQueue.grant(this.schedulerRole, 'sqs:SendMessage');

    this.sweepSchedule = new scheduler.Schedule(this, 'Sweep', {
      scheduleName: SWEEP_SCHEDULE_NAME,
      scheduleGroup: this.scheduleGroup,
      description: 'Communiqué: fires due campaigns whose schedule was lost, reconciles stuck send claims',
      schedule: scheduler.ScheduleExpression.rate(sweepInterval),
      target: new targets.SqsSendMessage(props.controlQueue, {
        role: this.schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject({ type: 'sweep' }),
        // The next sweep supersedes an undelivered one.
        maxEventAge: Duration.minutes(minutes),
        retryAttempts: 3,
      }),
    });
    // The schedule names its group by a literal string: without this, CloudFormation could create
    // it before the group, or fire it before the role may send.
    this.sweepSchedule.node.addDependency(this.scheduleGroup, this.schedulerRole);
  }

  /**
   * Lets a function create, move and delete campaign schedules: the variables
   * functions/config.ts reads (`SCHEDULER_GROUP_NAME`, `SCHEDULER_ROLE_ARN`, `CONTROL_QUEUE_ARN`),
   * scheduler actions on `campaign-*` schedules of this group only, and `iam:PassRole` on the
   * scheduler role, to EventBridge Scheduler only.
   */
  public grantScheduleCampaigns(fn: lambda.Function): void {
    if (this.schedulers.has(fn.node.path)) throw new Error(`SchedulingConstruct: ${fn.node.path} may already schedule campaigns`);
    this.schedulers.add(fn.node.path);
    fn.addEnvironment('SCHEDULER_GROUP_NAME', this.scheduleGroup.scheduleGroupName);
    fn.addEnvironment('SCHEDULER_ROLE_ARN', this.schedulerRole.roleArn);
    fn.addEnvironment('CONTROL_QUEUE_ARN', this.controlQueue.queueArn);
    const campaignSchedules = Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.scheduleGroup.scheduleGroupName}/${CAMPAIGN_SCHEDULE_PREFIX}*`,
    });
    fn.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'ManageCampaignSchedules', actions: [...CAMPAIGN_SCHEDULE_ACTIONS], resources: [campaignSchedules] }),
    );
    if (fn.role) {
      acknowledgeWildcardResource(
        fn.role,
        campaignSchedules,
        'One schedule per campaign, named campaign-<id> at run time: the prefix in this group is the narrowest ARN that covers them, and excludes the sweep.',
      );
    }
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PassSchedulerRole',
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': SCHEDULER_SERVICE } },
      }),
    );
  }
}

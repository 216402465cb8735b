import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { CampaignScheduler } from '../../ports';

export interface EventBridgeSchedulerOptions {
  readonly groupName: string;
  /** Role EventBridge Scheduler assumes to send to the queue. */
  readonly roleArn: string;
  /** The send queue: a due schedule drops `{type:'fire'}` there, the send worker does the rest. */
  readonly queueArn: string;
}

/** `at()` takes a UTC wall time without zone designator when ScheduleExpressionTimezone is UTC. */
const atExpression = (at: Date) => `at(${at.toISOString().slice(0, 19)})`;

/** One-time EventBridge Scheduler schedules, one per campaign, deleted by the service after they fire. */
export class EventBridgeCampaignScheduler implements CampaignScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly options: EventBridgeSchedulerOptions,
  ) {}

  private input(campaignId: string, at: Date) {
    return {
      Name: `campaign-${campaignId}`,
      GroupName: this.options.groupName,
      ScheduleExpression: atExpression(at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      ActionAfterCompletion: 'DELETE' as const,
      Target: {
        Arn: this.options.queueArn,
        RoleArn: this.options.roleArn,
        Input: JSON.stringify({ type: 'fire', campaignId }),
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
      },
    };
  }

  async schedule(campaignId: string, at: Date): Promise<void> {
    try {
      await this.client.send(new CreateScheduleCommand(this.input(campaignId, at)));
    } catch (e: unknown) {
      if (!(e instanceof ConflictException)) throw e;
      await this.client.send(new UpdateScheduleCommand(this.input(campaignId, at)));
    }
  }

  async unschedule(campaignId: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: `campaign-${campaignId}`, GroupName: this.options.groupName }));
    } catch (e: unknown) {
      if (!(e instanceof ResourceNotFoundException)) throw e;
    }
  }
}

/** Local runtime: schedules live in the table (the campaign's `sendAt`); a ticker fires what is due. */
export const tableScheduler: CampaignScheduler = {
  schedule: async () => undefined,
  unschedule: async () => undefined,
};

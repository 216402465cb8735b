import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeCampaignScheduler } from '../../../functions/adapters/scheduler/eventbridge-scheduler';

// No emulator offers EventBridge Scheduler: aws-sdk-client-mock stands in for the service here only.
const scheduler = mockClient(SchedulerClient);
const adapter = new EventBridgeCampaignScheduler(new SchedulerClient({ region: 'eu-west-3' }), {
  groupName: 'communique',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler',
  queueArn: 'arn:aws:sqs:eu-west-3:123456789012:send',
});

beforeEach(() => scheduler.reset());

describe('EventBridgeCampaignScheduler', () => {
  it('creates a one-time UTC schedule that drops a fire message on the send queue and deletes itself', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});
    await adapter.schedule('c1', new Date('2026-03-29T07:00:00Z'));
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      Name: 'campaign-c1',
      GroupName: 'communique',
      ScheduleExpression: 'at(2026-03-29T07:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: 'arn:aws:sqs:eu-west-3:123456789012:send', Input: '{"type":"fire","campaignId":"c1"}' },
    });
  });

  it('moves an existing schedule when rescheduled', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    scheduler.on(UpdateScheduleCommand).resolves({});
    await adapter.schedule('c1', new Date('2026-10-25T08:00:00Z'));
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input.ScheduleExpression).toBe('at(2026-10-25T08:00:00)');
  });

  it('deleting a schedule that already fired (or never existed) is not an error', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));
    await expect(adapter.unschedule('c1')).resolves.toBeUndefined();
  });
});

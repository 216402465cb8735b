import { describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { pauseRunningCampaignsForReputation, reputationAlarmOf } from '../../functions/app/pause-for-reputation';
import { type Campaign, emptyCounts } from '../../functions/domain/campaign';
import type { CompiledMail } from '../../functions/render/compiled-mail';
import { freshTable } from '../support/emulator-context';
import { ManualClock } from '../support/fakes';

const mail: CompiledMail = { formatVersion: 1, subject: 's', html: ['h'], text: ['t'] };
const campaign = (id: string, status: Campaign['status'], createdAt: string): Campaign => ({
  id,
  releaseId: 'r1',
  listIds: ['l1'],
  sender: { name: 'CD41', address: 'presse@example.org' },
  status,
  counts: emptyCounts(),
  createdAt,
});

/** An EventBridge "CloudWatch Alarm State Change" event, as the rule hands it to the handler. */
const alarmEvent = (metric: string, state: string) => ({
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  detail: {
    alarmName: 'Communique-prod-MonitoringComplaintRateAlarm',
    state: { value: state, reason: 'Threshold Crossed' },
    configuration: { metrics: [{ id: 'm1', metricStat: { metric: { namespace: 'AWS/SES', name: metric, dimensions: {} }, period: 300 } }] },
  },
});

describe('reputationAlarmOf', () => {
  it('names the metric of an alarm that went into ALARM, and nothing else', () => {
    expect(reputationAlarmOf(alarmEvent('Reputation.BounceRate', 'ALARM'))).toBe('bounce');
    expect(reputationAlarmOf(alarmEvent('Reputation.ComplaintRate', 'ALARM'))).toBe('complaint');
    expect(reputationAlarmOf(alarmEvent('Reputation.ComplaintRate', 'OK'))).toBeUndefined();
    expect(reputationAlarmOf(alarmEvent('Errors', 'ALARM'))).toBeUndefined();
    expect(reputationAlarmOf({})).toBeUndefined();
  });
});

describe('pauseRunningCampaignsForReputation on DynamoDB Local', () => {
  it('pauses every running campaign, across pages, with the reason; leaves the others as they are', async () => {
    const { client, tableName } = await freshTable('reputation');
    const store = new DynamoStore(client, tableName);
    const statuses: Campaign['status'][] = ['running', 'finished', 'paused', 'scheduled', 'cancelled'];
    // 230 campaigns: the listing takes three pages of 100.
    for (let i = 0; i < 230; i++) {
      const status = statuses[i % statuses.length] as Campaign['status'];
      await store.createCampaign(campaign(`c${i}`, status, new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString()), mail);
    }
    const clock = new ManualClock();

    const paused = await pauseRunningCampaignsForReputation({ store, clock }, 'complaint');

    const running = Array.from({ length: 230 }, (_, i) => i)
      .filter((i) => i % 5 === 0)
      .map((i) => `c${i}`);
    expect(paused.sort()).toEqual(running.sort());
    const c0 = await store.getCampaign('c0');
    expect(c0).toMatchObject({ status: 'paused', statusReason: expect.stringContaining('taux de plaintes') });
    expect(c0?.statusReason).toContain('0,08 %');
    expect(await store.getCampaign('c1')).toMatchObject({ status: 'finished' });
    expect((await store.getCampaign('c2'))?.statusReason).toBeUndefined();
    expect(await store.getCampaign('c3')).toMatchObject({ status: 'scheduled' });

    // A second alarm finds nothing left running.
    expect(await pauseRunningCampaignsForReputation({ store, clock }, 'bounce')).toEqual([]);
  });
});

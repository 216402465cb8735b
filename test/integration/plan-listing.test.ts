import { describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import type { AnnouncementPlan } from '../../functions/domain/announcement-plan';
import type { Store } from '../../functions/ports';
import { freshTable } from '../support/emulator-context';
import { InMemoryStore } from '../support/in-memory-store';

const plan = (id: string, createdAt: string): AnnouncementPlan => ({
  id,
  sourceReleaseId: `r-${id}`,
  eventStart: '2026-06-12T09:00',
  timeZone: 'Europe/Paris',
  listIds: ['l1'],
  steps: [{ type: 'save-the-date', offsetDays: -60, time: '10:00', localSendAt: '2026-04-13T10:00', releaseId: 'r2', campaignId: 'c1' }],
  createdAt,
  updatedAt: createdAt,
});

const stores: [string, () => Promise<Store>][] = [
  ['InMemoryStore', async () => new InMemoryStore()],
  [
    'DynamoStore on DynamoDB Local',
    async () => {
      const { client, tableName } = await freshTable('plans');
      return new DynamoStore(client, tableName);
    },
  ],
];

describe.each(stores)('listPlans (%s)', (_, make) => {
  it('pages plans newest first, each once, and an updated plan stays listed once with its new content', async () => {
    const store = await make();
    await store.putPlan(plan('p-old', '2026-01-01T09:00:00.000Z'));
    await store.putPlan(plan('p-mid', '2026-02-01T09:00:00.000Z'));
    await store.putPlan(plan('p-new', '2026-03-01T09:00:00.000Z'));
    await store.putPlan({ ...plan('p-mid', '2026-02-01T09:00:00.000Z'), eventStart: '2026-06-19T09:00' });

    const first = await store.listPlans({ limit: 2 });
    const second = await store.listPlans({ limit: 2, cursor: first.cursor });

    expect(first.items.map((p) => p.id)).toEqual(['p-new', 'p-mid']);
    expect(first.items[1]?.eventStart).toBe('2026-06-19T09:00');
    expect(first.items[0]).toEqual(plan('p-new', '2026-03-01T09:00:00.000Z'));
    expect(second.items.map((p) => p.id)).toEqual(['p-old']);
    expect(await store.getPlan('p-old')).toEqual(plan('p-old', '2026-01-01T09:00:00.000Z'));
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { brands, seed001 } from '../fixtures/seeds';
import { freshTable, localConfigFor, uniqueDomain } from '../support/emulator-context';
import { fakeRenderer, ManualClock } from '../support/fakes';

let wiring: LocalWiring;
let sourceReleaseId: string;
let listId: string;

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await wiring.http.request(`/api${path}`, {
    method,
    headers: { authorization: 'Bearer root', 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as T };
}

const scheduledCampaigns = async () => {
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await wiring.deps.store.listCampaigns({ cursor, limit: 100 });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items.filter((c) => c.status === 'scheduled');
};

beforeAll(async () => {
  const { tableName } = await freshTable('plans');
  wiring = buildLocalWiring(
    localConfigFor(tableName),
    { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
    fakeRenderer,
    { clock: new ManualClock(new Date('2023-12-01T09:00:00Z')), onQueueError: () => undefined },
  );
  for (const b of brands) await wiring.deps.store.putBrand(b);
  listId = (await call<{ id: string }>('POST', '/lists', { name: 'Partenaires', kind: 'partners', optIn: 'single' })).body.id;
  await call('POST', `/lists/${listId}/subscribers`, { email: `partenaire@${uniqueDomain()}` });
  sourceReleaseId = (await call<{ id: string }>('POST', '/releases', seed001)).body.id;
});

type Plan = { id: string; steps: { campaignId: string; releaseId: string }[] };

describe('an announcement plan is created all or nothing (DynamoDB Local)', () => {
  it('a step that fails leaves nothing scheduled; a retry with the same key creates each step once', async () => {
    const store = wiring.deps.store;
    const createCampaign = store.createCampaign.bind(store);
    let calls = 0;
    store.createCampaign = async (campaign, mail) => {
      if (++calls === 3) throw new Error('DynamoDB unavailable for the third step');
      return createCampaign(campaign, mail);
    };
    const key = { 'idempotency-key': 'plan-festival-2024' };
    try {
      const failed = await call('POST', '/plans', { sourceReleaseId, listIds: [listId] }, key);
      expect(failed.status).toBe(500);
      expect(await scheduledCampaigns()).toEqual([]);
    } finally {
      store.createCampaign = createCampaign;
    }

    const plan = await call<Plan>('POST', '/plans', { sourceReleaseId, listIds: [listId] }, key);
    const again = await call<Plan>('POST', '/plans', { sourceReleaseId, listIds: [listId] }, key);

    expect(plan.status).toBe(201);
    expect(plan.body.steps).toHaveLength(5);
    expect(again.body.id).toBe(plan.body.id);
    expect(again.body.steps).toEqual(plan.body.steps);
    const scheduled = await scheduledCampaigns();
    expect(scheduled.map((c) => c.id).sort()).toEqual(plan.body.steps.map((s) => s.campaignId).sort());
    expect(new Set(plan.body.steps.map((s) => s.releaseId)).size).toBe(5);
  });

  it('answers 422 when the plan key is reused for another request', async () => {
    const key = { 'idempotency-key': 'plan-autre-demande' };
    const other = (await call<{ id: string }>('POST', '/lists', { name: 'Autres', kind: 'partners', optIn: 'single' })).body.id;
    await call('POST', `/lists/${other}/subscribers`, { email: `autre@${uniqueDomain()}` });
    expect(
      (
        await call(
          'POST',
          '/plans',
          { sourceReleaseId, listIds: [listId], steps: [{ type: 'reminder', offsetDays: -7, time: '10:00' }] },
          key,
        )
      ).status,
    ).toBe(201);
    const before = (await scheduledCampaigns()).length;

    const reused = await call<{ message: string }>(
      'POST',
      '/plans',
      { sourceReleaseId, listIds: [other], steps: [{ type: 'reminder', offsetDays: -7, time: '10:00' }] },
      key,
    );

    expect(reused.status).toBe(422);
    expect((await scheduledCampaigns()).length).toBe(before);
  });
});

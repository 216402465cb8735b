import { describe, expect, it } from 'vitest';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import { planEventAnnouncements } from '../../../functions/app/plan-event-announcements';
import { brands, seed001 } from '../../fixtures/seeds';
import { fakeDeps, ManualClock } from '../../support/fakes';

async function festival() {
  const ctx = fakeDeps({
    clock: new ManualClock(new Date('2023-12-01T09:00:00Z')),
    scheduler: { schedule: async () => undefined, unschedule: async () => undefined },
  });
  for (const b of brands) await ctx.store.putBrand(b);
  const partners = await createList(ctx.deps, { name: 'Partenaires', kind: 'partners', optIn: 'single' });
  await addSubscriberToList(ctx.deps, partners.id, { email: 'partenaire@example.org' });
  const source = await createRelease(ctx.deps, seed001);
  return { ...ctx, partners, source };
}

const scheduledIn = async (store: Awaited<ReturnType<typeof festival>>['store']) =>
  (await store.listCampaigns({ limit: 100 })).items.filter((c) => c.status === 'scheduled');

describe('announcement plans, all or nothing (in-memory store)', () => {
  it('without a key too: a plan whose fourth step fails leaves nothing scheduled, and a new attempt schedules each step once', async () => {
    const { deps, store, partners, source } = await festival();
    const createCampaign = store.createCampaign.bind(store);
    let calls = 0;
    store.createCampaign = async (campaign, mail) => {
      if (++calls === 4) throw new Error('store unavailable');
      return createCampaign(campaign, mail);
    };

    await expect(planEventAnnouncements(deps, { sourceReleaseId: source.id, listIds: [partners.id] })).rejects.toThrow('store unavailable');
    expect(await scheduledIn(store)).toEqual([]);
    expect((await store.listCampaigns({ limit: 100 })).items.map((c) => c.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);

    const plan = await planEventAnnouncements(deps, { sourceReleaseId: source.id, listIds: [partners.id] });
    expect((await scheduledIn(store)).map((c) => c.id).sort()).toEqual(plan.steps.map((s) => s.campaignId).sort());
  });

  it('a retry with the key after a crash reuses the steps already scheduled instead of adding new ones', async () => {
    const { deps, store, partners, source } = await festival();
    const input = { sourceReleaseId: source.id, listIds: [partners.id], idempotencyKey: 'plan-crash-0001' };
    // a crash after two steps, before any rollback: the process died (putPlan never ran)
    const putPlan = store.putPlan.bind(store);
    const cancel = store.setCampaignStatus.bind(store);
    store.putPlan = async () => {
      throw new Error('process killed');
    };
    store.setCampaignStatus = async () => {
      throw new Error('process killed');
    };
    await expect(planEventAnnouncements(deps, input)).rejects.toThrow('process killed');
    store.putPlan = putPlan;
    store.setCampaignStatus = cancel;
    const leftOver = (await scheduledIn(store)).map((c) => c.id).sort();
    expect(leftOver).toHaveLength(5);

    const plan = await planEventAnnouncements(deps, input);

    expect(plan.steps.map((s) => s.campaignId).sort()).toEqual(leftOver);
    expect(await scheduledIn(store)).toHaveLength(5);
  });
});

import { describe, expect, it } from 'vitest';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import { moveEvent, planEventAnnouncements, planTimes } from '../../../functions/app/plan-event-announcements';
import { sweepCampaigns } from '../../../functions/app/schedule-campaign';
import { unsubscribeFromLists } from '../../../functions/app/unsubscribe';
import { ValidationError } from '../../../functions/domain/errors';
import { brands, seed001 } from '../../fixtures/seeds';
import { fakeDeps, ManualClock } from '../../support/fakes';

async function festival(now: string) {
  const clock = new ManualClock(new Date(now));
  const ctx = fakeDeps({ clock, scheduler: { schedule: async () => undefined, unschedule: async () => undefined } });
  for (const b of brands) await ctx.store.putBrand(b);
  const partners = await createList(ctx.deps, { name: 'Partenaires', kind: 'partners', optIn: 'single' });
  const stays = await addSubscriberToList(ctx.deps, partners.id, { email: 'reste@example.org' });
  const leaves = await addSubscriberToList(ctx.deps, partners.id, { email: 'part@example.org' });
  const source = await createRelease(ctx.deps, seed001);
  return { ...ctx, clock, partners, source, stays, leaves };
}

const advanceTo = (clock: ManualClock, iso: string) => clock.advance(Date.parse(iso) - clock.now().getTime());

describe('announcement plan of the Festival du travail social (2 April 2024)', () => {
  it('derives each step’s date from the event date', () => {
    expect(seed001.event?.start.slice(0, 10)).toBe('2024-04-02');
    expect(planTimes(seed001.event?.start ?? '')).toEqual([
      { type: 'save-the-date', localSendAt: '2024-02-02T10:00' },
      { type: 'invitation', localSendAt: '2024-03-03T10:00' },
      { type: 'reminder', localSendAt: '2024-03-26T10:00' },
      { type: 'day-of', localSendAt: '2024-04-02T08:00' },
      { type: 'thank-you', localSendAt: '2024-04-03T10:00' },
    ]);
  });

  it('schedules one campaign per step at the right instants, across the March clock change', async () => {
    const { deps, store, partners, source } = await festival('2023-12-01T09:00:00Z');
    const plan = await planEventAnnouncements(deps, { sourceReleaseId: source.id, listIds: [partners.id] });
    const sendAts = await Promise.all(plan.steps.map(async (s) => (await store.getCampaign(s.campaignId))?.sendAt));
    expect(sendAts).toEqual([
      '2024-02-02T09:00:00.000Z',
      '2024-03-03T09:00:00.000Z',
      '2024-03-26T09:00:00.000Z',
      '2024-04-02T06:00:00.000Z',
      '2024-04-03T08:00:00.000Z',
    ]);
    const kinds = await Promise.all(plan.steps.map(async (s) => (await store.getRelease(s.releaseId))?.content.announcementType));
    expect(kinds).toEqual(['save-the-date', 'invitation', 'reminder', 'day-of', 'thank-you']);
  });

  it('moving the date moves pending steps only, says which would be past, and a mid-series unsubscribe holds', async () => {
    const { deps, store, mailer, queue, clock, partners, source, leaves } = await festival('2023-12-01T09:00:00Z');
    const plan = await planEventAnnouncements(deps, { sourceReleaseId: source.id, listIds: [partners.id] });

    for (const due of ['2024-02-02T09:01:00Z', '2024-03-03T09:01:00Z']) {
      advanceTo(clock, due);
      expect((await sweepCampaigns(deps, { staleClaimMs: 60_000 })).fired).toBe(1);
      await queue.drain();
    }
    advanceTo(clock, '2024-03-04T09:00:00Z');
    expect(mailer.sent).toHaveLength(4); // save-the-date and invitation, two partners each
    await unsubscribeFromLists(deps, leaves.subscriber?.id ?? '', [partners.id], 'form');

    const moved = await moveEvent(deps, plan.id, '2024-04-09T09:00');
    expect(moved.unchanged.map((u) => u.type)).toEqual(['save-the-date', 'invitation']);
    expect(moved.nowInPast).toEqual([]);
    const sendAts = await Promise.all(moved.plan.steps.map(async (s) => (await store.getCampaign(s.campaignId))?.sendAt));
    expect(sendAts).toEqual([
      '2024-02-02T09:00:00.000Z',
      '2024-03-03T09:00:00.000Z',
      '2024-04-02T08:00:00.000Z',
      '2024-04-09T06:00:00.000Z',
      '2024-04-10T08:00:00.000Z',
    ]);
    const reminder = await store.getRelease(moved.plan.steps[2]?.releaseId ?? '');
    expect(reminder?.content.event?.start).toBe('2024-04-09T09:00');

    const tooEarly = await moveEvent(deps, plan.id, '2024-03-10T09:00');
    expect(tooEarly.nowInPast.map((p) => p.type)).toEqual(['reminder']);

    advanceTo(clock, '2024-04-02T08:01:00Z');
    await sweepCampaigns(deps, { staleClaimMs: 60_000 });
    await queue.drain();
    expect(mailer.sent.slice(4).map((m) => m.to)).toEqual(['reste@example.org']);
  });

  it('refuses a plan whose steps are already past, naming them', async () => {
    const { deps, partners, source } = await festival('2024-03-10T09:00:00Z');
    await expect(planEventAnnouncements(deps, { sourceReleaseId: source.id, listIds: [partners.id] })).rejects.toThrow(ValidationError);
    await expect(planEventAnnouncements(deps, { sourceReleaseId: source.id, listIds: [partners.id] })).rejects.toThrow(
      /Save the date.*Invitation/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { cancelCampaign } from '../../../functions/app/control-campaign';
import { launchCampaign } from '../../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease, updateRelease } from '../../../functions/app/manage-releases';
import { approveRelease, rejectRelease, submitForReview } from '../../../functions/app/review-release';
import { fireScheduledCampaign, rescheduleCampaign, sweepCampaigns } from '../../../functions/app/schedule-campaign';
import { type Actor, ForbiddenError } from '../../../functions/domain/actor';
import { ConflictError, ValidationError } from '../../../functions/domain/errors';
import type { CampaignScheduler } from '../../../functions/ports';
import { compileRelease } from '../../../functions/render/compile-release';
import { fakeDeps, ManualClock, testBrand } from '../../support/fakes';

class RecordingScheduler implements CampaignScheduler {
  readonly schedules = new Map<string, string>();
  async schedule(id: string, at: Date) {
    this.schedules.set(id, at.toISOString());
  }
  async unschedule(id: string) {
    this.schedules.delete(id);
  }
}

const editor: Actor = { id: 'u-anne', name: 'Anne (attachée de presse)', role: 'editor' };
const reviewer: Actor = { id: 'u-marc', name: 'Marc (comité technique)', role: 'reviewer' };
const publisher: Actor = { id: 'u-lea', name: 'Léa (publication)', role: 'publisher' };

async function world(options: { review?: boolean; now?: string; realRender?: boolean } = {}) {
  const scheduler = new RecordingScheduler();
  const clock = new ManualClock(new Date(options.now ?? '2026-03-01T08:00:00Z'));
  const ctx = fakeDeps({ scheduler, clock, ...(options.realRender ? { compileRelease } : {}) });
  await ctx.store.putBrand({ ...testBrand, review: { required: options.review ?? false, allowSelfApproval: false } });
  const presse = await createList(ctx.deps, { name: 'Presse', kind: 'press', optIn: 'single' });
  const partenaires = await createList(ctx.deps, { name: 'Partenaires', kind: 'partners', optIn: 'single' });
  await addSubscriberToList(ctx.deps, presse.id, { email: 'journaliste@example.org' });
  await addSubscriberToList(ctx.deps, partenaires.id, { email: 'partenaire@example.org' });
  return { ...ctx, scheduler, clock, presse, partenaires };
}

describe('scheduled sends (controllable clock)', () => {
  it('fires at its time and sends once, even if the schedule fires twice', async () => {
    const { deps, store, mailer, queue, scheduler, clock, presse } = await world();
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Programmé' });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id], sendAt: '2026-03-02T10:00' });
    expect(campaign.status).toBe('scheduled');
    expect(scheduler.schedules.get(campaign.id)).toBe('2026-03-02T09:00:00.000Z');

    expect(await fireScheduledCampaign(deps, campaign.id)).toBe('early');
    clock.advance(25 * 3600_000 + 60_000); // 2026-03-02T09:01Z
    expect(await fireScheduledCampaign(deps, campaign.id)).toBe('sent');
    expect(await fireScheduledCampaign(deps, campaign.id)).toBe('ignored');
    await queue.drain();
    expect(mailer.sent.map((m) => m.to)).toEqual(['journaliste@example.org']);
    expect((await store.getCampaign(campaign.id))?.status).toBe('finished');
  });

  it('reschedules (the schedule moves) and cancels (the schedule is deleted, nothing sent)', async () => {
    const { deps, mailer, queue, scheduler, clock, presse } = await world();
    const release = await createRelease(deps, { brandId: 'cd41', title: 'À déplacer' });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id], sendAt: '2026-03-02T10:00' });
    await rescheduleCampaign(deps, campaign.id, { sendAt: '2026-03-03T15:30' });
    expect(scheduler.schedules.get(campaign.id)).toBe('2026-03-03T14:30:00.000Z');
    clock.advance(25 * 3600_000 + 60_000);
    expect(await fireScheduledCampaign(deps, campaign.id)).toBe('early');

    await cancelCampaign(deps, campaign.id);
    expect(scheduler.schedules.has(campaign.id)).toBe(false);
    clock.advance(2 * 86_400_000);
    expect(await fireScheduledCampaign(deps, campaign.id)).toBe('ignored');
    await queue.drain();
    expect(mailer.sent).toEqual([]);
  });

  it('marks a schedule that fires late beyond the cutoff as missed, sends nothing, and says why', async () => {
    const { deps, store, mailer, queue, clock, presse } = await world();
    const release = await createRelease(deps, { brandId: 'cd41', title: 'En retard' });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id], sendAt: '2026-03-01T12:00' });
    clock.advance(3 * 3600_000 + 16 * 60_000); // 11:16Z: 16 minutes after 12:00 in Paris
    expect(await fireScheduledCampaign({ ...deps, lateCutoffMs: 15 * 60_000 }, campaign.id)).toBe('missed');
    await queue.drain();
    expect(mailer.sent).toEqual([]);
    const missed = await store.getCampaign(campaign.id);
    expect(missed?.status).toBe('missed');
    expect(missed?.statusReason).toMatch(/16 min de retard/);
  });

  it.each([
    ['March', '2026-03-29T09:00', '2026-03-29T07:00:00.000Z'],
    ['October', '2026-10-25T09:00', '2026-10-25T08:00:00.000Z'],
  ])('fires at the right UTC instant across the %s daylight-saving change', async (_, local, utc) => {
    const { deps, store, mailer, queue, scheduler, clock, presse } = await world({ now: '2026-03-20T08:00:00Z' });
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Heure d’été' });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id], sendAt: local });
    expect(scheduler.schedules.get(campaign.id)).toBe(utc);

    clock.advance(Date.parse(utc) - clock.now().getTime() - 1_000);
    expect((await sweepCampaigns(deps, { staleClaimMs: 60_000 })).fired).toBe(0);
    clock.advance(1_000);
    expect((await sweepCampaigns(deps, { staleClaimMs: 60_000 })).fired).toBe(1);
    await queue.drain();
    expect(mailer.sent).toHaveLength(1);
    expect((await store.getCampaign(campaign.id))?.startedAt).toBe(utc);
  });

  it('refuses a time in the past, a time that does not exist, and a repeated time without a choice', async () => {
    const { deps, presse } = await world();
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Refus' });
    const attempt = (sendAt: string) => launchCampaign(deps, { releaseId: release.id, listIds: [presse.id], sendAt });
    await expect(attempt('2026-02-28T10:00')).rejects.toThrow(/passée/);
    await expect(attempt('2026-03-29T02:30')).rejects.toThrow(/n’existe pas/);
    await expect(attempt('2026-10-25T02:30')).rejects.toThrow(/existe deux fois/);
    await expect(
      launchCampaign(deps, { releaseId: release.id, listIds: [presse.id], sendAt: '2026-10-25T02:30', ambiguity: 'later' }),
    ).resolves.toBeDefined();
  });
});

describe('review (brand with review on)', () => {
  it('refuses to send or schedule an unapproved release, then sends once approved by someone else', async () => {
    const { deps, store, mailer, queue, presse } = await world({ review: true });
    const release = await createRelease(deps, { brandId: 'cd41', title: 'À relire' }, editor);
    await expect(launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] }, publisher)).rejects.toThrow(/pas approuvé/);
    await expect(
      launchCampaign(deps, { releaseId: release.id, listIds: [presse.id], sendAt: '2026-03-05T10:00' }, publisher),
    ).rejects.toThrow(/pas approuvé/);

    await submitForReview(deps, editor, release.id);
    await expect(launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] }, publisher)).rejects.toThrow(/pas approuvé/);
    await approveRelease(deps, reviewer, release.id);
    await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] }, publisher);
    await queue.drain();
    expect(mailer.sent).toHaveLength(1);
    const log = await store.listAudit('2026-03');
    expect(log.map((e) => [e.action, e.actorId])).toEqual([
      ['release.created', 'u-anne'],
      ['release.submitted', 'u-anne'],
      ['release.approved', 'u-marc'],
      ['campaign.launched', 'u-lea'],
    ]);
  });

  it('refuses a reviewer approving their own release, unless the brand allows it', async () => {
    const { deps, store } = await world({ review: true });
    const own = await createRelease(deps, { brandId: 'cd41', title: 'Le mien' }, { ...reviewer, role: 'admin' });
    await submitForReview(deps, { ...reviewer, role: 'admin' }, own.id);
    await expect(approveRelease(deps, reviewer, own.id)).rejects.toThrow(/propre communiqué/);
    await store.putBrand({ ...testBrand, review: { required: true, allowSelfApproval: true } });
    expect((await approveRelease(deps, reviewer, own.id)).status).toBe('approved');
  });

  it('sends back to draft with a required comment; editing an approved release sends it back to draft', async () => {
    const { deps, clock, presse } = await world({ review: true });
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Brouillon' }, editor);
    await submitForReview(deps, editor, release.id);
    await expect(rejectRelease(deps, reviewer, release.id, '  ')).rejects.toBeInstanceOf(ValidationError);
    const back = await rejectRelease(deps, reviewer, release.id, 'Citer la vice-présidente exactement.');
    expect(back).toMatchObject({ status: 'draft', review: { comment: 'Citer la vice-présidente exactement.', decidedBy: 'u-marc' } });

    await submitForReview(deps, editor, release.id);
    await approveRelease(deps, reviewer, release.id);
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id], sendAt: '2026-03-02T10:00' }, publisher);
    // a scheduled send keeps its text: the edit waits until the send is cancelled
    await expect(updateRelease(deps, release.id, { brandId: 'cd41', title: 'Brouillon modifié' }, undefined, editor)).rejects.toThrow(
      /envoi programmé/,
    );
    await cancelCampaign(deps, campaign.id);
    const edited = await updateRelease(deps, release.id, { brandId: 'cd41', title: 'Brouillon modifié' }, undefined, editor);
    expect(edited.status).toBe('draft');
    clock.advance(25 * 3600_000 + 60_000);
    expect(await fireScheduledCampaign(deps, campaign.id)).toBe('ignored');
  });

  it('keeps each role to its job', async () => {
    const { deps, presse } = await world({ review: true });
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Rôles' }, editor);
    await submitForReview(deps, editor, release.id);
    await expect(approveRelease(deps, editor, release.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createRelease(deps, { brandId: 'cd41', title: 'x' }, reviewer)).rejects.toBeInstanceOf(ForbiddenError);
    await approveRelease(deps, reviewer, release.id);
    await expect(launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] }, reviewer)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] }, editor)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('embargo', () => {
  const event = { name: 'Festival', start: '2026-04-02T09:00', venue: { name: 'Maison des Sports de Touraine' } };

  it('refuses an embargo that lifts after the event it announces', async () => {
    const { deps } = await world();
    const input = {
      brandId: 'cd41',
      kind: 'event-announcement' as const,
      title: 'Invitation',
      event,
      embargoUntil: '2026-04-02T10:00:00+02:00',
    };
    await expect(createRelease(deps, input)).rejects.toMatchObject({ field: 'embargoUntil' });
  });

  it('before the embargo: press lists only, with a visible banner and subject prefix; after it, anyone', async () => {
    const { deps, mailer, queue, clock, presse, partenaires } = await world({ realRender: true });
    const release = await createRelease(deps, {
      brandId: 'cd41',
      title: 'Résultats',
      body: 'Texte.',
      embargoUntil: '2026-03-05T10:00:00+01:00',
    });
    await expect(launchCampaign(deps, { releaseId: release.id, listIds: [presse.id, partenaires.id] })).rejects.toThrow(
      /embargo.*Partenaires/,
    );
    await expect(
      launchCampaign(deps, { releaseId: release.id, listIds: [partenaires.id], sendAt: '2026-03-05T09:30' }),
    ).rejects.toBeInstanceOf(ConflictError);

    await launchCampaign(deps, { releaseId: release.id, listIds: [presse.id] });
    await queue.drain();
    const [toPress] = mailer.sent;
    expect(toPress?.subject).toMatch(/^SOUS EMBARGO – Résultats/);
    expect(toPress?.html).toMatch(/[Ss]ous embargo jusqu’au/);
    expect(toPress?.text).toMatch(/[Ss]ous embargo jusqu’au/);

    clock.advance(5 * 86_400_000);
    await launchCampaign(deps, { releaseId: release.id, listIds: [partenaires.id] });
    await queue.drain();
    expect(mailer.sent[1]?.subject).toBe('Résultats');
    expect(mailer.sent[1]?.html).not.toMatch(/[Ss]ous embargo/);
  });
});

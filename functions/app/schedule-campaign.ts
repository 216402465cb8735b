import type { Campaign } from '../domain/campaign';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { type Ambiguity, resolveLocalTime } from '../domain/local-time';
import type { AppDeps, SendDeps } from './deps';
import { markLaunched } from './publish-release';
import { reconcileClaims } from './reconcile-claims';
import { snapshotAudience } from './snapshot-audience';

/** Default tolerance for a late schedule: beyond it the campaign is `missed`, nothing is sent. */
export const DEFAULT_LATE_CUTOFF_MS = 15 * 60_000;

/** Moves a scheduled campaign to another local time (its EventBridge schedule is updated too). */
export async function rescheduleCampaign(
  deps: AppDeps,
  id: string,
  input: { sendAt: string; timeZone?: string; ambiguity?: Ambiguity },
): Promise<Campaign> {
  const campaign = await deps.store.getCampaign(id);
  if (!campaign) throw new NotFoundError('Campagne', id);
  const timeZone = input.timeZone ?? campaign.timeZone ?? 'Europe/Paris';
  const sendAt = resolveLocalTime(input.sendAt, timeZone, input.ambiguity);
  if (sendAt.getTime() <= deps.clock.now().getTime())
    throw new ValidationError(`Cette date est passée (${input.sendAt}, ${timeZone}) : choisissez un moment à venir.`, 'sendAt');
  const moved = await deps.store.rescheduleCampaign(
    id,
    { sendAt: sendAt.toISOString(), localSendAt: input.sendAt, timeZone },
    deps.clock.now().toISOString(),
  );
  if (!moved) throw new ConflictError('Seule une campagne programmée peut être reprogrammée.');
  await deps.scheduler?.schedule(id, sendAt);
  return (await deps.store.getCampaign(id)) as Campaign;
}

/**
 * A schedule came due. Sends only if the campaign is still scheduled, the time has come, and
 * it is not late beyond the cutoff (a stale schedule is marked `missed` with the reason, so the
 * press attaché sees it, rather than sent hours late). Firing twice sends once.
 */
export async function fireScheduledCampaign(deps: SendDeps, campaignId: string): Promise<'sent' | 'missed' | 'early' | 'ignored'> {
  const campaign = await deps.store.getCampaign(campaignId);
  if (campaign?.status !== 'scheduled' || !campaign.sendAt) return 'ignored';
  const now = deps.clock.now();
  const due = Date.parse(campaign.sendAt);
  if (now.getTime() < due) return 'early';
  const lateBy = now.getTime() - due;
  const cutoff = deps.lateCutoffMs ?? DEFAULT_LATE_CUTOFF_MS;
  if (lateBy > cutoff) {
    const minutes = Math.round(lateBy / 60_000);
    await deps.store.setCampaignStatus(
      campaignId,
      'missed',
      ['scheduled'],
      now.toISOString(),
      `Programmation déclenchée avec ${minutes} min de retard (tolérance ${Math.round(cutoff / 60_000)} min) : rien n’a été envoyé, reprogrammez-la.`,
    );
    return 'missed';
  }
  // The release may have been edited since it was scheduled: with review on, it must still be approved.
  const release = await deps.store.getRelease(campaign.releaseId);
  const brand = release ? await deps.store.getBrand(release.content.brandId) : undefined;
  if (!release || (brand?.review.required && release.status !== 'approved' && release.status !== 'sent')) {
    await deps.store.setCampaignStatus(
      campaignId,
      'missed',
      ['scheduled'],
      now.toISOString(),
      'Le communiqué n’est plus approuvé (modifié depuis la programmation) : rien n’a été envoyé.',
    );
    return 'missed';
  }
  if (!(await deps.store.setCampaignStatus(campaignId, 'running', ['scheduled'], now.toISOString()))) return 'ignored';
  if (release.status !== 'sent') {
    await deps.store.updateRelease(markLaunched(release, now), release.version);
  }
  await snapshotAudience(deps, campaignId);
  return 'sent';
}

/** The periodic sweep: due schedules nobody fired (local runtime, or a lost event) and stuck claims. */
export async function sweepCampaigns(deps: SendDeps, options: { staleClaimMs: number }): Promise<{ fired: number; reconciled: number }> {
  let fired = 0;
  let reconciled = 0;
  const now = deps.clock.now().getTime();
  let cursor: string | undefined;
  do {
    const page = await deps.store.listCampaigns({ cursor, limit: 100 });
    cursor = page.cursor;
    for (const c of page.items) {
      if (c.status === 'scheduled' && c.sendAt && Date.parse(c.sendAt) <= now) {
        if ((await fireScheduledCampaign(deps, c.id)) !== 'ignored') fired++;
      } else if (c.status === 'running' || (c.status === 'cancelled' && !c.countsFinalAt)) {
        const r = await reconcileClaims(deps, c.id, options.staleClaimMs);
        reconciled += r.recovered + r.requeued;
      }
    }
  } while (cursor);
  return { fired, reconciled };
}

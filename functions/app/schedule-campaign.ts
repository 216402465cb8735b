import type { Campaign } from '../domain/campaign';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { type Ambiguity, resolveLocalTime } from '../domain/local-time';
import type { Release } from '../domain/release';
import { embargoRefusal } from '../domain/release-embargo';
import { awaitsApproval } from '../domain/review-gate';
import type { AppDeps, SendDeps } from './deps';
import { markLaunched } from './publish-release';
import { reconcileClaims } from './reconcile-claims';
import { compileCampaignMail } from './release-rendering';
import { requeueUncovered } from './requeue-uncovered';
import { SNAPSHOT_CHUNK_MS, snapshotAudience } from './snapshot-audience';

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
  if (campaign.status !== 'scheduled') throw new ConflictError('Seule une campagne programmée peut être reprogrammée.');
  const release = await deps.store.getRelease(campaign.releaseId);
  if (!release) throw new NotFoundError('Communiqué', campaign.releaseId);
  const lists = [];
  for (const listId of campaign.listIds) {
    const list = await deps.store.getList(listId);
    if (list) lists.push(list);
  }
  const embargo = embargoRefusal(release.content, lists, sendAt);
  if (embargo) throw new ConflictError(embargo);
  const moved = await deps.store.rescheduleCampaign(
    id,
    { sendAt: sendAt.toISOString(), localSendAt: input.sendAt, timeZone },
    deps.clock.now().toISOString(),
  );
  if (!moved) throw new ConflictError('Seule une campagne programmée peut être reprogrammée.');
  // The mail depends on when it leaves (the embargo prefix): compiled again for the new time,
  // from the version it was scheduled with (another version is refused when the schedule fires).
  if (campaign.releaseVersion === undefined || campaign.releaseVersion === release.version) {
    await deps.store.replaceCompiledMail(id, await compileCampaignMail(deps, release, sendAt));
  }
  await deps.scheduler?.schedule(id, sendAt);
  return (await deps.store.getCampaign(id)) as Campaign;
}

/**
 * A schedule came due. Sends only if the campaign is still scheduled, the time has come, and
 * it is not late beyond the cutoff (a stale schedule is marked `missed` with the reason, so the
 * press attaché sees it, rather than sent hours late). Firing twice sends once.
 */
export async function fireScheduledCampaign(
  deps: SendDeps,
  campaignId: string,
  /** The invocation's deadline: a large audience is snapshotted in chunks, resumed by launch messages. */
  options: { deadlineMs?: number } = {},
): Promise<'sent' | 'missed' | 'early' | 'ignored'> {
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
  const refusal = await fireTimeRefusal(deps, campaign, now);
  if (refusal) {
    await deps.store.setCampaignStatus(campaignId, 'missed', ['scheduled'], now.toISOString(), refusal);
    return 'missed';
  }
  const release = (await deps.store.getRelease(campaign.releaseId)) as Release;
  if (!(await deps.store.setCampaignStatus(campaignId, 'running', ['scheduled'], now.toISOString()))) return 'ignored';
  if (release.status !== 'sent') {
    await deps.store.updateRelease(markLaunched(release, now), release.version);
  }
  await snapshotAudience(deps, campaignId, { deadlineMs: options.deadlineMs });
  return 'sent';
}

/**
 * Why a scheduled campaign may not leave now, judged on the release as it is at this moment
 * (French, shown as the campaign's reason); undefined when it may. The mail was compiled at
 * scheduling from one version of the release, and the send worker has no renderer to compile
 * it again: so the release must still be that version (edits are refused while a send is
 * scheduled; this catches one that raced the check), still approved when its brand requires
 * review, and out of embargo for every list that is not a press list.
 */
async function fireTimeRefusal(deps: SendDeps, campaign: Campaign, now: Date): Promise<string | undefined> {
  const release = await deps.store.getRelease(campaign.releaseId);
  if (!release) return 'Le communiqué n’existe plus : rien n’a été envoyé.';
  if (campaign.releaseVersion !== undefined && release.version !== campaign.releaseVersion) {
    return `Le communiqué a été modifié depuis la programmation (version ${campaign.releaseVersion} programmée, version ${release.version} maintenant) : rien n’a été envoyé. Programmez un nouvel envoi pour envoyer le texte actuel.`;
  }
  const brand = await deps.store.getBrand(release.content.brandId);
  if (brand && awaitsApproval(brand, release.status)) {
    return 'Le communiqué n’est plus approuvé (modifié depuis la programmation) : rien n’a été envoyé.';
  }
  const lists = [];
  for (const id of campaign.listIds) {
    const list = await deps.store.getList(id);
    if (list) lists.push(list);
  }
  const embargo = embargoRefusal(release.content, lists, now);
  return embargo ? `${embargo} Rien n’a été envoyé.` : undefined;
}

/**
 * The periodic sweep: due schedules nobody fired (local runtime, or a lost event), stuck claims,
 * and pending recipients no queue message covers any more (see requeue-uncovered.ts).
 */
export async function sweepCampaigns(
  deps: SendDeps,
  options: { staleClaimMs: number; uncoveredAfterMs?: number; deadlineMs?: number },
): Promise<{ fired: number; reconciled: number; requeued?: number }> {
  let fired = 0;
  let reconciled = 0;
  let requeued = 0;
  const now = deps.clock.now().getTime();
  let cursor: string | undefined;
  do {
    const page = await deps.store.listCampaigns({ cursor, limit: 100 });
    cursor = page.cursor;
    for (const c of page.items) {
      // Too little time left for a snapshot's chunk: the next sweep goes on from here (and a suspended snapshot resumes by its own launch).
      if (options.deadlineMs !== undefined && deps.clock.now().getTime() > options.deadlineMs - SNAPSHOT_CHUNK_MS)
        return { fired, reconciled, requeued };
      if (c.status === 'scheduled' && c.sendAt && Date.parse(c.sendAt) <= now) {
        if ((await fireScheduledCampaign(deps, c.id, { deadlineMs: options.deadlineMs })) !== 'ignored') fired++;
      } else if (c.status === 'running' || (c.status === 'cancelled' && !c.countsFinalAt)) {
        const r = await reconcileClaims(deps, c.id, options.staleClaimMs, { deadlineMs: options.deadlineMs });
        reconciled += r.recovered + r.requeued;
        if (c.status === 'running') requeued += await requeueUncovered(deps, c, options.uncoveredAfterMs);
      }
    }
  } while (cursor);
  return { fired, reconciled, requeued };
}

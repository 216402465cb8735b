import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type Actor, assertCan, bootstrapAdmin } from '../domain/actor';
import type { MailingList } from '../domain/audience';
import { type Campaign, emptyCounts } from '../domain/campaign';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../domain/errors';
import { resolveLocalTime } from '../domain/local-time';
import { embargoRefusal } from '../domain/release';
import { awaitsApproval } from '../domain/review-gate';
import { isEmptyFilter, type SegmentFilter, segmentFilterSchema } from '../domain/segment';
import { audit } from './audit-log';
import { controlQueueOf } from './control-queue';
import type { AppDeps } from './deps';
import { audienceReachable } from './estimate-audience';
import { getRelease } from './manage-releases';
import { markLaunched } from './publish-release';
import { brandsOf, compileCampaignMail } from './release-rendering';

export const launchCampaignInputSchema = z.object({
  releaseId: z.string().min(1),
  listIds: z.array(z.string().min(1)).min(1, 'au moins une liste'),
  /** Same key, same campaign: a retried POST never starts a second campaign. */
  idempotencyKey: z.string().min(8).max(200).optional(),
  /** Send later: local wall time `YYYY-MM-DDTHH:mm[:ss]` in `timeZone`. */
  sendAt: z.string().optional(),
  timeZone: z.string().default('Europe/Paris'),
  /** Which of the two times is meant when `sendAt` falls in the hour repeated in October. */
  ambiguity: z.enum(['earlier', 'later']).optional(),
  /** Only the members matching this saved segment (its filter is frozen into the campaign). */
  segmentId: z.string().trim().min(1).optional(),
  /** Or a filter given inline, with the same criteria as a segment. */
  filter: segmentFilterSchema.optional(),
});
export type LaunchCampaignInput = z.input<typeof launchCampaignInputSchema>;

export interface LaunchResult {
  readonly campaign: Campaign;
  /** False when the idempotency key named a campaign already recorded: this is that campaign. */
  readonly created: boolean;
  /** What failed after the campaign was recorded (it goes out all the same): for the logs, not for the caller to retry. */
  readonly lateFailures?: readonly string[];
}

/** Deterministic id from the idempotency key, shaped like a UUID: the campaign a key names. */
export const campaignIdForKey = (key: string) => {
  const h = createHash('sha256').update(`campaign:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/**
 * Sends a release to lists now: compiles the mail once (a render error refuses the launch,
 * nothing is sent), records the campaign, and queues the audience snapshot.
 */
export async function launchCampaign(deps: AppDeps, input: LaunchCampaignInput, actor: Actor = bootstrapAdmin): Promise<LaunchResult> {
  assertCan(actor, 'campaign:send');
  const parsed = launchCampaignInputSchema.parse(input);
  const { releaseId, idempotencyKey, sendAt: localSendAt, timeZone, ambiguity } = parsed;
  const listIds = [...new Set(input.listIds)];
  const id = idempotencyKey ? campaignIdForKey(idempotencyKey) : deps.newId();
  if (parsed.segmentId && parsed.filter)
    throw new ValidationError('Choisissez un segment (segmentId) ou un filtre (filter), pas les deux.', 'filter');
  const inlineFilter = parsed.filter && !isEmptyFilter(parsed.filter) ? parsed.filter : undefined;
  const request = { releaseId, listIds, localSendAt, timeZone, segmentId: parsed.segmentId, filter: inlineFilter };
  const existing = idempotencyKey ? await deps.store.getCampaign(id) : undefined;
  if (existing) return { campaign: await sameRequestOrRefuse(deps, existing, request), created: false };
  const target = await audienceTarget(deps, parsed.segmentId, inlineFilter);

  const release = await getRelease(deps, releaseId);
  const lists: MailingList[] = [];
  for (const listId of listIds) {
    const list = await deps.store.getList(listId);
    if (!list) throw new NotFoundError('Liste', listId);
    lists.push(list);
  }
  const { brand, coBrands } = await brandsOf(deps, release.content);
  if (awaitsApproval(brand, release.status)) {
    throw new ConflictError(
      'Ce communiqué n’est pas approuvé : la relecture est obligatoire pour cette marque avant tout envoi ou programmation.',
    );
  }

  const now = deps.clock.now();
  const sendAt = localSendAt === undefined ? undefined : resolveLocalTime(localSendAt, timeZone, ambiguity);
  if (sendAt && sendAt.getTime() <= now.getTime()) {
    throw new ValidationError(`Cette date est passée (${localSendAt}, ${timeZone}) : choisissez un moment à venir.`, 'sendAt');
  }
  // Reads members only up to the first reachable person: the snapshot reads the audience for real.
  const audience = await audienceReachable(deps, listIds, target.audienceFilter);
  if (!audience.reachable) {
    throw new ConflictError(
      target.audienceFilter
        ? `Aucun destinataire : personne de confirmé et joignable sur ces listes ne correspond au segment (${audience.outsideSegment ?? 0} hors segment, ${audience.notConfirmed} non confirmé(s), ${audience.suppressed} adresse(s) bloquée(s)).`
        : `Aucun destinataire : ces listes n’ont pas d’abonné confirmé joignable (${audience.notConfirmed} non confirmé(s), ${audience.suppressed} adresse(s) bloquée(s)).`,
    );
  }
  // Embargo is judged at the moment the mail leaves (and again when a schedule fires): press lists only, with a visible banner.
  const leavesAt = sendAt ?? now;
  const embargo = embargoRefusal(release.content, lists, leavesAt);
  if (embargo) throw new ConflictError(embargo);
  const mail = await compileCampaignMail(deps, release, leavesAt, { brand, coBrands });
  const campaign: Campaign = {
    id,
    releaseId,
    releaseVersion: release.version,
    listIds,
    ...target,
    sender: { name: brand.senderName, address: brand.senderEmail, replyTo: brand.replyTo },
    status: sendAt ? 'scheduled' : 'running',
    counts: emptyCounts(),
    createdAt: now.toISOString(),
    ...(sendAt ? { sendAt: sendAt.toISOString(), localSendAt, timeZone } : { startedAt: now.toISOString() }),
  };
  if (sendAt && !deps.scheduler) throw new Error('no scheduler configured: cannot schedule a campaign');
  const result = await deps.store.createCampaign(campaign, mail);
  if (!result.created) return { campaign: await sameRequestOrRefuse(deps, result.campaign, request), created: false };
  // From here the campaign is recorded and will go out: the sweep takes the snapshot of a running
  // campaign left without one, and fires a due schedule nobody fired. So nothing below may
  // answer with an error (the caller would retry, and without a key launch a second campaign):
  // a failure is reported in `lateFailures` instead.
  const lateFailures: string[] = [];
  const tryTo = async (what: string, step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (e: unknown) {
      lateFailures.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  if (sendAt) {
    await tryTo('schedule', () => (deps.scheduler as NonNullable<AppDeps['scheduler']>).schedule(id, sendAt));
    await tryTo('audit', () => audit(deps, actor, 'campaign.scheduled', 'campaign', id, `${localSendAt} (${timeZone})`));
    return { campaign: result.campaign, created: true, ...(lateFailures.length ? { lateFailures } : {}) };
  }
  await tryTo('enqueue', () => controlQueueOf(deps).enqueue([{ type: 'launch', campaignId: id }]));
  if (release.status !== 'sent') {
    // `sent` closes the release to edits; it enters the newsroom when its first mail leaves (publishOnFirstSend).
    await tryTo('release status', () => deps.store.updateRelease(markLaunched(release, now), release.version));
  }
  await tryTo('audit', () =>
    audit(
      deps,
      actor,
      'campaign.launched',
      'campaign',
      id,
      `communiqué ${releaseId}, listes ${listIds.join(', ')}${target.segment ? `, segment « ${target.segment.name} »` : ''}`,
    ),
  );
  return { campaign: result.campaign, created: true, ...(lateFailures.length ? { lateFailures } : {}) };
}

/**
 * Who among the lists' members the campaign is for: a saved segment (its filter copied, so that
 * editing the segment later changes no launched campaign), or an inline filter, or everyone.
 */
async function audienceTarget(
  deps: AppDeps,
  segmentId: string | undefined,
  filter: SegmentFilter | undefined,
): Promise<{ segment?: { id: string; name: string }; audienceFilter?: SegmentFilter }> {
  if (segmentId) {
    const segment = await deps.store.getSegment(segmentId);
    if (!segment) throw new NotFoundError('Segment', segmentId);
    return { segment: { id: segment.id, name: segment.name }, audienceFilter: segment.filter };
  }
  return filter ? { audienceFilter: filter } : {};
}

/** An idempotency key names one request: reused for another (release, lists, time), it is refused, never silently answered. */
export class IdempotencyKeyReusedError extends DomainError {
  constructor(campaignId: string) {
    super(
      'idempotency_key_reused',
      `Cette clé d’idempotence a déjà servi pour une autre demande (campagne ${campaignId} : autre communiqué, autres listes ou autre heure) : utilisez une nouvelle clé pour un nouvel envoi.`,
    );
  }
}

async function sameRequestOrRefuse(
  deps: AppDeps,
  campaign: Campaign,
  request: {
    releaseId: string;
    listIds: readonly string[];
    localSendAt?: string;
    timeZone: string;
    segmentId?: string;
    filter?: SegmentFilter;
  },
): Promise<Campaign> {
  const sorted = (ids: readonly string[]) => [...new Set(ids)].sort().join('\n');
  const same =
    campaign.releaseId === request.releaseId &&
    // The same segment, even if edited since (a retry after a lost answer), or the same inline filter.
    (request.segmentId
      ? campaign.segment?.id === request.segmentId
      : !campaign.segment && sameFilter(campaign.audienceFilter, request.filter)) &&
    sorted(campaign.listIds) === sorted(request.listIds) &&
    campaign.localSendAt === request.localSendAt &&
    (request.localSendAt === undefined || campaign.timeZone === request.timeZone);
  if (!same) throw new IdempotencyKeyReusedError(campaign.id);
  return requeueIfStalled(deps, campaign);
}

/** Key order is not kept by the table: compared key by key, sorted. */
const sameFilter = (a: SegmentFilter | undefined, b: SegmentFilter | undefined) => {
  const text = (f: SegmentFilter | undefined) => (f ? JSON.stringify(f, Object.keys(f).sort()) : '');
  return text(a) === text(b);
};

/** A crash between recording the campaign and queueing its snapshot leaves it running without a total: queue it again. */
async function requeueIfStalled(deps: AppDeps, campaign: Campaign): Promise<Campaign> {
  if (campaign.status === 'running' && campaign.total === undefined) {
    // Recorded already: if the queue fails now, the sweep takes the snapshot; no error to retry on.
    await controlQueueOf(deps)
      .enqueue([{ type: 'launch', campaignId: campaign.id }])
      .catch(() => undefined);
  }
  return campaign;
}

import { type Actor, assertCan } from '../domain/actor';
import type { Campaign } from '../domain/campaign';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { Release } from '../domain/release';
import { audit } from './audit-log';
import type { AppDeps, SendDeps } from './deps';

/**
 * A release as a campaign leaves with it: `sent` (never edited again; duplicate it to correct
 * it), and not public until its first mail has gone out. A release already published stays so.
 */
export function markLaunched(release: Release, now: Date): Release {
  return {
    ...release,
    status: 'sent',
    sentAt: release.sentAt ?? now.toISOString(),
    ...(release.publishedAt === undefined ? { awaitingFirstMail: true } : {}),
  };
}

/** Campaigns whose release this process saw published: their later batches skip the two reads. */
const published = new Set<string>();

/**
 * Called after each batch of a campaign: the first time the campaign counts a mail sent, its
 * release enters the newsroom (`publishedAt`). A release a publisher took back stays out.
 */
export async function publishOnFirstSend(deps: Pick<SendDeps, 'store' | 'clock'>, campaignId: string): Promise<boolean> {
  if (published.has(campaignId)) return false;
  const campaign = await deps.store.getCampaign(campaignId);
  if (!campaign || campaign.counts.sent === 0) return false;
  return publishRelease(deps, campaign);
}

/** Publishes the release of a campaign known to have sent a mail, unless it is published or was taken back. */
export async function publishRelease(
  deps: Pick<SendDeps, 'store' | 'clock'>,
  campaign: Pick<Campaign, 'id' | 'releaseId'>,
): Promise<boolean> {
  const release = await deps.store.getRelease(campaign.releaseId);
  if (!release || release.publishedAt !== undefined || release.unpublishedAt !== undefined) {
    published.add(campaign.id);
    return false;
  }
  const { awaitingFirstMail: _awaiting, ...rest } = release;
  try {
    await deps.store.updateRelease({ ...rest, publishedAt: deps.clock.now().toISOString() }, release.version);
  } catch (e: unknown) {
    // Another worker published it (or a publisher took it back) meanwhile: the next batch reads it again.
    if (e instanceof ConflictError) return false;
    throw e;
  }
  published.add(campaign.id);
  return true;
}

/**
 * Takes a release back from the public (a mistaken send): out of the newsroom and feeds, its
 * web version and .ics answer the same 404 as an unknown release. Mails already sent stay sent;
 * later sends of it do not bring it back. Audited.
 */
export async function unpublishRelease(deps: AppDeps, actor: Actor, id: string): Promise<Release> {
  assertCan(actor, 'campaign:send');
  const release = await deps.store.getRelease(id);
  if (!release) throw new NotFoundError('Communiqué', id);
  if (release.unpublishedAt !== undefined) return release;
  const next: Release = { ...release, unpublishedAt: deps.clock.now().toISOString(), unpublishedBy: actor.id };
  await deps.store.updateRelease(next, release.version);
  await audit(
    deps,
    actor,
    'release.unpublished',
    'release',
    id,
    release.publishedAt ? `publié le ${release.publishedAt}` : 'pas encore publié',
  );
  return next;
}

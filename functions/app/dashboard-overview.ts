import { type Actor, can } from '../domain/actor';
import { type Campaign, campaignProgress } from '../domain/campaign';
import { type Release, type ReleaseStatus, releaseStatuses } from '../domain/release';
import type { AppDeps } from './deps';

/** How far the dashboard reads: the newest releases and campaigns, enough for a press office. */
const RELEASES_READ = 1000;
const CAMPAIGNS_READ = 200;

export interface CampaignLine {
  readonly campaign: Campaign;
  readonly releaseTitle?: string;
}

export interface DashboardOverview {
  readonly releasesByStatus: Readonly<Record<ReleaseStatus, number>>;
  /** True when there were more releases than the dashboard reads (counts are then "at least"). */
  readonly releasesPartial: boolean;
  /** Releases waiting for review, shown to those who review; undefined for the others. */
  readonly toReview?: readonly Release[];
  /** Approved releases, with the way to the send dialog, for those who may send; undefined for the others. */
  readonly readyToSend?: readonly Release[];
  readonly nextScheduled: readonly CampaignLine[];
  readonly running: readonly (CampaignLine & { readonly done: number; readonly percent?: number })[];
  /** Recent campaigns with bounces, complaints or rejects, as SES reported them (per-campaign counters). */
  readonly feedback: readonly CampaignLine[];
}

async function readAll<T>(read: (cursor?: string) => Promise<{ items: T[]; cursor?: string }>, max: number) {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor && items.length < max);
  return { items, partial: cursor !== undefined };
}

/** The first page after sign-in: where things stand, and what needs this person. */
export async function dashboardOverview(deps: AppDeps, actor: Actor): Promise<DashboardOverview> {
  const releases = await readAll((cursor) => deps.store.listReleases({ cursor, limit: 100 }), RELEASES_READ);
  const releasesByStatus = Object.fromEntries(releaseStatuses.map((s) => [s, 0])) as Record<ReleaseStatus, number>;
  for (const r of releases.items) releasesByStatus[r.status]++;

  const campaigns = (await readAll((cursor) => deps.store.listCampaigns({ cursor, limit: 50 }), CAMPAIGNS_READ)).items;
  const titles = new Map(releases.items.map((r) => [r.id, r.content.title]));
  const titleOf = async (c: Campaign) => {
    if (!titles.has(c.releaseId)) titles.set(c.releaseId, (await deps.store.getRelease(c.releaseId))?.content.title ?? c.releaseId);
    return titles.get(c.releaseId);
  };
  const line = async (campaign: Campaign): Promise<CampaignLine> => ({ campaign, releaseTitle: await titleOf(campaign) });
  const newestFirst = (a: Campaign, b: Campaign) => b.createdAt.localeCompare(a.createdAt);

  const nextScheduled = campaigns
    .filter((c) => c.status === 'scheduled' && c.sendAt)
    .sort((a, b) => (a.sendAt ?? '').localeCompare(b.sendAt ?? ''))
    .slice(0, 5);
  const now = deps.clock.now();
  const running = campaigns.filter((c) => c.status === 'running' || c.status === 'paused').sort(newestFirst);
  const feedback = campaigns
    .filter((c) => (c.delivery?.bounced ?? 0) + (c.delivery?.complaints ?? 0) + (c.delivery?.rejected ?? 0) > 0)
    .sort(newestFirst)
    .slice(0, 10);

  return {
    releasesByStatus,
    releasesPartial: releases.partial,
    toReview: can(actor, 'release:review')
      ? releases.items
          .filter((r) => r.status === 'in_review')
          .sort((a, b) => (a.review?.submittedAt ?? '').localeCompare(b.review?.submittedAt ?? ''))
      : undefined,
    readyToSend: can(actor, 'campaign:send') ? releases.items.filter((r) => r.status === 'approved').slice(0, 10) : undefined,
    nextScheduled: await Promise.all(nextScheduled.map(line)),
    running: await Promise.all(
      running.map(async (c) => {
        const { done } = campaignProgress(c, now);
        return { ...(await line(c)), done, percent: c.total ? Math.min(100, Math.round((done / c.total) * 100)) : undefined };
      }),
    ),
    feedback: await Promise.all(feedback.map(line)),
  };
}

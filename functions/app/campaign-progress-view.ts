import { type Actor, can } from '../domain/actor';
import { type Campaign, type CampaignStatus, campaignProgress, type Recipient } from '../domain/campaign';
import { NotFoundError } from '../domain/errors';
import type { AppDeps } from './deps';

export const campaignStatusLabels: Record<CampaignStatus, string> = {
  draft: 'brouillon',
  scheduled: 'programmée',
  running: 'en cours',
  paused: 'en pause',
  finished: 'terminée',
  cancelled: 'annulée',
  missed: 'manquée',
};

/** Which controls a campaign offers in its state (the use-cases refuse the others anyway). */
export const controlsFor = (status: CampaignStatus) => ({
  pause: status === 'running',
  resume: status === 'paused',
  cancel: status === 'draft' || status === 'scheduled' || status === 'running' || status === 'paused',
  reschedule: status === 'scheduled',
});

export interface CampaignProgressView {
  readonly campaign: Campaign;
  readonly releaseTitle?: string;
  readonly listNames: readonly string[];
  readonly progress: ReturnType<typeof campaignProgress>;
  /** 0..100, undefined until the audience snapshot fixed the total. */
  readonly percent?: number;
  readonly live: boolean;
}

/** The figures of a campaign, for its page and its polling fragment. */
export async function campaignProgressView(deps: AppDeps, id: string): Promise<CampaignProgressView> {
  const campaign = await deps.store.getCampaign(id);
  if (!campaign) throw new NotFoundError('Campagne', id);
  const release = await deps.store.getRelease(campaign.releaseId);
  const lists = await Promise.all(campaign.listIds.map((l) => deps.store.getList(l)));
  const progress = campaignProgress(campaign, deps.clock.now());
  const percent = campaign.total
    ? Math.min(100, Math.round((progress.done / campaign.total) * 100))
    : campaign.total === 0
      ? 100
      : undefined;
  return {
    campaign,
    releaseTitle: release?.content.title,
    listNames: lists.map((l, i) => l?.name ?? campaign.listIds[i] ?? ''),
    progress,
    percent,
    live: campaign.status === 'running',
  };
}

export interface CampaignPageView extends CampaignProgressView {
  readonly failures: readonly Recipient[];
  readonly failuresCursor?: string;
  readonly canControl: boolean;
  readonly controls: ReturnType<typeof controlsFor>;
}

/** The campaign page: progress, one page of failures with their reasons, the controls this person may use. */
export async function campaignPageView(deps: AppDeps, actor: Actor, id: string, failuresCursor?: string): Promise<CampaignPageView> {
  const view = await campaignProgressView(deps, id);
  const failures = await deps.store.listRecipients(id, { status: 'failed', cursor: failuresCursor, limit: 20 });
  return {
    ...view,
    failures: failures.items,
    failuresCursor: failures.cursor,
    canControl: can(actor, 'campaign:send'),
    controls: controlsFor(view.campaign.status),
  };
}

export interface CampaignListView {
  readonly items: readonly (Campaign & { readonly releaseTitle?: string })[];
  readonly cursor?: string;
  readonly status?: CampaignStatus;
}

/**
 * A page of campaigns, newest first, optionally of one status. The store lists all campaigns,
 * so a filtered page reads whole store pages until it has enough (at most 10), keeping the
 * cursor exact: nothing is skipped between pages.
 */
export async function campaignListView(
  deps: AppDeps,
  options: { status?: CampaignStatus; cursor?: string; limit?: number },
): Promise<CampaignListView> {
  const limit = options.limit ?? 25;
  const items: Campaign[] = [];
  let cursor = options.cursor;
  for (let reads = 0; reads < 10; reads++) {
    const page = await deps.store.listCampaigns({ cursor, limit });
    items.push(...page.items.filter((c) => !options.status || c.status === options.status));
    cursor = page.cursor;
    if (!cursor || items.length >= limit) break;
  }
  const titles = new Map<string, string | undefined>();
  for (const c of items) if (!titles.has(c.releaseId)) titles.set(c.releaseId, (await deps.store.getRelease(c.releaseId))?.content.title);
  return { items: items.map((c) => ({ ...c, releaseTitle: titles.get(c.releaseId) })), cursor, status: options.status };
}

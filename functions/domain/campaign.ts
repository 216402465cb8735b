import type { SegmentFilter } from './segment';

/** listmonk's vocabulary, plus `missed`: a schedule that fired too late to send (nothing was sent). */
export const campaignStatuses = ['draft', 'scheduled', 'running', 'paused', 'finished', 'cancelled', 'missed'] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

export const recipientStatuses = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;
export type RecipientStatus = (typeof recipientStatuses)[number];

export type CampaignCounts = Record<RecipientStatus, number>;

export interface Sender {
  readonly name: string;
  readonly address: string;
  readonly replyTo?: string;
}

/** What SES tells of the mails after they left (configuration set events), counted per campaign. */
export const deliveryCounters = ['delivered', 'bounced', 'transientBounces', 'complaints', 'rejected'] as const;
export type DeliveryCounter = (typeof deliveryCounters)[number];

export interface Campaign {
  readonly id: string;
  readonly releaseId: string;
  /** The release version its mail was compiled from: a schedule that fires on another version sends nothing. */
  readonly releaseVersion?: number;
  readonly listIds: readonly string[];
  /**
   * The segment chosen at launch (id and name, for the campaign page) and its filter, frozen:
   * the snapshot keeps only members matching `audienceFilter`, whatever the segment becomes.
   */
  readonly segment?: { readonly id: string; readonly name: string };
  readonly audienceFilter?: SegmentFilter;
  /** Taken from the brand at launch, so a later brand edit does not change a running campaign. */
  readonly sender: Sender;
  readonly status: CampaignStatus;
  /** Why the campaign paused itself (SES paused the account, daily quota reached) or was missed. */
  readonly statusReason?: string;
  /** Scheduled send: the instant, and the local wall time and zone the person chose. */
  readonly sendAt?: string;
  readonly localSendAt?: string;
  readonly timeZone?: string;
  /** Recipients in the audience snapshot; undefined until the snapshot is taken. */
  readonly total?: number;
  readonly counts: CampaignCounts;
  /** From SES events after sending: delivered, bounced, transient bounces, complaints. */
  readonly delivery?: Partial<Record<DeliveryCounter, number>>;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** A cancelled campaign's counts, once taken from its settled ledger: final from then on. */
  readonly countsFinalAt?: string;
}

/** One item per recipient of a campaign: the ledger that makes sending exactly-once. */
export interface Recipient {
  readonly campaignId: string;
  readonly subscriberId: string;
  readonly email: string;
  /** The campaign's lists this recipient was confirmed on at snapshot time. */
  readonly listIds: readonly string[];
  readonly status: RecipientStatus;
  readonly messageId?: string;
  readonly error?: string;
  /** When a worker claimed it (`sending`): how old a stuck claim is. */
  readonly claimedAt?: string;
  readonly updatedAt: string;
}

export const emptyCounts = (): CampaignCounts => ({ pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 });

/** A campaign is done when every recipient of the snapshot has reached a final state. */
export function isComplete(total: number | undefined, counts: CampaignCounts): boolean {
  return total !== undefined && counts.sent + counts.failed + counts.skipped >= total;
}

/**
 * The ledger read in one pass (every recipient item of the campaign): how many are in each
 * state, and the claims still open. The ledger is the truth; the counters on the campaign item
 * are a running summary of it.
 */
export interface LedgerTally {
  /** Recipient items in the ledger. */
  readonly recipients: number;
  readonly counts: CampaignCounts;
  /** Recipients left `sending`, with when they were claimed. */
  readonly claims: readonly { readonly subscriberId: string; readonly claimedAt: string }[];
}

/** The ledger says the campaign is done: the whole snapshot is there and nobody is left pending or claimed. */
export function ledgerComplete(total: number | undefined, tally: Pick<LedgerTally, 'recipients' | 'counts'>): boolean {
  return total !== undefined && tally.recipients === total && tally.counts.pending === 0 && tally.counts.sending === 0;
}

/**
 * Whether the campaign item's counters allow the campaign to be complete, so that the ledger
 * is worth counting. Workers announce the claims they are about to make (`sending`) before
 * making them and report outcomes per batch, so the stored `sending + sent + failed + skipped`
 * never falls below the true figure, even when a worker dies before reporting: it can only
 * over-state progress. Hence a campaign whose counters say "not yet" is really not complete.
 */
export function mayBeComplete(campaign: Pick<Campaign, 'status' | 'total' | 'counts'>): boolean {
  const { sending, sent, failed, skipped } = campaign.counts;
  return campaign.status === 'running' && campaign.total !== undefined && sending + sent + failed + skipped >= campaign.total;
}

/** A change to the campaign item's counters (negative to take back an announced claim). */
export type CountsDelta = Partial<Record<Exclude<RecipientStatus, 'pending'>, number>>;

/** Recipients only move forward: a sent mail is never claimed again. */
export function canClaim(status: RecipientStatus): boolean {
  return status === 'pending';
}

/** Header that lets the ledger find a mail SES accepted if the worker died before recording it. */
export const recipientRefHeader = 'X-Communique-Ref';
export const recipientRef = (campaignId: string, subscriberId: string) => `${campaignId}/${subscriberId}`;

/** Rate so far and estimated end, for the progress shown to the press attaché. */
export function campaignProgress(campaign: Campaign, now: Date): { done: number; ratePerSecond: number; estimatedEnd?: string } {
  const done = campaign.counts.sent + campaign.counts.failed + campaign.counts.skipped;
  const started = campaign.startedAt ? Date.parse(campaign.startedAt) : undefined;
  const end = campaign.finishedAt ? Date.parse(campaign.finishedAt) : now.getTime();
  const seconds = started === undefined ? 0 : Math.max(0.001, (end - started) / 1000);
  const ratePerSecond = seconds > 0 ? Math.round((done / seconds) * 10) / 10 : 0;
  const remaining = campaign.total === undefined ? undefined : campaign.total - done;
  const estimatedEnd =
    campaign.status === 'running' && remaining !== undefined && ratePerSecond > 0
      ? new Date(now.getTime() + (remaining / ratePerSecond) * 1000).toISOString()
      : undefined;
  return { done, ratePerSecond, estimatedEnd };
}

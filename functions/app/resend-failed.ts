import type { Campaign } from '../domain/campaign';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { SendMessage } from '../ports';
import type { AppDeps } from './deps';
import { isPassingFailure } from './send-errors';

export interface ResendFailedResult {
  readonly campaign: Campaign;
  /** Recipients put back to pending and queued again. */
  readonly requeued: number;
  /** Failed recipients left alone: refused for good (rejected address, and the like). */
  readonly keptFailed: number;
}

/**
 * "Resend to failed": the recipients of a campaign who failed for a passing reason (throttling
 * or a transient SES error that outlasted every retry, see `passingFailure`) go back to pending
 * in the same ledger and are queued again. A recipient refused for good stays failed; skipped
 * ones (suppressed, unsubscribed) are not failed at all; a sent one is never touched (each move
 * is conditional on `failed`). A finished campaign runs again until they are sent; a paused one
 * stays paused (resume sends them); a cancelled one is refused.
 */
export async function resendFailed(deps: AppDeps, campaignId: string): Promise<ResendFailedResult> {
  const campaign = await deps.store.getCampaign(campaignId);
  if (!campaign) throw new NotFoundError('Campagne', campaignId);
  if (!['finished', 'running', 'paused'].includes(campaign.status)) {
    throw new ConflictError('Seule une campagne lancée (en cours, en pause ou terminée) peut renvoyer à ses échecs.');
  }
  const passing: string[] = [];
  let keptFailed = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.store.listRecipients(campaignId, { status: 'failed', cursor, limit: 500 });
    cursor = page.cursor;
    for (const r of page.items) {
      if (isPassingFailure(r.error)) passing.push(r.subscriberId);
      else keptFailed++;
    }
  } while (cursor);
  if (passing.length === 0) return { campaign, requeued: 0, keptFailed };

  const at = deps.clock.now().toISOString();
  // Running again before the recipients move, so that no worker finishes it in between with
  // them still counted failed; if we stop here, the sweep finds its ledger complete and finishes it.
  if (campaign.status === 'finished' && !(await deps.store.setCampaignStatus(campaignId, 'running', ['finished'], at))) {
    throw new ConflictError('La campagne a changé d’état entre-temps : réessayez.');
  }
  const moved = [...(await deps.store.reopenFailedRecipients(campaignId, passing, at))];
  if (moved.length > 0) await deps.store.addToCounts(campaignId, { failed: -moved.length }, 'unfinished');
  const current = (await deps.store.getCampaign(campaignId)) as Campaign;
  if (current.status === 'running' && moved.length > 0) {
    const size = deps.batchSize ?? 50;
    const messages: SendMessage[] = [];
    for (let i = 0; i < moved.length; i += size) messages.push({ type: 'send', campaignId, subscriberIds: moved.slice(i, i + size) });
    await deps.queue.enqueue(messages);
  }
  return { campaign: current, requeued: moved.length, keptFailed: keptFailed + (passing.length - moved.length) };
}

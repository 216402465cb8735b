import { recipientRef } from '../domain/campaign';
import type { SendDeps } from './deps';
import { finishFromLedger } from './finish-campaign';
import { takeSnapshot } from './snapshot-audience';

/**
 * A claim younger than this belongs to a live worker (a claim waits for the pacer a fraction
 * of a second, SES answers within seconds): it is not looked up in the SES emulator, which
 * would mean reading its whole outbox per claim.
 */
const LOOKUP_AFTER_MS = 10_000;

/**
 * Repairs what a dead worker left, from one reading of the ledger:
 * - a recipient left in `sending` means a worker died between claiming it and recording the
 *   outcome. If SES accepted the mail (the lookup finds it by its reference header, or a SES
 *   Send event already settled it), it is recorded as sent; otherwise, once the claim is older
 *   than `staleAfterMs`, it goes back to pending and is queued again;
 * - a running campaign whose snapshot was left half-written (its lease expired) gets it finished;
 * - a campaign whose ledger is complete is finished, with the ledger's counts, even if the worker
 *   that sent the last mail died before reporting it;
 * - a cancelled campaign gets the same repair without sending anything again (a stale claim
 *   with no trace of a mail goes back to `pending`, which for it means "not sent"), then, once
 *   no claim is left, its counts are taken from the ledger and become final.
 */
export async function reconcileClaims(
  deps: SendDeps,
  campaignId: string,
  staleAfterMs: number,
): Promise<{ recovered: number; requeued: number }> {
  const campaign = await deps.store.getCampaign(campaignId);
  if (!campaign) return { recovered: 0, requeued: 0 };
  const cancelled = campaign.status === 'cancelled';
  const now = deps.clock.now();
  const tally = await deps.store.tallyLedger(campaignId);
  const counts = { ...tally.counts };
  let recovered = 0;
  const requeue: string[] = [];
  for (const claim of tally.claims) {
    const age = now.getTime() - Date.parse(claim.claimedAt);
    if (age < Math.min(staleAfterMs, LOOKUP_AFTER_MS)) continue;
    const found = await deps.sentMail?.findByRef(recipientRef(campaignId, claim.subscriberId));
    if (found) {
      if (await deps.store.settleRecipient(campaignId, claim.subscriberId, { status: 'sent', messageId: found }, now.toISOString())) {
        recovered++;
        counts.sending--;
        counts.sent++;
      }
    } else if (age >= staleAfterMs) {
      const error = cancelled ? 'non envoyé : campagne annulée' : 'reprise après interruption';
      if (await deps.store.settleRecipient(campaignId, claim.subscriberId, { status: 'pending', error }, now.toISOString())) {
        requeue.push(claim.subscriberId);
        counts.sending--;
        counts.pending++;
      }
    }
  }
  if (recovered + requeue.length > 0) {
    await deps.store.addToCounts(campaignId, { sending: -(recovered + requeue.length), sent: recovered }, 'unfinished');
  }
  if (cancelled) {
    if (counts.sending === 0) await deps.store.closeCancelledCounts(campaignId, { counts }, now.toISOString());
    return { recovered, requeued: 0 };
  }
  const size = deps.batchSize ?? 50;
  for (let i = 0; i < requeue.length; i += size)
    await deps.queue.enqueue([{ type: 'send', campaignId, subscriberIds: requeue.slice(i, i + size) }]);
  if (campaign.status === 'running') {
    if (campaign.total === undefined)
      await takeSnapshot(deps, campaign); // 'busy' while its holder is alive
    else await finishFromLedger(deps, campaign, { recipients: tally.recipients, counts });
  }
  return { recovered, requeued: requeue.length };
}

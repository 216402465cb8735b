import { recipientRef } from '../domain/campaign';
import { inParallel } from '../domain/in-parallel';
import type { RecipientSettlement } from '../ports';
import type { SendDeps } from './deps';
import { finishFromLedger } from './finish-campaign';
import { type SnapshotOptions, takeSnapshot } from './snapshot-audience';

/**
 * A claim younger than this belongs to a live worker (a claim waits for the pacer a fraction
 * of a second, SES answers within seconds): it is not looked up in the SES emulator.
 */
const LOOKUP_AFTER_MS = 10_000;

/**
 * Repairs what a dead worker left, from one reading of the ledger:
 * - a recipient left in `sending` means a worker died between claiming it and recording the
 *   outcome. If SES accepted the mail (one lookup for all the claims finds it by its reference
 *   header, whatever their number: the emulator hands out its whole outbox at each read; or a SES
 *   Send event already settled it), it is recorded as sent; otherwise, once the claim is older
 *   than `staleAfterMs`, it goes back to pending and is queued again;
 * - a running campaign whose snapshot was left half-written (its lease expired) gets it finished,
 *   in chunks that keep to the invocation's deadline (`deadlineMs`), like a launch's;
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
  options: SnapshotOptions = {},
): Promise<{ recovered: number; requeued: number }> {
  const campaign = await deps.store.getCampaign(campaignId);
  if (!campaign) return { recovered: 0, requeued: 0 };
  const cancelled = campaign.status === 'cancelled';
  const now = deps.clock.now();
  const at = now.toISOString();
  const tally = await deps.store.tallyLedger(campaignId);
  const counts = { ...tally.counts };
  const ageOf = (claim: { claimedAt: string }) => now.getTime() - Date.parse(claim.claimedAt);
  const due = tally.claims.filter((claim) => ageOf(claim) >= Math.min(staleAfterMs, LOOKUP_AFTER_MS));

  // One lookup for the whole pass (the emulator can only hand out its whole outbox).
  let found: ReadonlyMap<string, string> = new Map();
  if (due.length > 0 && deps.sentMail) {
    const [earliest] = due.map((c) => c.claimedAt).sort(); // ISO times sort as strings
    found = await deps.sentMail.findByRefs(
      due.map((c) => recipientRef(campaignId, c.subscriberId)),
      earliest, // a mail is sent after its claim
    );
  }
  const sent: RecipientSettlement[] = [];
  const released: RecipientSettlement[] = [];
  const error = cancelled ? 'non envoyé : campagne annulée' : 'reprise après interruption';
  for (const claim of due) {
    const messageId = found.get(recipientRef(campaignId, claim.subscriberId));
    if (messageId) sent.push({ subscriberId: claim.subscriberId, outcome: { status: 'sent', messageId } });
    else if (ageOf(claim) >= staleAfterMs) released.push({ subscriberId: claim.subscriberId, outcome: { status: 'pending', error } });
  }
  // Written in groups, a few groups at once: each recipient moves only if it is still `sending`.
  const recovered = (await settleInGroups(deps, campaignId, sent, at)).size;
  const requeue = [...(await settleInGroups(deps, campaignId, released, at))];
  counts.sending -= recovered + requeue.length;
  counts.sent += recovered;
  counts.pending += requeue.length;
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
      await takeSnapshot(deps, campaign, options); // 'busy' while its holder is alive; suspended near the invocation's deadline
    else await finishFromLedger(deps, campaign, { recipients: tally.recipients, counts });
  }
  return { recovered, requeued: requeue.length };
}

/** Recipients per `settleRecipients` call, and calls at once: thousands of claims settle in seconds. */
const SETTLE_SLICE = 500;
const SETTLE_PARALLEL = 4;

async function settleInGroups(
  deps: SendDeps,
  campaignId: string,
  settlements: readonly RecipientSettlement[],
  at: string,
): Promise<Set<string>> {
  const settled = new Set<string>();
  const slices: RecipientSettlement[][] = [];
  for (let i = 0; i < settlements.length; i += SETTLE_SLICE) slices.push(settlements.slice(i, i + SETTLE_SLICE));
  await inParallel(slices, SETTLE_PARALLEL, async (slice) => {
    for (const id of await deps.store.settleRecipients(campaignId, slice, at)) settled.add(id);
  });
  return settled;
}

import type { SendDeps } from './deps';
import { finishIfComplete } from './finish-campaign';
import { recipientRef } from '../domain/campaign';

/**
 * A recipient left in `sending` means a worker died between claiming it and recording the
 * outcome. If SES accepted the mail (the lookup finds it by its reference header, or a SES
 * Send event already settled it), it is recorded as sent; otherwise, once the claim is older
 * than `staleAfterMs`, it goes back to pending and is queued again.
 */
export async function reconcileClaims(deps: SendDeps, campaignId: string, staleAfterMs: number): Promise<{ recovered: number; requeued: number }> {
  const now = deps.clock.now();
  let recovered = 0;
  const requeue: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listRecipients(campaignId, { status: 'sending', cursor, limit: 200 });
    cursor = page.cursor;
    for (const r of page.items) {
      const claimedAt = Date.parse(r.claimedAt ?? r.updatedAt);
      const found = await deps.sentMail?.findByRef(recipientRef(campaignId, r.subscriberId));
      if (found) {
        await deps.store.settleRecipient(campaignId, r.subscriberId, { status: 'sent', messageId: found }, now.toISOString());
        recovered++;
      } else if (now.getTime() - claimedAt >= staleAfterMs) {
        await deps.store.settleRecipient(campaignId, r.subscriberId, { status: 'pending', error: 'reprise après interruption' }, now.toISOString());
        requeue.push(r.subscriberId);
      }
    }
  } while (cursor);
  const size = deps.batchSize ?? 50;
  for (let i = 0; i < requeue.length; i += size) await deps.queue.enqueue([{ type: 'send', campaignId, subscriberIds: requeue.slice(i, i + size) }]);
  await finishIfComplete(deps, campaignId);
  return { recovered, requeued: requeue.length };
}

import type { Campaign } from '../domain/campaign';
import { DEFAULT_UNCOVERED_AFTER_MS } from '../domain/send-time-budget';
import type { SendMessage } from '../ports';
import type { SendDeps } from './deps';

/**
 * Queues again the pending recipients of a running campaign that no queue message covers any
 * more: a message dead-lettered after its last receive, or lost with a crashed worker before it
 * handed its rest back. The signal is the ledger itself: nothing in it changed for `afterMs`
 * (the visibility timeout × the receives before the dead-letter queue, see sendQueueSizing),
 * nobody holds a claim, and recipients are still pending. A healthy campaign changes its ledger
 * every second, so it is never queued twice; a requeue is recorded on the campaign item, so the
 * sweep queues a stuck campaign at most once per period (and not within a period of a resume,
 * which queues its recipients itself). Duplicates would be harmless anyway: claims are conditional.
 */
export async function requeueUncovered(
  deps: SendDeps,
  campaign: Campaign,
  afterMs = deps.uncoveredAfterMs ?? DEFAULT_UNCOVERED_AFTER_MS,
): Promise<number> {
  if (campaign.status !== 'running' || campaign.total === undefined) return 0;
  const now = deps.clock.now();
  const quietSince = new Date(now.getTime() - afterMs).toISOString();
  const pending = await deps.store.uncoveredPending(campaign.id, quietSince);
  if (!pending || pending.length === 0) return 0;
  if (!(await deps.store.markUncoveredRequeue(campaign.id, now.toISOString(), quietSince))) return 0;
  const size = deps.batchSize ?? 50;
  const messages: SendMessage[] = [];
  for (let i = 0; i < pending.length; i += size)
    messages.push({ type: 'send', campaignId: campaign.id, subscriberIds: pending.slice(i, i + size) });
  await deps.queue.enqueue(messages);
  return pending.length;
}

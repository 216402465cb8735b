import type { Membership } from '../domain/audience';
import type { Recipient } from '../domain/campaign';
import type { SendMessage } from '../ports';
import type { SendDeps } from './deps';
import { finishIfComplete } from './finish-campaign';

const DEFAULT_BATCH = 50;

/**
 * Freezes a campaign's audience into its ledger (confirmed members of its lists, suppressed
 * addresses left out, one entry per subscriber across lists) and queues the pending recipients.
 * Safe to run again: ledger writes are conditional, and once the total is fixed a rerun only
 * re-queues who is still pending (that is how a paused or crashed campaign resumes).
 */
export async function snapshotAudience(deps: SendDeps, campaignId: string): Promise<void> {
  const campaign = await deps.store.getCampaign(campaignId);
  if (!campaign || campaign.status !== 'running') return;
  const batchSize = deps.batchSize ?? DEFAULT_BATCH;

  if (campaign.total === undefined) {
    const seen = new Map<string, string[]>();
    const now = deps.clock.now().toISOString();
    for (const listId of campaign.listIds) {
      let cursor: string | undefined;
      do {
        const page = await deps.store.listMembers(listId, { cursor, limit: 200 });
        cursor = page.cursor;
        const fresh: Membership[] = [];
        for (const m of page.items) {
          if (m.status !== 'confirmed') continue;
          const lists = seen.get(m.subscriberId);
          if (lists) lists.push(listId);
          else {
            seen.set(m.subscriberId, [listId]);
            fresh.push(m);
          }
        }
        const suppressed = await Promise.all(fresh.map((m) => deps.store.isSuppressed(m.email)));
        const recipients: Recipient[] = fresh
          .filter((_, i) => !suppressed[i])
          .map((m) => ({ campaignId, subscriberId: m.subscriberId, email: m.email, listIds: seen.get(m.subscriberId) ?? [listId], status: 'pending', updatedAt: now }));
        await deps.store.addRecipients(campaignId, recipients);
        await enqueueBatches(deps, campaignId, recipients.map((r) => r.subscriberId), batchSize);
      } while (cursor);
    }
    // Counted from the ledger, not from this pass: a rerun after a crash may see a different membership.
    await deps.store.setCampaignTotal(campaignId, await deps.store.countRecipients(campaignId));
  } else {
    let cursor: string | undefined;
    do {
      const page = await deps.store.listRecipients(campaignId, { cursor, status: 'pending', limit: 500 });
      cursor = page.cursor;
      await enqueueBatches(deps, campaignId, page.items.map((r) => r.subscriberId), batchSize);
    } while (cursor);
  }
  await finishIfComplete(deps, campaignId);
}

async function enqueueBatches(deps: SendDeps, campaignId: string, ids: readonly string[], size: number): Promise<void> {
  const messages: SendMessage[] = [];
  for (let i = 0; i < ids.length; i += size) messages.push({ type: 'send', campaignId, subscriberIds: ids.slice(i, i + size) });
  if (messages.length > 0) await deps.queue.enqueue(messages);
}

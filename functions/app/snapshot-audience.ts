import { randomUUID } from 'node:crypto';
import type { Membership } from '../domain/audience';
import type { Campaign, Recipient } from '../domain/campaign';
import { isEmptyFilter, matches } from '../domain/segment-match';
import type { SendMessage } from '../ports';
import type { SendDeps } from './deps';
import { finishIfComplete } from './finish-campaign';
import { packSendMessages } from './send-message-codec';

const DEFAULT_BATCH = 50;
/** Members read per page; the first page is smaller so that sending starts sooner. */
const FIRST_PAGE = 250;
const PAGE = 1000;
/**
 * How long a snapshot may go without renewing its lease (it renews before every page it
 * writes). Longer than the send Lambda's timeout (60 s), so a holder whose lease has expired
 * is dead, not slow.
 */
export const SNAPSHOT_LEASE_MS = 120_000;

/**
 * Freezes a campaign's audience into its ledger (confirmed members of its lists, suppressed
 * addresses left out, one entry per subscriber across lists, with every campaign list the
 * person is confirmed on) and queues the pending recipients, page by page, so sending starts
 * while the rest is written. Safe to run again: once the total is fixed a rerun only re-queues
 * who is still pending (that is how a paused or crashed campaign resumes).
 */
export async function snapshotAudience(deps: SendDeps, campaignId: string): Promise<void> {
  const campaign = await deps.store.getCampaign(campaignId);
  if (campaign?.status !== 'running') return;
  if (campaign.total === undefined) {
    // Taken here, or being taken elsewhere (a duplicated launch message): nothing to re-queue either way.
    await takeSnapshot(deps, campaign);
  } else {
    const batchSize = deps.batchSize ?? DEFAULT_BATCH;
    let cursor: string | undefined;
    do {
      const page = await deps.store.listRecipients(campaignId, { cursor, status: 'pending', limit: 500 });
      cursor = page.cursor;
      await enqueueBatches(
        deps,
        campaignId,
        page.items.map((r) => r.subscriberId),
        batchSize,
      );
    } while (cursor);
  }
  await finishIfComplete(deps, campaignId);
}

/**
 * Writes the ledger of a campaign that has none yet, under a lease on the campaign item, so
 * one snapshot runs at a time: a duplicated launch message finds the lease taken and stops
 * (`busy`). The first attempt ever writes with unconditional batch writes (the ledger is
 * empty, and nobody else writes it); a later attempt, after a holder died or gave up, may find
 * recipients already written and perhaps already sent, so it writes each one only unless
 * present. The total is fixed from the ledger itself, by the lease holder only.
 */
export async function takeSnapshot(deps: SendDeps, campaign: Campaign): Promise<'taken' | 'busy'> {
  const owner = randomUUID();
  const lease = await deps.store.acquireSnapshotLease(campaign.id, owner, deps.clock.now().getTime(), SNAPSHOT_LEASE_MS);
  if (!lease.acquired) return 'busy';
  // Before any membership or suppression is read: every change from here on is in the change
  // log the batches read (their messages carry what this snapshot knew, so they read nothing else).
  const snapshotAt = deps.store.audienceChangesMark();
  const batchSize = deps.batchSize ?? DEFAULT_BATCH;
  const mode = lease.firstAttempt ? 'new' : 'unless-present';
  // The segment's filter as frozen at launch: only the members matching it, as profiles stand now.
  const filter = campaign.audienceFilter && !isEmptyFilter(campaign.audienceFilter) ? campaign.audienceFilter : undefined;
  try {
    const write = async (all: readonly { subscriberId: string; email: string; listIds: string[] }[]) => {
      if (all.length === 0) return;
      // Their profiles, read once here (one BatchGetItem per 100): the segment's filter, and the
      // names the send messages carry so that no batch reads them again. Without a filter the
      // read runs beside the suppression read, so the first messages leave no later for it.
      const profilesRead = deps.store
        .getSubscribers(all.map((c) => c.subscriberId))
        .then((subscribers) => new Map(subscribers.map((s) => [s.id, s])));
      profilesRead.catch(() => undefined); // awaited below; a failure is thrown there
      const matching = filter ? await profilesRead : undefined;
      const candidates =
        filter && matching
          ? all.filter((c) => {
              const profile = matching.get(c.subscriberId);
              return profile !== undefined && matches(profile, filter);
            })
          : all;
      if (candidates.length === 0) return;
      if (!(await deps.store.renewSnapshotLease(campaign.id, owner, deps.clock.now().getTime() + SNAPSHOT_LEASE_MS))) {
        throw new Error(`campaign ${campaign.id}: snapshot lease lost (another worker took it over)`);
      }
      const suppressed = await deps.store.findSuppressed(candidates.map((c) => c.email));
      const now = deps.clock.now().toISOString();
      const recipients: Recipient[] = candidates
        .filter((c) => !suppressed.has(c.email))
        .map((c) => ({
          campaignId: campaign.id,
          subscriberId: c.subscriberId,
          email: c.email,
          listIds: c.listIds,
          status: 'pending',
          updatedAt: now,
        }));
      await deps.store.addRecipients(campaign.id, recipients, mode);
      const profiles = await profilesRead;
      const queued = recipients.map((r) => ({
        subscriberId: r.subscriberId,
        email: r.email,
        listIds: r.listIds,
        name: profiles.get(r.subscriberId)?.name,
      }));
      const messages = packSendMessages(campaign.id, queued, snapshotAt, batchSize);
      if (messages.length > 0) await deps.queue.enqueue(messages);
    };

    // The other lists first, kept in memory (who is confirmed where), so that the first list
    // can be streamed and each person still carries every list they are confirmed on.
    const [first, ...others] = campaign.listIds;
    const alsoOn = new Map<string, { email: string; listIds: string[] }>();
    for (const listId of others) {
      await eachPage(deps, listId, PAGE, async (members) => {
        for (const m of members) {
          if (m.status !== 'confirmed') continue;
          const known = alsoOn.get(m.subscriberId);
          if (known) known.listIds.push(listId);
          else alsoOn.set(m.subscriberId, { email: m.email, listIds: [listId] });
        }
      });
    }
    const seen = new Set<string>();
    if (first !== undefined) {
      await eachPage(deps, first, FIRST_PAGE, async (members) => {
        const fresh = members.filter((m) => m.status === 'confirmed' && !seen.has(m.subscriberId));
        for (const m of fresh) seen.add(m.subscriberId);
        await write(
          fresh.map((m) => ({
            subscriberId: m.subscriberId,
            email: m.email,
            listIds: [first, ...(alsoOn.get(m.subscriberId)?.listIds ?? [])],
          })),
        );
      });
    }
    const rest = [...alsoOn].filter(([id]) => !seen.has(id)).map(([subscriberId, v]) => ({ subscriberId, ...v }));
    for (let i = 0; i < rest.length; i += PAGE) await write(rest.slice(i, i + PAGE));

    // Counted from the ledger, not from this pass: a rerun after a crash may see a different membership.
    if (!(await deps.store.completeSnapshot(campaign.id, owner, await deps.store.countRecipients(campaign.id)))) {
      throw new Error(`campaign ${campaign.id}: snapshot lease lost before the total was fixed`);
    }
    return 'taken';
  } catch (e: unknown) {
    await deps.store.releaseSnapshotLease(campaign.id, owner).catch(() => undefined);
    throw e;
  }
}

/** Members of a list, a page at a time: the first page of `firstPage`, the others of `PAGE`. */
async function eachPage(deps: SendDeps, listId: string, firstPage: number, visit: (members: Membership[]) => Promise<void>): Promise<void> {
  let cursor: string | undefined;
  let limit = firstPage;
  do {
    const page = await deps.store.listMembers(listId, { cursor, limit });
    cursor = page.cursor;
    limit = PAGE;
    await visit(page.items);
  } while (cursor);
}

async function enqueueBatches(deps: SendDeps, campaignId: string, ids: readonly string[], size: number): Promise<void> {
  const messages: SendMessage[] = [];
  for (let i = 0; i < ids.length; i += size) messages.push({ type: 'send', campaignId, subscriberIds: ids.slice(i, i + size) });
  if (messages.length > 0) await deps.queue.enqueue(messages);
}

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
 * Kept free at the end of an invocation when a snapshot decides whether to read one more
 * chunk: the chunk itself (a page read, a few batch reads and writes, its messages queued),
 * then the continuation saved and a launch queued, with the settle margin of the send worker.
 */
export const SNAPSHOT_CHUNK_MS = 10_000;

export interface SnapshotOptions {
  /** When the invocation ends (epoch ms of the worker's clock); without it the snapshot runs to its end. */
  readonly deadlineMs?: number;
}

/**
 * Freezes a campaign's audience into its ledger (confirmed members of its lists, suppressed
 * addresses left out, one entry per subscriber across lists, with every campaign list the
 * person is confirmed on) and queues the pending recipients, page by page, so sending starts
 * while the rest is written. Safe to run again: once the total is fixed a rerun only re-queues
 * who is still pending (that is how a paused or crashed campaign resumes).
 */
export async function snapshotAudience(deps: SendDeps, campaignId: string, options: SnapshotOptions = {}): Promise<void> {
  const campaign = await deps.store.getCampaign(campaignId);
  if (campaign?.status !== 'running') return;
  if (campaign.total === undefined) {
    // Taken here, or being taken elsewhere (a duplicated launch message): nothing to re-queue either way.
    await takeSnapshot(deps, campaign, options);
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
 * (`busy`). It goes one page of list members at a time (a chunk), each chunk written to the
 * ledger and its send messages queued at once, so sending starts after the first chunk. When
 * the invocation's time runs low (`deadlineMs`) it keeps where it stopped on the campaign item,
 * gives the lease up and queues a `launch` that resumes there (`suspended`): no invocation runs
 * past its time, however large the audience. The first list is written with unconditional
 * batch writes on the very first attempt (the ledger is empty, and nobody else writes it);
 * everything else only unless present, so a chunk written again after a crash, or a person
 * met again on another list, keeps one entry. A person confirmed on several of the campaign's
 * lists is written when their first such list is read, with every one of those lists. The
 * total is fixed from the ledger itself, by the lease holder, after the last chunk.
 */
export async function takeSnapshot(
  deps: SendDeps,
  campaign: Campaign,
  options: SnapshotOptions = {},
): Promise<'taken' | 'busy' | 'suspended'> {
  const owner = randomUUID();
  const lease = await deps.store.acquireSnapshotLease(campaign.id, owner, deps.clock.now().getTime(), SNAPSHOT_LEASE_MS);
  if (!lease.acquired) return 'busy';
  // Before any membership or suppression is read: every change from here on is in the change
  // log the batches read (their messages carry what this snapshot knew, so they read nothing else).
  const snapshotAt = deps.store.audienceChangesMark();
  const batchSize = deps.batchSize ?? DEFAULT_BATCH;
  // The segment's filter as frozen at launch: only the members matching it, as profiles stand now.
  const filter = campaign.audienceFilter && !isEmptyFilter(campaign.audienceFilter) ? campaign.audienceFilter : undefined;
  const lists = campaign.listIds;
  try {
    const saved = await deps.store.getSnapshotProgress(campaign.id);
    let at = saved === undefined ? { listIndex: 0 } : parseProgress(campaign.id, saved);
    const write = async (all: readonly { subscriberId: string; email: string; listIds: string[] }[], mode: 'new' | 'unless-present') => {
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

    // The first page of a fresh snapshot is smaller, so that sending starts sooner.
    let limit = saved === undefined ? FIRST_PAGE : PAGE;
    let chunks = 0;
    while (at.listIndex < lists.length) {
      // At least one chunk per invocation, so every invocation moves the snapshot on.
      if (chunks > 0 && options.deadlineMs !== undefined && deps.clock.now().getTime() > options.deadlineMs - SNAPSHOT_CHUNK_MS) {
        if (!(await deps.store.suspendSnapshot(campaign.id, owner, JSON.stringify(at)))) {
          throw new Error(`campaign ${campaign.id}: snapshot lease lost before its continuation was saved`);
        }
        // After the lease is given up, so the launch that resumes can take it.
        await deps.queue.enqueue([{ type: 'launch', campaignId: campaign.id }]);
        return 'suspended';
      }
      const listIndex = at.listIndex;
      const listId = lists[listIndex] as string;
      const page = await deps.store.listMembers(listId, { cursor: at.cursor, limit });
      limit = PAGE;
      const confirmed = page.items.filter((m) => m.status === 'confirmed');
      const alsoOn = await confirmedOnOtherLists(
        deps,
        campaign.id,
        confirmed,
        lists.filter((_, j) => j !== listIndex),
      );
      const earlier = lists.slice(0, listIndex);
      const later = lists.slice(listIndex + 1);
      await write(
        confirmed
          // Met on an earlier list: written (or left out) there already, with this list too.
          .filter((m) => !earlier.some((l) => alsoOn.get(l)?.has(m.subscriberId)))
          .map((m) => ({
            subscriberId: m.subscriberId,
            email: m.email,
            listIds: [listId, ...later.filter((l) => alsoOn.get(l)?.has(m.subscriberId))],
          })),
        listIndex === 0 && lease.firstAttempt ? 'new' : 'unless-present',
      );
      chunks += 1;
      at = page.cursor ? { listIndex, cursor: page.cursor } : { listIndex: listIndex + 1 };
    }

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

/** Where a suspended snapshot resumes: the index of the campaign list it was reading and the page cursor. */
interface SnapshotProgress {
  readonly listIndex: number;
  readonly cursor?: string;
}

function parseProgress(campaignId: string, saved: string): SnapshotProgress {
  const p: unknown = JSON.parse(saved);
  if (typeof p === 'object' && p !== null && 'listIndex' in p && typeof p.listIndex === 'number') {
    const cursor = 'cursor' in p && typeof p.cursor === 'string' ? p.cursor : undefined;
    return { listIndex: p.listIndex, cursor };
  }
  throw new Error(`campaign ${campaignId}: unreadable snapshot progress ${saved}`);
}

/**
 * Which of these members are confirmed on each of the other lists (one batch read per list,
 * beside each other): who was met on an earlier list, and every list a person carries.
 */
async function confirmedOnOtherLists(
  deps: SendDeps,
  campaignId: string,
  members: readonly Membership[],
  otherLists: readonly string[],
): Promise<Map<string, ReadonlySet<string>>> {
  if (members.length === 0 || otherLists.length === 0) return new Map();
  const read = await Promise.all(
    otherLists.map(async (listId) => {
      const context = await deps.store.loadSendContext(
        members.map((m) => ({
          campaignId,
          subscriberId: m.subscriberId,
          email: m.email,
          listIds: [listId],
          status: 'pending',
          updatedAt: '',
        })),
      );
      return [listId, context.stillConfirmed] as const;
    }),
  );
  return new Map(read);
}

async function enqueueBatches(deps: SendDeps, campaignId: string, ids: readonly string[], size: number): Promise<void> {
  const messages: SendMessage[] = [];
  for (let i = 0; i < ids.length; i += size) messages.push({ type: 'send', campaignId, subscriberIds: ids.slice(i, i + size) });
  if (messages.length > 0) await deps.queue.enqueue(messages);
}

import type { SubscriptionStatus } from '../domain/audience';
import { isEmptyFilter, matches, type SegmentFilter } from '../domain/segment';
import type { SendDeps } from './deps';

export interface AudienceEstimate {
  /** Distinct people a send would reach: confirmed on at least one of the lists, address not suppressed. */
  readonly recipients: number;
  /** Confirmed people left out because their address is suppressed. */
  readonly suppressed: number;
  /** People on the lists who are confirmed on none of them (with a segment: only those it matches). */
  readonly notConfirmed: number;
  /** With a segment: confirmed people left out because they do not match it. */
  readonly outsideSegment?: number;
}

const PAGE = 1000;

/**
 * How many distinct people a send to these lists would reach now: confirmed members,
 * suppressed addresses left out, each person once across lists. Shown before confirming.
 *
 * Without a segment the figures come from the lists' counters (`countMembersByStatus`, one item
 * per list), not from a walk over every member: one list costs a counter read and a read of the
 * suppressions; several lists also walk every list but the largest, to find the people on more
 * than one. A segment needs each member's profile, so with one the members are walked.
 */
export async function estimateAudience(
  deps: Pick<SendDeps, 'store'>,
  listIds: readonly string[],
  filter?: SegmentFilter,
): Promise<AudienceEstimate> {
  return (await audienceCounter(deps, listIds, filter))(listIds);
}

/**
 * Counts audiences made of some of `listIds` (each list alone, then the chosen ones together,
 * as the send dialog does), reading the suppressions once for all of them.
 */
export async function audienceCounter(
  deps: Pick<SendDeps, 'store'>,
  listIds: readonly string[],
  filter?: SegmentFilter,
): Promise<(listIds: readonly string[]) => Promise<AudienceEstimate>> {
  if (filter && !isEmptyFilter(filter)) return (some) => walkAudience(deps, some, false, filter);
  const blocked = await confirmedWithBlockedAddress(deps, [...new Set(listIds)]);
  return (some) => countFromCounters(deps, some, blocked);
}

/**
 * The people whose address is suppressed, with the lists (among `listIds`) they are confirmed
 * on: read from the suppressions (far fewer than the members), their subscriber ids and those
 * memberships, in batches. Suppressions recorded before the listing existed are not listed and
 * so not found here: the estimate counts them as reached; the send still skips them.
 */
async function confirmedWithBlockedAddress(deps: Pick<SendDeps, 'store'>, listIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const blocked = new Map<string, Set<string>>();
  if (listIds.length === 0) return blocked;
  let cursor: string | undefined;
  do {
    const page = await deps.store.listSuppressions({ limit: PAGE, cursor });
    cursor = page.cursor;
    const ids = await deps.store.subscriberIdsByEmail(page.items.flatMap((e) => (e.email ? [e.email] : [])));
    const pairs = [...ids.values()].flatMap((subscriberId) => listIds.map((listId) => ({ listId, subscriberId })));
    for (const m of await deps.store.getMemberships(pairs)) {
      if (m.status !== 'confirmed') continue;
      const on = blocked.get(m.subscriberId) ?? new Set<string>();
      on.add(m.listId);
      blocked.set(m.subscriberId, on);
    }
  } while (cursor);
  return blocked;
}

const membersOf = (c: Record<SubscriptionStatus, number>) => c.confirmed + c.unconfirmed + c.unsubscribed;

/**
 * The estimate from the counters: the people on the lists and those confirmed on one at least,
 * each counted once, at the largest list they are on (resp. confirmed on). The largest list's
 * figures are its counters; each smaller list is walked, and its members looked up on the
 * larger lists in batches. Then the people whose address is blocked come off.
 */
async function countFromCounters(
  deps: Pick<SendDeps, 'store'>,
  rawListIds: readonly string[],
  blocked: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<AudienceEstimate> {
  const listIds = [...new Set(rawListIds)];
  if (listIds.length === 0) return { recipients: 0, suppressed: 0, notConfirmed: 0 };
  const counted = await Promise.all(listIds.map(async (listId) => ({ listId, counts: await deps.store.countMembersByStatus(listId) })));
  counted.sort((a, b) => membersOf(b.counts) - membersOf(a.counts));
  let people = 0;
  let confirmed = 0;
  for (const [k, { listId, counts }] of counted.entries()) {
    if (k === 0) {
      people += membersOf(counts);
      confirmed += counts.confirmed;
      continue;
    }
    const larger = counted.slice(0, k).map((c) => c.listId);
    let cursor: string | undefined;
    do {
      const page = await deps.store.listMembers(listId, { cursor, limit: PAGE });
      cursor = page.cursor;
      const onLarger = new Set<string>();
      const confirmedOnLarger = new Set<string>();
      const pairs = page.items.flatMap((m) => larger.map((l) => ({ listId: l, subscriberId: m.subscriberId })));
      for (const m of await deps.store.getMemberships(pairs)) {
        onLarger.add(m.subscriberId);
        if (m.status === 'confirmed') confirmedOnLarger.add(m.subscriberId);
      }
      for (const m of page.items) {
        if (!onLarger.has(m.subscriberId)) people++;
        if (m.status === 'confirmed' && !confirmedOnLarger.has(m.subscriberId)) confirmed++;
      }
    } while (cursor);
  }
  let suppressed = 0;
  for (const on of blocked.values()) if (listIds.some((l) => on.has(l))) suppressed++;
  return { recipients: confirmed - suppressed, suppressed, notConfirmed: people - confirmed };
}

/**
 * Whether a send to these lists would reach anyone, reading members only until the first
 * reachable person (the launch check: the snapshot reads the audience for real). When nobody
 * is reachable the whole audience has been read, and the figures say why.
 */
export async function audienceReachable(
  deps: Pick<SendDeps, 'store'>,
  listIds: readonly string[],
  filter?: SegmentFilter,
): Promise<{ reachable: true } | ({ reachable: false } & AudienceEstimate)> {
  const estimate = await walkAudience(deps, listIds, true, filter);
  return estimate.recipients > 0 ? { reachable: true } : { reachable: false, ...estimate };
}

/** The ids among `ids` whose profile matches the filter, read in one batch (unknown ids never match). */
export async function matchingIds(deps: Pick<SendDeps, 'store'>, ids: readonly string[], filter: SegmentFilter): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const subscribers = await deps.store.getSubscribers(ids);
  return new Set(subscribers.filter((s) => matches(s, filter)).map((s) => s.id));
}

async function walkAudience(
  deps: Pick<SendDeps, 'store'>,
  listIds: readonly string[],
  stopAtFirst: boolean,
  rawFilter?: SegmentFilter,
): Promise<AudienceEstimate> {
  const filter = rawFilter && !isEmptyFilter(rawFilter) ? rawFilter : undefined;
  const confirmed = new Set<string>();
  const unconfirmed = new Set<string>();
  let recipients = 0;
  let suppressed = 0;
  let outsideSegment = 0;
  for (const listId of new Set(listIds)) {
    let cursor: string | undefined;
    do {
      const page = await deps.store.listMembers(listId, { cursor, limit: PAGE });
      cursor = page.cursor;
      let freshMembers: { subscriberId: string; email: string }[] = [];
      for (const m of page.items) {
        if (m.status === 'confirmed') {
          if (confirmed.has(m.subscriberId)) continue;
          confirmed.add(m.subscriberId);
          unconfirmed.delete(m.subscriberId);
          freshMembers.push(m);
        } else if (!confirmed.has(m.subscriberId)) {
          unconfirmed.add(m.subscriberId);
        }
      }
      if (filter) {
        const kept = await matchingIds(
          deps,
          freshMembers.map((m) => m.subscriberId),
          filter,
        );
        outsideSegment += freshMembers.length - kept.size;
        freshMembers = freshMembers.filter((m) => kept.has(m.subscriberId));
      }
      const fresh = freshMembers.map((m) => m.email);
      // One batched read per page, not one read per address.
      const blocked = await deps.store.findSuppressed(fresh);
      const blockedHere = fresh.filter((e) => blocked.has(e)).length;
      suppressed += blockedHere;
      recipients += fresh.length - blockedHere;
      if (stopAtFirst && recipients > 0) return { recipients, suppressed, notConfirmed: unconfirmed.size };
    } while (cursor);
  }
  if (!filter) return { recipients, suppressed, notConfirmed: unconfirmed.size };
  // Only the unconfirmed people the segment would take count as left out for want of confirmation.
  const waiting = [...unconfirmed];
  let notConfirmed = 0;
  for (let i = 0; i < waiting.length; i += PAGE) notConfirmed += (await matchingIds(deps, waiting.slice(i, i + PAGE), filter)).size;
  return { recipients, suppressed, notConfirmed, outsideSegment };
}

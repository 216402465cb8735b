import type { Membership, SubscriptionStatus } from '../domain/audience';
import { inParallel } from '../domain/in-parallel';
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
 * suppressions; several lists also need the people on more than one, found by the cheaper of
 * looking the smaller lists' members up on the larger ones and walking the lists. A segment
 * needs each member's profile, so with one the members are walked.
 */
export async function estimateAudience(
  deps: Pick<SendDeps, 'store'>,
  listIds: readonly string[],
  filter?: SegmentFilter,
  options: CountOptions = {},
): Promise<AudienceEstimate> {
  return (await audienceCounter(deps, listIds, filter, options))(listIds);
}

export interface CountOptions {
  /** How to find the people on several lists; chosen by cost when absent (see `distinctPeopleStrategy`). */
  readonly strategy?: 'lookup' | 'walk';
}

/**
 * Counts audiences made of some of `listIds` (each list alone, then the chosen ones together,
 * as the send dialog does), reading the suppressions once for all of them.
 */
export async function audienceCounter(
  deps: Pick<SendDeps, 'store'>,
  listIds: readonly string[],
  filter?: SegmentFilter,
  options: CountOptions = {},
): Promise<(listIds: readonly string[]) => Promise<AudienceEstimate>> {
  if (filter && !isEmptyFilter(filter)) return (some) => walkAudience(deps, some, false, filter);
  const blocked = await confirmedWithBlockedAddress(deps, [...new Set(listIds)]);
  return (some) => countFromCounters(deps, some, blocked, options.strategy);
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
  const wanted = new Set(listIds);
  let cursor: string | undefined;
  do {
    const page = await deps.store.suppressedAddresses({ limit: PAGE, cursor });
    cursor = page.cursor;
    const ids = [...(await deps.store.subscriberIdsByEmail(page.items)).values()];
    for (const m of await membershipsOf(deps, ids, listIds)) {
      if (m.status !== 'confirmed' || !wanted.has(m.listId)) continue;
      const on = blocked.get(m.subscriberId) ?? new Set<string>();
      on.add(m.listId);
      blocked.set(m.subscriberId, on);
    }
  } while (cursor);
  return blocked;
}

/**
 * Above this many lists, each blocked person's memberships are listed (one query each, for the
 * one or two lists a person is usually on) rather than looked up for every list (the send dialog
 * counts all 20 lists of a large table: 20 keys a person).
 */
const LISTS_LOOKED_UP_BY_KEY = 3;
const PERSONS_IN_FLIGHT = 8;

async function membershipsOf(deps: Pick<SendDeps, 'store'>, subscriberIds: readonly string[], listIds: readonly string[]) {
  if (listIds.length <= LISTS_LOOKED_UP_BY_KEY)
    return deps.store.getMemberships(subscriberIds.flatMap((subscriberId) => listIds.map((listId) => ({ listId, subscriberId }))));
  const found: Membership[] = [];
  await inParallel(subscriberIds, PERSONS_IN_FLIGHT, async (subscriberId) => {
    found.push(...(await deps.store.listMembershipsOf(subscriberId)));
  });
  return found;
}

const membersOf = (c: Record<SubscriptionStatus, number>) => c.confirmed + c.unconfirmed + c.unsubscribed;

/**
 * A membership looked up by key costs about as much as this many read while walking a list
 * (a `BatchGetItem` key against an item of a `Query` page: DynamoDB Local's CPU, and AWS's read
 * units for items of a few hundred bytes).
 */
const LOOKUP_COST_IN_WALKED_ITEMS = 8;
/** Members per page when every list is walked: a `Query` page (1 MB) holds a few thousand. */
const WALK_PAGE = 5000;

/** How to find the people on several lists, by cost: look the smaller lists' members up on the larger ones, or walk them all. */
export function distinctPeopleStrategy(membersLargestFirst: readonly number[]): 'lookup' | 'walk' {
  const lookups = membersLargestFirst.reduce((n, members, k) => n + members * k, 0);
  const walked = membersLargestFirst.reduce((n, members) => n + members, 0);
  return lookups * LOOKUP_COST_IN_WALKED_ITEMS <= walked ? 'lookup' : 'walk';
}

/**
 * The estimate from the counters. One list: its counters. Several: the people on them and those
 * confirmed on one at least, each counted once, by the cheaper of two ways
 * (`distinctPeopleStrategy`): a press list beside a large newsletter looks the press list's
 * members up on the newsletter (each counted at the largest list they are on; the largest list's
 * figures are its counters); lists of similar sizes are walked, each person kept once in memory.
 * Then the people whose address is blocked come off.
 */
async function countFromCounters(
  deps: Pick<SendDeps, 'store'>,
  rawListIds: readonly string[],
  blocked: ReadonlyMap<string, ReadonlySet<string>>,
  strategy?: 'lookup' | 'walk',
): Promise<AudienceEstimate> {
  const listIds = [...new Set(rawListIds)];
  if (listIds.length === 0) return { recipients: 0, suppressed: 0, notConfirmed: 0 };
  const counted = await Promise.all(listIds.map(async (listId) => ({ listId, counts: await deps.store.countMembersByStatus(listId) })));
  counted.sort((a, b) => membersOf(b.counts) - membersOf(a.counts));
  const { people, confirmed } =
    counted.length === 1 || (strategy ?? distinctPeopleStrategy(counted.map((c) => membersOf(c.counts)))) === 'lookup'
      ? await distinctByLookup(deps, counted)
      : await distinctByWalk(
          deps,
          counted.map((c) => c.listId),
        );
  let suppressed = 0;
  for (const on of blocked.values()) if (listIds.some((l) => on.has(l))) suppressed++;
  return { recipients: confirmed - suppressed, suppressed, notConfirmed: people - confirmed };
}

async function distinctByLookup(
  deps: Pick<SendDeps, 'store'>,
  largestFirst: readonly { listId: string; counts: Record<SubscriptionStatus, number> }[],
): Promise<{ people: number; confirmed: number }> {
  let people = 0;
  let confirmed = 0;
  for (const [k, { listId, counts }] of largestFirst.entries()) {
    if (k === 0) {
      people += membersOf(counts);
      confirmed += counts.confirmed;
      continue;
    }
    const larger = largestFirst.slice(0, k).map((c) => c.listId);
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
  return { people, confirmed };
}

/** Every list walked at once, in large pages, each person kept once (their id, in a set). */
async function distinctByWalk(deps: Pick<SendDeps, 'store'>, listIds: readonly string[]): Promise<{ people: number; confirmed: number }> {
  const people = new Set<string>();
  const confirmed = new Set<string>();
  await Promise.all(
    listIds.map(async (listId) => {
      let cursor: string | undefined;
      do {
        const page = await deps.store.listMembers(listId, { cursor, limit: WALK_PAGE });
        cursor = page.cursor;
        for (const m of page.items) {
          people.add(m.subscriberId);
          if (m.status === 'confirmed') confirmed.add(m.subscriberId);
        }
      } while (cursor);
    }),
  );
  return { people: people.size, confirmed: confirmed.size };
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

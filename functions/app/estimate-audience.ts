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
 */
export async function estimateAudience(
  deps: Pick<SendDeps, 'store'>,
  listIds: readonly string[],
  filter?: SegmentFilter,
): Promise<AudienceEstimate> {
  return walkAudience(deps, listIds, false, filter);
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

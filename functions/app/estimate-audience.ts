import type { SendDeps } from './deps';

export interface AudienceEstimate {
  /** Distinct people a send would reach: confirmed on at least one of the lists, address not suppressed. */
  readonly recipients: number;
  /** Confirmed people left out because their address is suppressed. */
  readonly suppressed: number;
  /** People on the lists who are confirmed on none of them. */
  readonly notConfirmed: number;
}

const PAGE = 1000;

/**
 * How many distinct people a send to these lists would reach now: confirmed members,
 * suppressed addresses left out, each person once across lists. Shown before confirming.
 */
export async function estimateAudience(deps: Pick<SendDeps, 'store'>, listIds: readonly string[]): Promise<AudienceEstimate> {
  return walkAudience(deps, listIds, false);
}

/**
 * Whether a send to these lists would reach anyone, reading members only until the first
 * reachable person (the launch check: the snapshot reads the audience for real). When nobody
 * is reachable the whole audience has been read, and the figures say why.
 */
export async function audienceReachable(
  deps: Pick<SendDeps, 'store'>,
  listIds: readonly string[],
): Promise<{ reachable: true } | ({ reachable: false } & AudienceEstimate)> {
  const estimate = await walkAudience(deps, listIds, true);
  return estimate.recipients > 0 ? { reachable: true } : { reachable: false, ...estimate };
}

async function walkAudience(deps: Pick<SendDeps, 'store'>, listIds: readonly string[], stopAtFirst: boolean): Promise<AudienceEstimate> {
  const confirmed = new Set<string>();
  const unconfirmed = new Set<string>();
  let recipients = 0;
  let suppressed = 0;
  for (const listId of new Set(listIds)) {
    let cursor: string | undefined;
    do {
      const page = await deps.store.listMembers(listId, { cursor, limit: PAGE });
      cursor = page.cursor;
      const fresh: string[] = [];
      for (const m of page.items) {
        if (m.status === 'confirmed') {
          if (confirmed.has(m.subscriberId)) continue;
          confirmed.add(m.subscriberId);
          unconfirmed.delete(m.subscriberId);
          fresh.push(m.email);
        } else if (!confirmed.has(m.subscriberId)) {
          unconfirmed.add(m.subscriberId);
        }
      }
      // One batched read per page, not one read per address.
      const blocked = await deps.store.findSuppressed(fresh);
      const blockedHere = fresh.filter((e) => blocked.has(e)).length;
      suppressed += blockedHere;
      recipients += fresh.length - blockedHere;
      if (stopAtFirst && recipients > 0) return { recipients, suppressed, notConfirmed: unconfirmed.size };
    } while (cursor);
  }
  return { recipients, suppressed, notConfirmed: unconfirmed.size };
}

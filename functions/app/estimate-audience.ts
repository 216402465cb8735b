import type { SendDeps } from './deps';

/**
 * How many distinct people a send to these lists would reach now: confirmed members,
 * suppressed addresses left out, each person once across lists. Shown before confirming.
 */
export async function estimateAudience(deps: Pick<SendDeps, 'store'>, listIds: readonly string[]): Promise<{ recipients: number; suppressed: number; notConfirmed: number }> {
  const seen = new Set<string>();
  let suppressed = 0;
  let notConfirmed = 0;
  for (const listId of listIds) {
    let cursor: string | undefined;
    do {
      const page = await deps.store.listMembers(listId, { cursor, limit: 500 });
      cursor = page.cursor;
      const fresh = page.items.filter((m) => !seen.has(m.subscriberId));
      for (const m of fresh) seen.add(m.subscriberId);
      const confirmed = fresh.filter((m) => m.status === 'confirmed');
      notConfirmed += fresh.length - confirmed.length;
      const flags = await Promise.all(confirmed.map((m) => deps.store.isSuppressed(m.email)));
      suppressed += flags.filter(Boolean).length;
    } while (cursor);
  }
  return { recipients: seen.size - suppressed - notConfirmed, suppressed, notConfirmed };
}

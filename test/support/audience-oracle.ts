import type { AudienceEstimate } from '../../functions/app/estimate-audience';
import type { Membership } from '../../functions/domain/audience';
import type { Store } from '../../functions/ports';

/**
 * What a send to these lists would reach, found the slow and obvious way: every member of every
 * list read, each person's statuses gathered, each confirmed person's address checked against the
 * suppressions. The figure the counter-based estimate must equal.
 */
export async function audienceByWalkingEveryMember(store: Store, listIds: readonly string[]): Promise<AudienceEstimate> {
  const byPerson = new Map<string, Membership[]>();
  for (const listId of new Set(listIds)) {
    let cursor: string | undefined;
    do {
      const page = await store.listMembers(listId, { cursor, limit: 200 });
      cursor = page.cursor;
      for (const m of page.items) byPerson.set(m.subscriberId, [...(byPerson.get(m.subscriberId) ?? []), m]);
    } while (cursor);
  }
  const confirmed = [...byPerson.values()].flatMap((ms) => ms.filter((m) => m.status === 'confirmed').slice(0, 1));
  const blocked = await store.findSuppressed(confirmed.map((m) => m.email));
  const suppressed = confirmed.filter((m) => blocked.has(m.email)).length;
  return { recipients: confirmed.length - suppressed, suppressed, notConfirmed: byPerson.size - confirmed.length };
}

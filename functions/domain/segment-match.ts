import type { SubscriberProfile } from './audience';
import type { SegmentFilter } from './segment';

// Apart from segment.ts (its schemas need zod) so that the snapshot in the send worker filters
// by a segment without zod in its bundle (issue 13).

/** Case and accents ignored: "nouvelle republique" finds "La Nouvelle République". */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();

export function isEmptyFilter(f: SegmentFilter): boolean {
  return !f.mediumTypes?.length && !f.departments?.length && !f.tags?.length && !f.outletContains?.trim() && !f.language?.trim();
}

/** Whether a contact's press fields satisfy the filter. Pure: the same answer at count time and at launch. */
export function matches(
  subscriber: Partial<Pick<SubscriberProfile, 'mediumType' | 'department' | 'tags' | 'outlet' | 'language'>>,
  filter: SegmentFilter,
): boolean {
  if (filter.mediumTypes?.length && !(subscriber.mediumType && filter.mediumTypes.includes(subscriber.mediumType))) return false;
  if (filter.departments?.length) {
    const dep = fold(subscriber.department ?? '');
    if (!dep || !filter.departments.some((d) => fold(d) === dep)) return false;
  }
  if (filter.tags?.length) {
    const has = new Set((subscriber.tags ?? []).map(fold));
    const wanted = filter.tags.map(fold);
    const ok = filter.tagsMode === 'all' ? wanted.every((t) => has.has(t)) : wanted.some((t) => has.has(t));
    if (!ok) return false;
  }
  const outlet = filter.outletContains ? fold(filter.outletContains) : '';
  if (outlet && !fold(subscriber.outlet ?? '').includes(outlet)) return false;
  const language = filter.language ? fold(filter.language) : '';
  if (language) {
    // `fr` takes `fr-FR` too: the primary language is what a release is written in.
    const theirs = fold(subscriber.language ?? 'fr');
    if (theirs !== language && !theirs.startsWith(`${language}-`)) return false;
  }
  return true;
}

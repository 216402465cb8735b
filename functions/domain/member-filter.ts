import type { Membership, Subscriber, SubscriptionStatus } from './audience';

/** What the members table of a list can be narrowed to: search (address, name, outlet) and press fields. */
export interface MemberFilter {
  readonly search?: string;
  readonly status?: SubscriptionStatus;
  readonly medium?: string;
  readonly department?: string;
  /** Every tag given must be on the contact. */
  readonly tags?: readonly string[];
}

/** Case and accents ignored: "Nouvelle Republique" finds "La Nouvelle République". */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

export function matchesMember(filter: MemberFilter, membership: Membership, subscriber: Subscriber | undefined): boolean {
  if (filter.status && membership.status !== filter.status) return false;
  if (filter.medium && subscriber?.mediumType !== filter.medium) return false;
  if (filter.department && fold(subscriber?.department ?? '') !== fold(filter.department)) return false;
  if (filter.tags && filter.tags.length > 0) {
    const has = new Set((subscriber?.tags ?? []).map(fold));
    if (!filter.tags.every((t) => has.has(fold(t)))) return false;
  }
  const search = filter.search ? fold(filter.search.trim()) : '';
  if (search) {
    const haystack = [membership.email, subscriber?.name, subscriber?.outlet].filter((x): x is string => typeof x === 'string').map(fold);
    if (!haystack.some((h) => h.includes(search))) return false;
  }
  return true;
}

export const isFiltered = (f: MemberFilter) => Boolean(f.search || f.status || f.medium || f.department || (f.tags && f.tags.length > 0));

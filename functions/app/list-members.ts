import { type Actor, assertCan } from '../domain/actor';
import type { MailingList, Membership, Subscriber, SubscriptionStatus } from '../domain/audience';
import { NotFoundError, ValidationError } from '../domain/errors';
import { type MemberFilter, matchesMember } from '../domain/member-filter';
import type { AppDeps } from './deps';

type Deps = Pick<AppDeps, 'store'>;

export interface ListSummary {
  readonly list: MailingList;
  readonly counts: Record<SubscriptionStatus, number>;
}

/** Every list with its counts by status (a press office has a handful of lists). */
export async function listSummaries(deps: Deps, actor: Actor): Promise<ListSummary[]> {
  assertCan(actor, 'audience:read');
  const lists = await deps.store.listLists();
  return Promise.all(lists.map(async (list) => ({ list, counts: await deps.store.countMembersByStatus(list.id) })));
}

export interface MemberRow {
  readonly membership: Membership;
  readonly subscriber?: Subscriber;
}

export interface MembersView extends ListSummary {
  readonly rows: readonly MemberRow[];
  /** Where the next page starts; absent when the list has been read to its end. */
  readonly cursor?: string;
  readonly filter: MemberFilter;
}

/** Members read from the store per request, and how many store pages one page of the table may read. */
const storePageSize = 50;
const maxStorePages = 10;
const wanted = 25;

/**
 * One page of a list's members with their profile, filtered. Members are read by cursor (never
 * by offset); a filter that matches few members reads up to ten store pages before answering, so
 * a page may hold fewer rows than usual and still have a next one.
 */
export async function listMembersView(
  deps: Deps,
  actor: Actor,
  listId: string,
  filter: MemberFilter,
  cursor?: string,
): Promise<MembersView> {
  assertCan(actor, 'audience:read');
  const list = await deps.store.getList(listId);
  if (!list) throw new NotFoundError('Liste', listId);
  const counts = await deps.store.countMembersByStatus(listId);
  const rows: MemberRow[] = [];
  let next = cursor;
  for (let read = 0; read < maxStorePages && rows.length < wanted; read++) {
    const page = await deps.store.listMembers(listId, { limit: storePageSize, cursor: next }).catch((e: unknown) => {
      // A hand-edited page link: said in French rather than failing.
      if (e instanceof Error && e.name === 'InvalidCursorError')
        throw new ValidationError('Ce lien de page n’est plus valide : revenez au début de la liste.', 'curseur');
      throw e;
    });
    const subscribers = new Map((await deps.store.getSubscribers(page.items.map((m) => m.subscriberId))).map((s) => [s.id, s]));
    for (const membership of page.items) {
      const subscriber = subscribers.get(membership.subscriberId);
      if (matchesMember(filter, membership, subscriber)) rows.push({ membership, subscriber });
    }
    next = page.cursor;
    if (!next) break;
  }
  return { list, counts, rows, cursor: next, filter };
}

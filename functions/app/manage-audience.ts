import { listInputSchema, subscriberProfileSchema, type ListInput, type MailingList, type Membership, type Subscriber } from '../domain/audience';
import { normaliseEmail } from '../domain/email-address';
import { NotFoundError } from '../domain/errors';
import type { Page } from '../ports';
import type { AppDeps } from './deps';

export async function createList(deps: AppDeps, input: ListInput): Promise<MailingList> {
  const list: MailingList = { ...listInputSchema.parse(input), id: deps.newId(), createdAt: deps.clock.now().toISOString() };
  await deps.store.createList(list);
  return list;
}

export async function getList(deps: Pick<AppDeps, 'store'>, id: string): Promise<MailingList> {
  const list = await deps.store.getList(id);
  if (!list) throw new NotFoundError('Liste', id);
  return list;
}

export interface AddSubscriberInput {
  readonly email: string;
  readonly profile?: unknown;
  /** Admin-managed lists confirm at once; a double opt-in list keeps the member unconfirmed. */
  readonly status?: Membership['status'];
}

/**
 * Adds an address to a list: one subscriber per normalised address, so adding a known
 * address to a second list reuses it. Suppressed addresses are added as unsubscribed: an
 * admin cannot silently bring back someone who asked to leave.
 */
export async function addSubscriberToList(
  deps: AppDeps,
  listId: string,
  input: AddSubscriberInput,
): Promise<{ subscriber: Subscriber; membership: Membership; created: boolean }> {
  const list = await getList(deps, listId);
  const email = normaliseEmail(input.email);
  const profile = subscriberProfileSchema.parse(input.profile ?? {});
  const now = deps.clock.now().toISOString();
  const { subscriber, created } = await deps.store.createSubscriber({ ...profile, id: deps.newId(), email, createdAt: now, updatedAt: now });
  const suppressed = await deps.store.isSuppressed(email);
  const wanted = input.status ?? (list.optIn === 'single' ? 'confirmed' : 'unconfirmed');
  const existing = await deps.store.getMembership(listId, subscriber.id);
  const status = suppressed || existing?.status === 'unsubscribed' ? 'unsubscribed' : wanted;
  const membership: Membership = { listId, subscriberId: subscriber.id, email, status, updatedAt: now };
  await deps.store.putMembership(membership);
  return { subscriber, membership, created };
}

export async function listMembers(
  deps: AppDeps,
  listId: string,
  options: { limit?: number; cursor?: string },
): Promise<Page<Membership>> {
  await getList(deps, listId);
  return deps.store.listMembers(listId, options);
}

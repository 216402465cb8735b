import type { Actor } from '../domain/actor';
import {
  type ListInput,
  listInputSchema,
  type MailingList,
  type Membership,
  type Subscriber,
  subscriberProfileSchema,
} from '../domain/audience';
import type { ConsentRecord } from '../domain/consent';
import { normaliseEmail } from '../domain/email-address';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { Page } from '../ports';
import type { AppDeps } from './deps';
import { requestConfirmation } from './request-confirmation';

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
  /** Admin-managed (single opt-in) lists confirm at once; a double opt-in list keeps the member unconfirmed. */
  readonly status?: Membership['status'];
  /** How the address came in; defaults to an admin action on the basis the list's kind implies. */
  readonly consent?: Partial<Omit<ConsentRecord, 'subscriberId' | 'listId' | 'event' | 'at'>>;
}

/** created / updated / unchanged, or suppressed: the address asked to leave (or bounced) and is not brought back. */
export type AddOutcome = 'created' | 'updated' | 'unchanged' | 'suppressed';

export class SuppressedAddressError extends ConflictError {
  constructor(reason: string) {
    super(`Cette adresse ne reçoit plus d’envois (${reason}) : elle ne peut pas être réinscrite par un administrateur ni par un import.`);
  }
}

const profileKeys = ['name', 'organisation', 'role', 'outlet', 'mediumType', 'tags', 'department', 'language'] as const;

/**
 * Adds an address to a list, one subscriber per normalised address. An address on the
 * suppression list, or that unsubscribed from this list, is never brought back by an admin or
 * an import (only the person can, through the public form and a new confirmation).
 * Records the consent event that explains the membership.
 */
export async function addSubscriberToList(
  deps: Pick<AppDeps, 'store' | 'clock' | 'newId'>,
  listId: string,
  input: AddSubscriberInput,
  knownList?: MailingList,
): Promise<{ outcome: AddOutcome; subscriber?: Subscriber; membership?: Membership; reason?: string }> {
  const list = knownList ?? (await getList(deps, listId));
  const email = normaliseEmail(input.email);
  const profile = subscriberProfileSchema.partial().parse(input.profile ?? {});
  const suppression = await deps.store.suppressionOf(email);
  if (suppression) return { outcome: 'suppressed', reason: suppression.reason };

  const now = deps.clock.now().toISOString();
  const fresh: Subscriber = { tags: [], language: 'fr', ...profile, id: deps.newId(), email, createdAt: now, updatedAt: now };
  const { subscriber: stored, created } = await deps.store.createSubscriber(fresh);
  const existing = created ? undefined : await deps.store.getMembership(listId, stored.id);
  if (existing?.status === 'unsubscribed') return { outcome: 'suppressed', subscriber: stored, reason: 'désinscrit de cette liste' };

  let subscriber = stored;
  let changed = created;
  if (!created) {
    const merged = { ...stored, ...profile };
    if (profileKeys.some((k) => JSON.stringify(merged[k]) !== JSON.stringify(stored[k]))) {
      subscriber = { ...merged, updatedAt: now };
      await deps.store.updateSubscriber(subscriber);
      changed = true;
    }
  }
  const status = input.status ?? (list.optIn === 'single' ? 'confirmed' : 'unconfirmed');
  let membership = existing;
  if (!existing || (existing.status === 'unconfirmed' && status === 'confirmed')) {
    membership = { listId, subscriberId: subscriber.id, email, status, updatedAt: now };
    await deps.store.putMembership(membership);
    const source = input.consent?.source ?? 'admin';
    await deps.store.appendConsent({
      lawfulBasis: list.kind === 'press' ? 'legitimate-interest' : 'consent',
      ...input.consent,
      source,
      subscriberId: subscriber.id,
      listId,
      event: source === 'import' ? 'imported' : status === 'confirmed' ? 'confirmed' : 'requested',
      at: now,
    });
    changed = true;
  }
  return { outcome: created ? 'created' : changed ? 'updated' : 'unchanged', subscriber, membership };
}

/**
 * An address added by a publisher (API, workspace). On a double opt-in list nobody but the
 * person can consent: whatever status was asked, the membership stays `unconfirmed` and a
 * confirmation mail goes out (rate-limited per address; none to a suppressed address). A single
 * opt-in list (press contacts on legitimate interest) takes the status as given.
 */
export async function addSubscriberByAdmin(
  deps: AppDeps,
  listId: string,
  input: Omit<AddSubscriberInput, 'consent'>,
  actor: Actor,
): Promise<Awaited<ReturnType<typeof addSubscriberToList>> & { confirmationMailed: boolean }> {
  const list = await getList(deps, listId);
  const double = list.optIn === 'double';
  const r = await addSubscriberToList(
    deps,
    listId,
    { ...input, status: double ? 'unconfirmed' : input.status, consent: { source: 'api', actor: actor.name } },
    list,
  );
  const confirmationMailed =
    double && r.subscriber !== undefined && r.membership?.status === 'unconfirmed'
      ? await requestConfirmation(deps, r.subscriber, [list], 'admin')
      : false;
  return { ...r, confirmationMailed };
}

export async function listMembers(deps: AppDeps, listId: string, options: { limit?: number; cursor?: string }): Promise<Page<Membership>> {
  await getList(deps, listId);
  return deps.store.listMembers(listId, options);
}

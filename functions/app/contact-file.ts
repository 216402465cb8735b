import { z } from 'zod';
import { type Actor, assertCan } from '../domain/actor';
import { type MailingList, type Membership, type Subscriber, subscriberProfileSchema } from '../domain/audience';
import type { Campaign, Recipient } from '../domain/campaign';
import type { ConsentRecord, LawfulBasis } from '../domain/consent';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import type { SuppressionEntry } from '../domain/suppression';
import { audit } from './audit-log';
import type { AppDeps } from './deps';
import { addSubscriberToList } from './manage-audience';
import { requestConfirmation } from './request-confirmation';
import { eraseSubscriber, exportSubscriber } from './subscriber-privacy';

export interface ContactSend {
  readonly recipient: Recipient;
  readonly campaign?: Campaign;
  readonly releaseTitle?: string;
}

export interface ContactFile {
  readonly subscriber: Subscriber;
  /** Set when the person was erased: nothing personal is left to show. */
  readonly erasedAt?: string;
  readonly memberships: readonly { readonly membership: Membership; readonly list?: MailingList }[];
  /** Lists the contact is on no longer (or never was): where they may be added. */
  readonly otherLists: readonly MailingList[];
  /** Oldest first: the ledger as it was written. */
  readonly consent: readonly ConsentRecord[];
  /** Newest first. */
  readonly sends: readonly ContactSend[];
  /** Why the address gets no mail at all (bounce, complaint, …), if it does not. */
  readonly suppression?: SuppressionEntry;
}

async function subscriberOrThrow(deps: Pick<AppDeps, 'store'>, id: string): Promise<Subscriber & { erasedAt?: string }> {
  const subscriber = await deps.store.getSubscriber(id);
  if (!subscriber) throw new NotFoundError('Contact', id);
  return subscriber;
}

const notErased = (s: Subscriber & { erasedAt?: string }) => {
  if (s.erasedAt) throw new ConflictError('Ce contact a été effacé : il n’y a plus rien à modifier.');
};

/** A contact's page: profile, lists, consent ledger, the releases sent to them and how SES answered. */
export async function contactFileView(deps: Pick<AppDeps, 'store'>, actor: Actor, id: string): Promise<ContactFile> {
  assertCan(actor, 'audience:read');
  const subscriber = await subscriberOrThrow(deps, id);
  const [memberships, consent, recipients, lists] = await Promise.all([
    deps.store.listMembershipsOf(id),
    deps.store.listConsent(id),
    deps.store.listSendsOf(id),
    deps.store.listLists(),
  ]);
  const listById = new Map(lists.map((l) => [l.id, l]));
  const sends = await Promise.all(
    recipients.map(async (recipient) => {
      const campaign = await deps.store.getCampaign(recipient.campaignId);
      const release = campaign ? await deps.store.getRelease(campaign.releaseId) : undefined;
      return { recipient, campaign, releaseTitle: release?.content.title };
    }),
  );
  const on = new Set(memberships.map((m) => m.listId));
  return {
    subscriber,
    erasedAt: subscriber.erasedAt,
    memberships: memberships.map((membership) => ({ membership, list: listById.get(membership.listId) })),
    otherLists: lists.filter((l) => !on.has(l.id)),
    consent: [...consent].sort((a, b) => a.at.localeCompare(b.at)),
    sends: sends.sort((a, b) => b.recipient.updatedAt.localeCompare(a.recipient.updatedAt)),
    suppression: subscriber.erasedAt ? undefined : await deps.store.suppressionEntryOf(subscriber.email),
  };
}

const profileKeys = ['name', 'organisation', 'role', 'outlet', 'mediumType', 'tags', 'department', 'language'] as const;

/** Edits the press fields of a contact (never the address: it is the person's identity and its uniqueness guard). */
export async function updateContactProfile(
  deps: Pick<AppDeps, 'store' | 'clock'>,
  actor: Actor,
  id: string,
  raw: unknown,
): Promise<Subscriber> {
  assertCan(actor, 'audience:manage');
  const current = await subscriberOrThrow(deps, id);
  notErased(current);
  const profile = subscriberProfileSchema.parse(raw);
  // Every field is replaced, so that a field emptied in the form is emptied here too.
  const cleared = Object.fromEntries(profileKeys.map((k) => [k, undefined]));
  const updated: Subscriber = { ...current, ...cleared, ...profile, updatedAt: deps.clock.now().toISOString() };
  await deps.store.updateSubscriber(updated);
  await audit(deps, actor, 'subscriber.updated', 'subscriber', id);
  return updated;
}

const addSchema = z.object({
  listId: z.string({ message: 'Choisissez une liste.' }).min(1, 'Choisissez une liste.'),
  basis: z.enum(['consent', 'legitimate-interest'], { message: 'Choisissez la base légale de l’inscription.' }),
});

export type AddToListOutcome = 'added' | 'confirmation-sent' | 'confirmation-pending';

/**
 * Puts a contact on a list with a lawful basis.
 * - Legitimate interest: only on a press list (professional contacts); on a single opt-in list
 *   the member is on at once.
 * - Consent: nobody but the person can give it. The member waits, unconfirmed, and a
 *   confirmation mail goes out (on any list, single opt-in or not): no consent is ever recorded
 *   that the person did not give. A double opt-in list asks for that confirmation whatever the basis.
 * An address that is blocked, or that left this list, is not brought back (409).
 */
export async function addContactToList(
  deps: AppDeps,
  actor: Actor,
  id: string,
  raw: unknown,
): Promise<{ list: MailingList; outcome: AddToListOutcome }> {
  assertCan(actor, 'audience:manage');
  const subscriber = await subscriberOrThrow(deps, id);
  notErased(subscriber);
  const { listId, basis } = addSchema.parse(raw);
  const list = await deps.store.getList(listId);
  if (!list) throw new ValidationError('Cette liste n’existe pas : choisissez-en une dans la liste.', 'listId');
  if (basis === 'legitimate-interest' && list.kind !== 'press')
    throw new ValidationError(
      'L’intérêt légitime ne vaut que pour les listes presse (contacts professionnels) : choisissez le consentement, la personne recevra un lien de confirmation.',
      'basis',
    );
  const lawfulBasis: LawfulBasis = basis;
  const r = await addSubscriberToList(
    deps,
    listId,
    {
      email: subscriber.email,
      // Straight on only for a professional press contact on a single opt-in list; otherwise the person confirms.
      status: basis === 'legitimate-interest' && list.optIn === 'single' ? 'confirmed' : 'unconfirmed',
      consent: {
        source: 'admin',
        lawfulBasis,
        actor: actor.name,
        ...(basis === 'legitimate-interest' ? { wording: 'Contact presse professionnel ajouté depuis l’espace de travail' } : {}),
      },
    },
    list,
  );
  if (r.outcome === 'suppressed')
    throw new ConflictError(`Ce contact ne peut pas être inscrit à cette liste (${r.reason ?? 'adresse bloquée'}).`);
  let outcome: AddToListOutcome = 'added';
  if (r.membership?.status === 'unconfirmed') {
    outcome = (await requestConfirmation(deps, subscriber, [list], 'admin')) ? 'confirmation-sent' : 'confirmation-pending';
  }
  await audit(
    deps,
    actor,
    'subscriber.added',
    'subscriber',
    id,
    `${list.name} (${basis === 'consent' ? 'consentement' : 'intérêt légitime'})`,
  );
  return { list, outcome };
}

/**
 * Takes a contact off a list. The membership goes (so the contact may be added again later, on
 * a lawful basis); the consent ledger keeps a line saying who removed them and when.
 */
export async function removeContactFromList(
  deps: Pick<AppDeps, 'store' | 'clock'>,
  actor: Actor,
  id: string,
  listId: string,
): Promise<MailingList> {
  assertCan(actor, 'audience:manage');
  const subscriber = await subscriberOrThrow(deps, id);
  notErased(subscriber);
  const membership = await deps.store.getMembership(listId, id);
  const list = await deps.store.getList(listId);
  if (!membership || !list) throw new NotFoundError('Inscription', `${listId}/${id}`);
  const at = deps.clock.now().toISOString();
  await deps.store.deleteMembership(listId, id);
  await deps.store.appendConsent({
    subscriberId: id,
    listId,
    event: 'unsubscribed',
    at,
    source: 'admin',
    lawfulBasis: list.kind === 'press' ? 'legitimate-interest' : 'consent',
    wording: 'Retiré de la liste depuis l’espace de travail',
    actor: actor.name,
  });
  await audit(deps, actor, 'subscriber.removed', 'subscriber', id, list.name);
  return list;
}

export async function contactForAction(deps: Pick<AppDeps, 'store'>, actor: Actor, id: string) {
  assertCan(actor, 'audience:manage');
  return subscriberOrThrow(deps, id);
}

/** The GDPR file of a contact (JSON): everything held about them. Reading it is audited. */
export async function exportContactFile(deps: AppDeps, actor: Actor, id: string) {
  assertCan(actor, 'audience:read');
  return exportSubscriber(deps, id, actor);
}

/** Erases a contact after the confirmation page; see `eraseSubscriber` for what is kept. */
export async function eraseContact(deps: AppDeps, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'audience:manage');
  notErased(await subscriberOrThrow(deps, id));
  await eraseSubscriber(deps, id, actor);
}

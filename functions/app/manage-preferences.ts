import { z } from 'zod';
import { type MailingList, type Membership, maskedEmail, type Subscriber } from '../domain/audience';
import { signupWording } from '../domain/consent';
import { personName } from '../domain/text-fields';
import { InvalidTokenError, preferencesLinkMaxAgeSeconds, verifyToken } from '../domain/tokens';
import type { AppDeps } from './deps';
import { requestConfirmation } from './request-confirmation';
import type { RequestContext } from './subscribe';
import { unsubscribeFromEverything, unsubscribeFromLists } from './unsubscribe';

export interface PreferencesView {
  readonly subscriber: Subscriber;
  /** The address as the page shows it (j***@example.org): the link may have been forwarded. */
  readonly maskedEmail: string;
  /** Lists the person may choose: public ones, and any list they are on. */
  readonly lists: { list: MailingList; status: Membership['status'] | 'none' }[];
  /** Lists for which a confirmation mail was just sent (double opt-in, or a suppressed address). */
  readonly confirmationRequested: readonly string[];
}

async function subscriberOf(deps: AppDeps, token: string): Promise<Subscriber> {
  const claims = verifyToken(token, deps.tokenKeys, Math.floor(deps.clock.now().getTime() / 1000), 'preferences', {
    maxAgeSeconds: preferencesLinkMaxAgeSeconds,
  });
  const subscriber = await deps.store.getSubscriber(claims.subscriberId);
  if (!subscriber || subscriber.email.startsWith('erased:')) throw new InvalidTokenError('abonné inconnu');
  return subscriber;
}

async function viewOf(deps: AppDeps, subscriber: Subscriber, confirmationRequested: readonly string[] = []): Promise<PreferencesView> {
  const memberships = new Map((await deps.store.listMembershipsOf(subscriber.id)).map((m) => [m.listId, m.status]));
  const lists = (await deps.store.listLists()).filter((l) => l.publicSignup || memberships.has(l.id));
  return {
    subscriber,
    maskedEmail: maskedEmail(subscriber.email),
    lists: lists.map((list) => ({ list, status: memberships.get(list.id) ?? 'none' })),
    confirmationRequested,
  };
}

export async function getPreferences(deps: AppDeps, token: string): Promise<PreferencesView> {
  return viewOf(deps, await subscriberOf(deps, token));
}

export const preferencesInputSchema = z.object({
  name: personName.optional(),
  language: z.enum(['fr', 'en']).optional(),
  listIds: z.array(z.string()).default([]),
  unsubscribeAll: z.boolean().default(false),
});

/**
 * Saves the preference centre. Unticking unsubscribes; "everything" also suppresses the address.
 * Ticking a list confirms it at once only when that needs no more than this link: a single
 * opt-in public list, for an address that is not suppressed. A double opt-in list, or any list
 * for a suppressed address, waits for the confirmation mail sent now: a link that may have been
 * forwarded, or is a year old, proves no consent and never lifts a suppression by itself.
 */
export async function updatePreferences(
  deps: AppDeps,
  token: string,
  raw: unknown,
  request: RequestContext = { ip: 'inconnue', userAgent: '' },
): Promise<PreferencesView> {
  const input = preferencesInputSchema.parse(raw);
  const subscriber = await subscriberOf(deps, token);
  const at = deps.clock.now().toISOString();
  if (input.unsubscribeAll) {
    await unsubscribeFromEverything(deps, subscriber.id, 'form');
    return viewOf(deps, subscriber);
  }
  let current = subscriber;
  if ((input.name !== undefined && input.name !== (subscriber.name ?? '')) || (input.language && input.language !== subscriber.language)) {
    current = { ...subscriber, name: input.name || undefined, language: input.language ?? subscriber.language, updatedAt: at };
    await deps.store.updateSubscriber(current);
  }
  const view = await viewOf(deps, current);
  const wanted = new Set(input.listIds);
  const leave = view.lists
    .filter((l) => !wanted.has(l.list.id) && (l.status === 'confirmed' || l.status === 'unconfirmed'))
    .map((l) => l.list.id);
  await unsubscribeFromLists(deps, subscriber.id, leave, 'form');

  const suppressed = (await deps.store.suppressionOf(subscriber.email)) !== undefined;
  const toConfirm: MailingList[] = [];
  for (const { list, status } of view.lists) {
    if (!wanted.has(list.id) || status === 'confirmed' || !list.publicSignup) continue;
    const direct = list.optIn === 'single' && !suppressed;
    await deps.store.putMembership({
      listId: list.id,
      subscriberId: subscriber.id,
      email: subscriber.email,
      status: direct ? 'confirmed' : 'unconfirmed',
      updatedAt: at,
    });
    await deps.store.appendConsent({
      subscriberId: subscriber.id,
      listId: list.id,
      event: direct ? (status === 'unsubscribed' ? 'resubscribed' : 'confirmed') : 'requested',
      at,
      source: 'form',
      lawfulBasis: 'consent',
      wording: signupWording.text,
      wordingVersion: signupWording.version,
      ip: request.ip,
      userAgent: request.userAgent.slice(0, 500),
    });
    if (!direct) toConfirm.push(list);
  }
  const mailed = await requestConfirmation(deps, subscriber, toConfirm);
  return viewOf(deps, current, mailed ? toConfirm.map((l) => l.id) : []);
}

import { z } from 'zod';
import type { MailingList, Membership, Subscriber } from '../domain/audience';
import { personName } from '../domain/text-fields';
import { InvalidTokenError, verifyToken } from '../domain/tokens';
import type { AppDeps } from './deps';
import { unsubscribeFromEverything, unsubscribeFromLists } from './unsubscribe';

export interface PreferencesView {
  readonly subscriber: Subscriber;
  /** Lists the person may choose: public ones, and any list they are on. */
  readonly lists: { list: MailingList; status: Membership['status'] | 'none' }[];
}

async function subscriberOf(deps: AppDeps, token: string): Promise<Subscriber> {
  const claims = verifyToken(token, deps.tokenKeys, Math.floor(deps.clock.now().getTime() / 1000), 'preferences');
  const subscriber = await deps.store.getSubscriber(claims.subscriberId);
  if (!subscriber || subscriber.email.startsWith('erased:')) throw new InvalidTokenError('abonné inconnu');
  return subscriber;
}

export async function getPreferences(deps: AppDeps, token: string): Promise<PreferencesView> {
  const subscriber = await subscriberOf(deps, token);
  const memberships = new Map((await deps.store.listMembershipsOf(subscriber.id)).map((m) => [m.listId, m.status]));
  const lists = (await deps.store.listLists()).filter((l) => l.publicSignup || memberships.has(l.id));
  return { subscriber, lists: lists.map((list) => ({ list, status: memberships.get(list.id) ?? 'none' })) };
}

export const preferencesInputSchema = z.object({
  name: personName.optional(),
  language: z.enum(['fr', 'en']).optional(),
  listIds: z.array(z.string()).default([]),
  unsubscribeAll: z.boolean().default(false),
});

/**
 * Saves the preference centre. The link came in a mail to this address, so ticking a public
 * list confirms it at once; unticking unsubscribes; "everything" also suppresses the address.
 */
export async function updatePreferences(deps: AppDeps, token: string, raw: unknown): Promise<PreferencesView> {
  const input = preferencesInputSchema.parse(raw);
  const subscriber = await subscriberOf(deps, token);
  const at = deps.clock.now().toISOString();
  if (input.unsubscribeAll) {
    await unsubscribeFromEverything(deps, subscriber.id, 'form');
    return getPreferences(deps, token);
  }
  if ((input.name !== undefined && input.name !== (subscriber.name ?? '')) || (input.language && input.language !== subscriber.language)) {
    await deps.store.updateSubscriber({
      ...subscriber,
      name: input.name || undefined,
      language: input.language ?? subscriber.language,
      updatedAt: at,
    });
  }
  const view = await getPreferences(deps, token);
  const wanted = new Set(input.listIds);
  const leave = view.lists
    .filter((l) => !wanted.has(l.list.id) && (l.status === 'confirmed' || l.status === 'unconfirmed'))
    .map((l) => l.list.id);
  await unsubscribeFromLists(deps, subscriber.id, leave, 'form');
  for (const { list, status } of view.lists) {
    if (!wanted.has(list.id) || status === 'confirmed' || !list.publicSignup) continue;
    await deps.store.putMembership({
      listId: list.id,
      subscriberId: subscriber.id,
      email: subscriber.email,
      status: 'confirmed',
      updatedAt: at,
    });
    await deps.store.appendConsent({
      subscriberId: subscriber.id,
      listId: list.id,
      event: status === 'unsubscribed' ? 'resubscribed' : 'confirmed',
      at,
      source: 'form',
      lawfulBasis: 'consent',
    });
  }
  if (wanted.size > 0 && (await deps.store.suppressionOf(subscriber.email))?.reason === 'unsubscribed-all')
    await deps.store.unsuppress(subscriber.email);
  return getPreferences(deps, token);
}

import { z } from 'zod';
import type { MailingList, Membership } from '../domain/audience';
import { signupWording } from '../domain/consent';
import { normaliseEmail } from '../domain/email-address';
import { DomainError, ValidationError } from '../domain/errors';
import { personName } from '../domain/text-fields';
import type { AppDeps } from './deps';
import { confirmationLimits, requestConfirmation } from './request-confirmation';

export class RateLimitedError extends DomainError {
  constructor() {
    super('rate_limited', 'Trop de demandes depuis votre connexion : réessayez dans quelques minutes.');
  }
}

export const signupLimits = {
  /** Form posts per IP per window. */
  perIp: 10,
  ipWindowSeconds: 600,
  /** At most one confirmation mail per address per window: no list bombing through us. */
  addressWindowSeconds: confirmationLimits.addressWindowSeconds,
  confirmValidHours: confirmationLimits.validHours,
} as const;

export const subscribeInputSchema = z.object({
  email: z.string().max(320),
  name: personName.optional(),
  listIds: z.array(z.string().min(1)).min(1, 'choisissez au moins une liste'),
  /** Hidden field: a person leaves it empty, a bot fills it. */
  website: z.string().optional(),
});

export interface RequestContext {
  readonly ip: string;
  readonly userAgent: string;
}

/**
 * Public double opt-in sign-up. The answer is the same whether the address is new, known,
 * suppressed or rate-limited, so the form reveals nothing about who is subscribed.
 */
export async function subscribe(deps: AppDeps, raw: unknown, request: RequestContext): Promise<{ mailed: boolean }> {
  const input = subscribeInputSchema.parse(raw);
  const now = deps.clock.now();
  if ((await deps.store.hit(`signup-ip#${request.ip}`, signupLimits.ipWindowSeconds, now)) > signupLimits.perIp)
    throw new RateLimitedError();
  if (input.website) return { mailed: false };
  const email = normaliseEmail(input.email);
  const lists: MailingList[] = [];
  for (const id of new Set(input.listIds)) {
    const list = await deps.store.getList(id);
    if (!list?.publicSignup) throw new ValidationError('Liste inconnue ou fermée aux inscriptions.', 'listIds');
    lists.push(list);
  }

  const at = now.toISOString();
  const { subscriber } = await deps.store.createSubscriber({
    id: deps.newId(),
    email,
    name: input.name,
    tags: [],
    language: 'fr',
    createdAt: at,
    updatedAt: at,
  });
  const pending: MailingList[] = [];
  for (const list of lists) {
    const current = await deps.store.getMembership(list.id, subscriber.id);
    if (current?.status === 'confirmed') continue;
    // An earlier unsubscribe is not undone here: the membership waits for a new confirmation.
    const membership: Membership = { listId: list.id, subscriberId: subscriber.id, email, status: 'unconfirmed', updatedAt: at };
    await deps.store.putMembership(membership);
    await deps.store.appendConsent({
      subscriberId: subscriber.id,
      listId: list.id,
      event: 'requested',
      at,
      source: 'form',
      lawfulBasis: 'consent',
      wording: signupWording.text,
      wordingVersion: signupWording.version,
      ip: request.ip,
      userAgent: request.userAgent.slice(0, 500),
    });
    pending.push(list);
  }
  if (pending.length === 0) return { mailed: false };
  // Bounced or complained addresses get no mail at all; an unsubscribed or erased one may confirm again.
  return { mailed: await requestConfirmation(deps, subscriber, pending) };
}

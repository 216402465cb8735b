import type { MailingList, Subscriber } from '../domain/audience';
import { emailHash } from '../domain/email-hash';
import { signToken } from '../domain/tokens';
import { type ConfirmationOrigin, confirmationMail } from './confirmation-mail';
import type { AppDeps } from './deps';

export const confirmationLimits = {
  /** At most one confirmation mail per address per window: no list bombing through us. */
  addressWindowSeconds: 300,
  validHours: 48,
} as const;

/** Suppressions a fresh, confirmed opt-in may lift: the person's own choices, never a bounce or a complaint. */
export const liftableByConfirmation: ReadonlySet<string> = new Set(['unsubscribed-all', 'erased']);

/**
 * Mails the double opt-in link for `lists` (their memberships are already `unconfirmed`).
 * Nothing goes to a bounced, complained or manually blocked address, nor twice to one address
 * within the window. Returns whether a mail went out.
 */
export async function requestConfirmation(
  deps: Pick<AppDeps, 'store' | 'mailer' | 'clock' | 'tokenKeys' | 'publicBaseUrl'>,
  subscriber: Pick<Subscriber, 'id' | 'email'>,
  lists: readonly MailingList[],
  origin: ConfirmationOrigin = 'self',
): Promise<boolean> {
  if (lists.length === 0) return false;
  const now = deps.clock.now();
  const suppression = await deps.store.suppressionOf(subscriber.email);
  if (suppression && !liftableByConfirmation.has(suppression.reason)) return false;
  const hits = await deps.store.hit(`signup-address#${emailHash(subscriber.email)}`, confirmationLimits.addressWindowSeconds, now);
  if (hits > 1) return false;

  const brandId = lists.find((l) => l.brandId)?.brandId;
  const brand = (brandId ? await deps.store.getBrand(brandId) : undefined) ?? (await deps.store.listBrands())[0];
  if (!brand) throw new Error('no brand configured to send the confirmation mail from');
  const token = signToken(
    {
      purpose: 'confirm',
      subscriberId: subscriber.id,
      listIds: lists.map((l) => l.id),
      exp: Math.floor(now.getTime() / 1000) + confirmationLimits.validHours * 3600,
    },
    deps.tokenKeys,
  );
  const url = `${deps.publicBaseUrl}/confirm/${token}`;
  await deps.mailer.send(confirmationMail(brand, subscriber.email, lists, url, confirmationLimits.validHours, origin));
  return true;
}

import { InvalidTokenError, verifyToken } from '../domain/tokens';
import type { AppDeps } from './deps';
import { liftableByConfirmation } from './request-confirmation';
import type { RequestContext } from './subscribe';

/**
 * Confirms the memberships a sign-up asked for. Only `unconfirmed` memberships move, so a
 * replayed link changes nothing (and says so), and cannot undo a later unsubscribe.
 */
export async function confirmSubscription(
  deps: AppDeps,
  token: string,
  request: RequestContext,
): Promise<{ confirmed: string[]; alreadyConfirmed: boolean }> {
  const now = deps.clock.now();
  const claims = verifyToken(token, deps.tokenKeys, Math.floor(now.getTime() / 1000), 'confirm');
  const subscriber = await deps.store.getSubscriber(claims.subscriberId);
  if (!subscriber || subscriber.email.startsWith('erased:')) throw new InvalidTokenError('abonné inconnu');
  const at = now.toISOString();
  const confirmed: string[] = [];
  for (const listId of claims.listIds ?? []) {
    const m = await deps.store.getMembership(listId, subscriber.id);
    if (m?.status !== 'unconfirmed') continue;
    await deps.store.setMembershipStatus(listId, subscriber.id, 'confirmed', at);
    await deps.store.appendConsent({
      subscriberId: subscriber.id,
      listId,
      event: 'confirmed',
      at,
      source: 'form',
      lawfulBasis: 'consent',
      ip: request.ip,
      userAgent: request.userAgent.slice(0, 500),
    });
    confirmed.push(listId);
  }
  // A new, confirmed opt-in lifts what the person chose before: "unsubscribe from everything", or
  // an erasure (they came back, signed up and confirmed again). Never a bounce or a complaint.
  const suppression = confirmed.length > 0 ? await deps.store.suppressionOf(subscriber.email) : undefined;
  if (suppression && liftableByConfirmation.has(suppression.reason)) {
    await deps.store.unsuppress(subscriber.email);
    await deps.store.appendConsent({
      subscriberId: subscriber.id,
      event: 'resubscribed',
      at,
      source: 'form',
      lawfulBasis: 'consent',
      ip: request.ip,
      userAgent: request.userAgent.slice(0, 500),
    });
  }
  return { confirmed, alreadyConfirmed: confirmed.length === 0 };
}

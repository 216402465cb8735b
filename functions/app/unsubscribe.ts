import type { ConsentSource } from '../domain/consent';
import { InvalidTokenError, verifyToken } from '../domain/tokens';
import type { SendDeps } from './deps';

type Deps = Pick<SendDeps, 'store' | 'clock' | 'tokenKeys'>;

/**
 * One-click unsubscribe (RFC 8058) from the lists of the campaign the link came from, or from
 * every list when the link names no campaign. Idempotent: a second POST changes nothing.
 */
export async function unsubscribeByToken(deps: Deps, token: string): Promise<{ listIds: string[] }> {
  const now = deps.clock.now();
  const claims = verifyToken(token, deps.tokenKeys, Math.floor(now.getTime() / 1000), 'unsubscribe');
  const subscriber = await deps.store.getSubscriber(claims.subscriberId);
  if (!subscriber) throw new InvalidTokenError('abonné inconnu');
  const campaign = claims.campaignId ? await deps.store.getCampaign(claims.campaignId) : undefined;
  const memberships = await deps.store.listMembershipsOf(subscriber.id);
  const targets = memberships
    .filter((m) => m.status !== 'unsubscribed' && (!campaign || campaign.listIds.includes(m.listId)))
    .map((m) => m.listId);
  await unsubscribeFromLists(deps, subscriber.id, targets, 'form');
  return { listIds: targets };
}

export async function unsubscribeFromLists(
  deps: Pick<Deps, 'store' | 'clock'>,
  subscriberId: string,
  listIds: readonly string[],
  source: ConsentSource,
): Promise<void> {
  const at = deps.clock.now().toISOString();
  for (const listId of listIds) {
    await deps.store.setMembershipStatus(listId, subscriberId, 'unsubscribed', at);
    await deps.store.appendConsent({ subscriberId, listId, event: 'unsubscribed', at, source, lawfulBasis: 'consent' });
  }
}

/** "Unsubscribe from everything": every list, and the address suppressed for any future import or admin add. */
export async function unsubscribeFromEverything(
  deps: Pick<Deps, 'store' | 'clock'>,
  subscriberId: string,
  source: ConsentSource,
): Promise<void> {
  const subscriber = await deps.store.getSubscriber(subscriberId);
  if (!subscriber) return;
  const memberships = await deps.store.listMembershipsOf(subscriberId);
  await unsubscribeFromLists(
    deps,
    subscriberId,
    memberships.filter((m) => m.status !== 'unsubscribed').map((m) => m.listId),
    source,
  );
  await deps.store.suppress(subscriber.email, 'unsubscribed-all', deps.clock.now().toISOString());
}

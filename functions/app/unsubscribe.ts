import { InvalidTokenError, verifyToken } from '../domain/tokens';
import type { SendDeps } from './deps';

/**
 * One-click unsubscribe (RFC 8058) from the lists of the campaign the link came from, or from
 * every list when the link names no campaign. Idempotent: a second POST changes nothing.
 */
export async function unsubscribeByToken(deps: Pick<SendDeps, 'store' | 'clock' | 'tokenKeys'>, token: string): Promise<{ listIds: string[] }> {
  const now = deps.clock.now();
  const claims = verifyToken(token, deps.tokenKeys, Math.floor(now.getTime() / 1000), 'unsubscribe');
  const subscriber = await deps.store.getSubscriber(claims.subscriberId);
  if (!subscriber) throw new InvalidTokenError('abonné inconnu');
  const campaign = claims.campaignId ? await deps.store.getCampaign(claims.campaignId) : undefined;
  const memberships = await deps.store.listMembershipsOf(subscriber.id);
  const targets = memberships.filter((m) => m.status !== 'unsubscribed' && (!campaign || campaign.listIds.includes(m.listId)));
  for (const m of targets) await deps.store.setMembershipStatus(m.listId, m.subscriberId, 'unsubscribed', now.toISOString());
  return { listIds: targets.map((m) => m.listId) };
}

import { isComplete } from '../domain/campaign';
import type { SendDeps } from './deps';

export async function finishIfComplete(deps: Pick<SendDeps, 'store' | 'clock'>, campaignId: string): Promise<boolean> {
  const campaign = await deps.store.getCampaign(campaignId);
  if (!campaign || !isComplete(campaign.total, campaign.counts)) return false;
  return deps.store.setCampaignStatus(campaignId, 'finished', ['running'], deps.clock.now().toISOString());
}

import type { Campaign, CampaignStatus } from '../domain/campaign';
import { ConflictError, NotFoundError } from '../domain/errors';
import { controlQueueOf } from './control-queue';
import type { AppDeps } from './deps';

const labels: Record<CampaignStatus, string> = {
  draft: 'brouillon',
  scheduled: 'programmée',
  running: 'en cours',
  paused: 'en pause',
  finished: 'terminée',
  cancelled: 'annulée',
  missed: 'manquée',
};

async function transition(deps: AppDeps, id: string, to: CampaignStatus, from: CampaignStatus[], verb: string): Promise<Campaign> {
  const campaign = await deps.store.getCampaign(id);
  if (!campaign) throw new NotFoundError('Campagne', id);
  if (!(await deps.store.setCampaignStatus(id, to, from, deps.clock.now().toISOString()))) {
    const current = (await deps.store.getCampaign(id))?.status ?? campaign.status;
    throw new ConflictError(`Impossible de ${verb} une campagne ${labels[current]}.`);
  }
  return (await deps.store.getCampaign(id)) as Campaign;
}

/** Workers stop claiming within a second (they read the status with each count report); mails already handed to SES finish, claims still waiting for the pacer go back to pending, nobody is lost. */
export const pauseCampaign = (deps: AppDeps, id: string) => transition(deps, id, 'paused', ['running'], 'mettre en pause');

/** Queues the campaign again: the snapshot is kept, only recipients still pending are sent. */
export async function resumeCampaign(deps: AppDeps, id: string): Promise<Campaign> {
  const campaign = await transition(deps, id, 'running', ['paused'], 'reprendre');
  await controlQueueOf(deps).enqueue([{ type: 'launch', campaignId: id }]);
  return campaign;
}

/** Cancels at any moment before the end; a scheduled campaign's schedule is deleted too. */
export async function cancelCampaign(deps: AppDeps, id: string): Promise<Campaign> {
  const campaign = await transition(deps, id, 'cancelled', ['draft', 'scheduled', 'running', 'paused'], 'annuler');
  if (campaign.sendAt) await deps.scheduler?.unschedule(id);
  return campaign;
}

import { type Actor, assertCan } from '../domain/actor';
import type { Campaign } from '../domain/campaign';
import type { Ambiguity } from '../domain/local-time';
import { audit } from './audit-log';
import { cancelCampaign, pauseCampaign, resumeCampaign } from './control-campaign';
import type { AppDeps } from './deps';
import { rescheduleCampaign } from './schedule-campaign';

export type CampaignAction = 'pause' | 'resume' | 'cancel';

const run = { pause: pauseCampaign, resume: resumeCampaign, cancel: cancelCampaign } as const;

/**
 * Pause, resume or cancel as a signed-in person: the same permission and audit entry as the
 * API's control routes, around the control use-cases (which hold the state rules).
 */
export async function controlCampaignAs(deps: AppDeps, actor: Actor, action: CampaignAction, id: string): Promise<Campaign> {
  assertCan(actor, 'campaign:send');
  const campaign = await run[action](deps, id);
  await audit(deps, actor, `campaign.${action}`, 'campaign', id);
  return campaign;
}

/** Moves a scheduled campaign as a signed-in person (permission, then rescheduleCampaign, then the audit). */
export async function rescheduleCampaignAs(
  deps: AppDeps,
  actor: Actor,
  id: string,
  input: { sendAt: string; timeZone?: string; ambiguity?: Ambiguity },
): Promise<Campaign> {
  assertCan(actor, 'campaign:send');
  const campaign = await rescheduleCampaign(deps, id, input);
  await audit(deps, actor, 'campaign.rescheduled', 'campaign', id, `${input.sendAt} (${campaign.timeZone ?? input.timeZone ?? ''})`);
  return campaign;
}

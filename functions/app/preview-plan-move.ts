import { type Actor, assertCan } from '../domain/actor';
import { type AnnouncementPlan, type AnnouncementType, shiftLocal } from '../domain/announcement-plan';
import type { CampaignStatus } from '../domain/campaign';
import { NotFoundError } from '../domain/errors';
import { resolveLocalTime } from '../domain/local-time';
import type { AppDeps } from './deps';

export interface PlanMovePreview {
  readonly plan: AnnouncementPlan;
  readonly newStart: string;
  /** Pending steps that will move, from their time to the new one. */
  readonly moving: readonly { readonly type: AnnouncementType; readonly from: string; readonly to: string }[];
  /** Pending steps whose new time would be past: moveEvent leaves them where they are. */
  readonly wouldBePast: readonly { readonly type: AnnouncementType; readonly from: string; readonly to: string }[];
  /** Steps already sent, cancelled or otherwise no longer scheduled: they stay as they were. */
  readonly unchanged: readonly { readonly type: AnnouncementType; readonly status: CampaignStatus | 'inconnue' }[];
}

/**
 * What moving the event to `newStart` would do, without doing it: the same reading of each
 * step as moveEvent (only scheduled steps move, by whole days; a step whose new time has passed
 * stays), so the organiser sees it before confirming.
 */
export async function previewPlanMove(deps: AppDeps, actor: Actor, planId: string, newStart: string): Promise<PlanMovePreview> {
  assertCan(actor, 'campaign:send');
  const plan = await deps.store.getPlan(planId);
  if (!plan) throw new NotFoundError('Plan d’annonces', planId);
  resolveLocalTime(newStart, plan.timeZone, 'earlier', 'eventStart');
  const now = deps.clock.now().getTime();
  const moving: PlanMovePreview['moving'][number][] = [];
  const wouldBePast: PlanMovePreview['wouldBePast'][number][] = [];
  const unchanged: PlanMovePreview['unchanged'][number][] = [];
  for (const step of plan.steps) {
    const campaign = await deps.store.getCampaign(step.campaignId);
    if (campaign?.status !== 'scheduled') {
      unchanged.push({ type: step.type, status: campaign?.status ?? 'inconnue' });
      continue;
    }
    const to = shiftLocal(step.localSendAt, plan.eventStart, newStart);
    const entry = { type: step.type, from: step.localSendAt, to };
    if (resolveLocalTime(to, plan.timeZone, 'earlier').getTime() <= now) wouldBePast.push(entry);
    else moving.push(entry);
  }
  return { plan, newStart, moving, wouldBePast, unchanged };
}

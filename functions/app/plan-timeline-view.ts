import { randomUUID } from 'node:crypto';
import { type Actor, can } from '../domain/actor';
import {
  type AnnouncementPlan,
  type AnnouncementType,
  defaultPlanSteps,
  type PlanStepDefinition,
  stepLocalTime,
} from '../domain/announcement-plan';
import type { MailingList } from '../domain/audience';
import type { CampaignStatus } from '../domain/campaign';
import { NotFoundError } from '../domain/errors';
import type { Release, ReleaseStatus } from '../domain/release';
import type { AppDeps } from './deps';
import { getRelease } from './manage-releases';

export const stepLabels: Record<AnnouncementType, string> = {
  'save-the-date': 'Save the date',
  invitation: 'Invitation',
  reminder: 'Rappel',
  'day-of': 'Le jour même',
  'thank-you': 'Remerciements',
};

/** "J-60", "le jour J", "J+1". */
export const offsetLabel = (days: number) => (days === 0 ? 'jour J' : `J${days > 0 ? '+' : '−'}${Math.abs(days)}`);

export interface TimelineStep {
  readonly type: AnnouncementType;
  readonly offsetDays: number;
  readonly localSendAt: string;
  readonly releaseId: string;
  readonly releaseTitle?: string;
  readonly releaseStatus?: ReleaseStatus;
  readonly campaignId: string;
  readonly campaignStatus?: CampaignStatus;
}

export interface PlanTimelineView {
  readonly plan: AnnouncementPlan;
  readonly eventName: string;
  readonly sourceTitle?: string;
  readonly listNames: readonly string[];
  readonly steps: readonly TimelineStep[];
  readonly canChange: boolean;
}

/** A plan's timeline: each step's release (to open in the editor), its status and its local send time. */
export async function planTimelineView(deps: AppDeps, actor: Actor, id: string): Promise<PlanTimelineView> {
  const plan = await deps.store.getPlan(id);
  if (!plan) throw new NotFoundError('Plan d’annonces', id);
  const source = await deps.store.getRelease(plan.sourceReleaseId);
  const lists = await Promise.all(plan.listIds.map((l) => deps.store.getList(l)));
  const steps = await Promise.all(
    plan.steps.map(async (s) => {
      const [release, campaign] = await Promise.all([deps.store.getRelease(s.releaseId), deps.store.getCampaign(s.campaignId)]);
      return {
        type: s.type,
        offsetDays: s.offsetDays,
        localSendAt: s.localSendAt,
        releaseId: s.releaseId,
        releaseTitle: release?.content.title,
        releaseStatus: release?.status,
        campaignId: s.campaignId,
        campaignStatus: campaign?.status,
      };
    }),
  );
  return {
    plan,
    eventName: source?.content.event?.name ?? source?.content.title ?? plan.sourceReleaseId,
    sourceTitle: source?.content.title,
    listNames: lists.map((l, i) => l?.name ?? plan.listIds[i] ?? ''),
    steps,
    canChange: can(actor, 'campaign:send'),
  };
}

export interface PlanListView {
  readonly plans: readonly { readonly plan: AnnouncementPlan; readonly eventName: string }[];
  readonly cursor?: string;
  /** Event announcements without a plan yet, from which one can be created. */
  readonly plannable: readonly Release[];
  readonly canCreate: boolean;
}

/** The plans, newest first, and the event announcements that could get one (among the newest releases). */
export async function planListView(deps: AppDeps, actor: Actor, cursor?: string): Promise<PlanListView> {
  const page = await deps.store.listPlans({ cursor, limit: 25 });
  const plans = await Promise.all(
    page.items.map(async (plan) => {
      const source = await deps.store.getRelease(plan.sourceReleaseId);
      return { plan, eventName: source?.content.event?.name ?? source?.content.title ?? plan.sourceReleaseId };
    }),
  );
  const planned = new Set<string>();
  for (const p of page.items) {
    planned.add(p.sourceReleaseId);
    for (const s of p.steps) planned.add(s.releaseId);
  }
  // Step releases describe the event too: only the ones no listed plan uses or made.
  const releases = await deps.store.listReleases({ limit: 100 });
  const plannable = releases.items.filter((r) => r.content.event !== undefined && !planned.has(r.id));
  return { plans, cursor: page.cursor, plannable, canCreate: can(actor, 'campaign:send') };
}

export interface NewPlanView {
  readonly source: Release;
  readonly lists: readonly MailingList[];
  /** The steps as entered (defaults: J-60, J-30, J-7, the day, J+1), with their local send time. */
  readonly steps: readonly (PlanStepDefinition & { readonly included: boolean; readonly localSendAt?: string })[];
  readonly chosenLists: readonly string[];
  /** Generated when the form opens: a double click or a reload of the POST never makes two plans. */
  readonly key: string;
}

/** The plan form of an event announcement: lists, and the steps with their offsets and times. */
export async function newPlanView(
  deps: AppDeps,
  sourceReleaseId: string,
  entered?: { steps: readonly (PlanStepDefinition & { included: boolean })[]; listIds: readonly string[]; key?: string },
): Promise<NewPlanView> {
  const source = await getRelease(deps, sourceReleaseId);
  const start = source.content.event?.start;
  const steps = (entered?.steps ?? defaultPlanSteps.map((s) => ({ ...s, included: true }))).map((s) => {
    let localSendAt: string | undefined;
    try {
      localSendAt = start && /^\d{2}:\d{2}$/.test(s.time) && Number.isInteger(s.offsetDays) ? stepLocalTime(start, s) : undefined;
    } catch {
      localSendAt = undefined;
    }
    return { ...s, localSendAt };
  });
  const key = entered?.key && /^[A-Za-z0-9-]{8,200}$/.test(entered.key) ? entered.key : randomUUID();
  return { source, lists: await deps.store.listLists(), steps, chosenLists: entered?.listIds ?? [], key };
}

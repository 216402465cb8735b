import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type Actor, assertCan, bootstrapAdmin } from '../domain/actor';
import {
  type AnnouncementPlan,
  defaultPlanSteps,
  type PlanStep,
  type PlanStepDefinition,
  shiftLocal,
  stepLocalTime,
} from '../domain/announcement-plan';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../domain/errors';
import { resolveLocalTime } from '../domain/local-time';
import { announcementTypes, type ReleaseContent } from '../domain/release';
import { audit } from './audit-log';
import { cancelCampaign } from './control-campaign';
import type { AppDeps } from './deps';
import { campaignIdForKey, launchCampaign } from './launch-campaign';
import { createRelease, getRelease, updateRelease } from './manage-releases';

const stepTitles: Record<(typeof announcementTypes)[number], string> = {
  'save-the-date': 'Save the date',
  invitation: 'Invitation',
  reminder: 'Rappel',
  'day-of': 'C’est aujourd’hui',
  'thank-you': 'Merci',
};

export const planInputSchema = z.object({
  sourceReleaseId: z.string().min(1),
  listIds: z.array(z.string().min(1)).min(1, 'au moins une liste'),
  steps: z
    .array(
      z.object({
        type: z.enum(announcementTypes),
        offsetDays: z.number().int().min(-365).max(60),
        time: z.string().regex(/^\d{2}:\d{2}$/, 'heure attendue (HH:mm)'),
      }),
    )
    .min(1)
    .optional(),
  /** Same key, same plan: a retried request never schedules a step twice. */
  idempotencyKey: z.string().min(8).max(200).optional(),
});

/** The local send times of a plan for an event, without creating anything (what the organiser previews). */
export function planTimes(
  eventStart: string,
  steps: readonly PlanStepDefinition[] = defaultPlanSteps,
): { type: string; localSendAt: string }[] {
  return steps.map((s) => ({ type: s.type, localSendAt: stepLocalTime(eventStart, s) }));
}

const withEventStart = (content: ReleaseContent, start: string, end: string | undefined): ReleaseContent => ({
  ...content,
  event: content.event ? { ...content.event, start, end } : undefined,
});

/** Ids derived from a plan's key, shaped like UUIDs: a retry with the same key finds what the first attempt made. */
const derivedId = (what: string, key: string) => {
  const h = createHash('sha256').update(`${what}:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/** Same key, other request (source, lists or steps): refused with 422, never answered with the other plan. */
export class PlanKeyReusedError extends DomainError {
  constructor(planId: string) {
    super(
      'idempotency_key_reused',
      `Cette clé d’idempotence a déjà servi pour un autre plan (${planId} : autre communiqué, autres listes ou autres étapes) : utilisez une nouvelle clé.`,
    );
  }
}

/**
 * Plans a festival's announcements from its event: one release (event announcement of the
 * step's type) and one scheduled campaign per step. A step whose time has passed is refused,
 * so nothing is silently dropped or sent late.
 *
 * All or nothing: if a step fails, the campaigns this call scheduled are cancelled and the error
 * is thrown; nothing stays scheduled (the steps' releases stay as drafts, reused by a retry).
 * `idempotencyKey` (else a fresh one): the plan and its steps' ids derive from it, so a retry
 * after a failure or a lost answer neither duplicates a step nor answers another plan.
 */
export async function planEventAnnouncements(deps: AppDeps, raw: unknown, actor: Actor = bootstrapAdmin): Promise<AnnouncementPlan> {
  assertCan(actor, 'campaign:send');
  const input = planInputSchema.parse(raw);
  const key = input.idempotencyKey ?? deps.newId();
  const planId = derivedId('plan', key);
  const steps = input.steps ?? defaultPlanSteps;
  const existing = input.idempotencyKey ? await deps.store.getPlan(planId) : undefined;
  if (existing) {
    const sameLists = [...existing.listIds].sort().join('\n') === [...new Set(input.listIds)].sort().join('\n');
    const sameSteps =
      existing.steps.map((s) => `${s.type}${s.offsetDays}${s.time}`).join() ===
      steps.map((s) => `${s.type}${s.offsetDays}${s.time}`).join();
    if (existing.sourceReleaseId !== input.sourceReleaseId || !sameLists || !sameSteps) throw new PlanKeyReusedError(planId);
    return existing;
  }
  const source = await getRelease(deps, input.sourceReleaseId);
  const event = source.content.event;
  if (!event)
    throw new ValidationError('Ce communiqué ne décrit pas d’événement : impossible d’en planifier les annonces.', 'sourceReleaseId');
  const now = deps.clock.now();
  const past = steps.filter((s) => resolveLocalTime(stepLocalTime(event.start, s), event.timeZone, 'earlier').getTime() <= now.getTime());
  if (past.length > 0) {
    throw new ValidationError(
      `Étape(s) déjà passée(s) : ${past.map((s) => `${stepTitles[s.type]} (${stepLocalTime(event.start, s)})`).join(', ')}. Retirez-les du plan.`,
      'steps',
    );
  }
  const planned: PlanStep[] = [];
  const scheduled: string[] = [];
  try {
    for (const [index, step] of steps.entries()) {
      const localSendAt = stepLocalTime(event.start, step);
      const stepKey = `plan:${key}:${index}:${step.type}`;
      const releaseId = derivedId('plan-step-release', stepKey);
      const release =
        (await deps.store.getRelease(releaseId)) ??
        (await createRelease(
          deps,
          { ...source.content, kind: 'event-announcement', announcementType: step.type, title: `${stepTitles[step.type]} : ${event.name}` },
          actor,
          { id: releaseId },
        ));
      // An attempt rolled back left this step's campaign cancelled: the next attempt takes the next key.
      let attempt = 1;
      for (;;) {
        const found = await deps.store.getCampaign(campaignIdForKey(`${stepKey}#${attempt}`));
        if (!found || found.status === 'scheduled') break;
        attempt++;
      }
      const { campaign } = await launchCampaign(
        deps,
        {
          releaseId: release.id,
          listIds: [...input.listIds],
          sendAt: localSendAt,
          timeZone: event.timeZone,
          ambiguity: 'earlier',
          idempotencyKey: `${stepKey}#${attempt}`,
        },
        actor,
      );
      scheduled.push(campaign.id);
      planned.push({ ...step, localSendAt, releaseId: release.id, campaignId: campaign.id });
    }
    const at = now.toISOString();
    const plan: AnnouncementPlan = {
      id: planId,
      sourceReleaseId: source.id,
      eventStart: event.start,
      timeZone: event.timeZone,
      listIds: input.listIds,
      steps: planned,
      createdAt: at,
      updatedAt: at,
    };
    await deps.store.putPlan(plan);
    await audit(deps, actor, 'plan.created', 'plan', plan.id, `${planned.length} étapes pour ${event.name}`).catch(() => undefined);
    return plan;
  } catch (e: unknown) {
    // Roll back: a plan that failed leaves nothing scheduled. A cancel that fails too leaves its
    // campaign scheduled under the step's key, where the retry finds and reuses it.
    for (const id of scheduled) await cancelScheduled(deps, id).catch(() => undefined);
    throw e;
  }
}

export interface MoveReport {
  readonly plan: AnnouncementPlan;
  /** Steps whose campaign had already left (or was cancelled): not moved. */
  readonly unchanged: { type: string; status: string }[];
  /** Steps that would now be in the past: left where they were, for the organiser to decide. */
  readonly nowInPast: { type: string; localSendAt: string }[];
}

/**
 * The event moved: every step not yet sent moves by the same number of days (its release
 * content follows, the mail is compiled again, the schedule moves). Sent steps stay as they were.
 */
export async function moveEvent(deps: AppDeps, planId: string, newStart: string, actor: Actor = bootstrapAdmin): Promise<MoveReport> {
  assertCan(actor, 'campaign:send');
  const plan = await deps.store.getPlan(planId);
  if (!plan) throw new NotFoundError('Plan d’annonces', planId);
  resolveLocalTime(newStart, plan.timeZone, 'earlier', 'eventStart');
  const now = deps.clock.now();
  const unchanged: MoveReport['unchanged'] = [];
  const nowInPast: MoveReport['nowInPast'] = [];
  const steps: PlanStep[] = [];
  for (const step of plan.steps) {
    const campaign = await deps.store.getCampaign(step.campaignId);
    if (campaign?.status !== 'scheduled') {
      unchanged.push({ type: step.type, status: campaign?.status ?? 'inconnue' });
      steps.push(step);
      continue;
    }
    const localSendAt = shiftLocal(step.localSendAt, plan.eventStart, newStart);
    if (resolveLocalTime(localSendAt, plan.timeZone, 'earlier').getTime() <= now.getTime()) {
      nowInPast.push({ type: step.type, localSendAt });
      steps.push(step);
      continue;
    }
    const release = await getRelease(deps, step.releaseId);
    const event = release.content.event;
    const moved = withEventStart(
      release.content,
      shiftLocal(event?.start ?? plan.eventStart, plan.eventStart, newStart),
      event?.end ? shiftLocal(event.end, plan.eventStart, newStart) : undefined,
    );
    // A scheduled campaign keeps the mail of the version it was scheduled with (and sends
    // nothing if the release changed): the step gets a new campaign for the new version and
    // time, and the old one is cancelled. If this stops half-way, the old campaign, now on an
    // older version, is missed rather than sent; moving again finishes the job.
    await updateRelease(deps, release.id, moved, undefined, actor, { replacingCampaignIds: [step.campaignId] });
    const { campaign: next } = await launchCampaign(
      deps,
      {
        releaseId: release.id,
        listIds: [...plan.listIds],
        sendAt: localSendAt,
        timeZone: plan.timeZone,
        ambiguity: 'earlier',
        idempotencyKey: `plan-move:${plan.id}:${step.campaignId}:${newStart}`,
      },
      actor,
    );
    if (next.id !== step.campaignId) await cancelScheduled(deps, step.campaignId);
    steps.push({ ...step, localSendAt, campaignId: next.id });
  }
  const next: AnnouncementPlan = { ...plan, eventStart: newStart, steps, updatedAt: now.toISOString() };
  await deps.store.putPlan(next);
  await audit(deps, actor, 'plan.moved', 'plan', plan.id, `${plan.eventStart} → ${newStart}`);
  return { plan: next, unchanged, nowInPast };
}

/** Cancels a campaign still scheduled (rolled back or replaced); one that left meanwhile is left alone. */
async function cancelScheduled(deps: AppDeps, campaignId: string): Promise<void> {
  if ((await deps.store.getCampaign(campaignId))?.status !== 'scheduled') return;
  try {
    await cancelCampaign(deps, campaignId);
  } catch (e: unknown) {
    if (!(e instanceof ConflictError)) throw e; // it left meanwhile
  }
}

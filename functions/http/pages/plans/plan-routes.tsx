import { Hono } from 'hono';
import { ZodError } from 'zod';
import type { AppDeps } from '../../../app/deps';
import { moveEvent, PlanKeyReusedError, planEventAnnouncements } from '../../../app/plan-event-announcements';
import { newPlanView, planListView, planTimelineView, stepLabels } from '../../../app/plan-timeline-view';
import { previewPlanMove } from '../../../app/preview-plan-move';
import { assertCan, ForbiddenError } from '../../../domain/actor';
import type { AnnouncementType, PlanStepDefinition } from '../../../domain/announcement-plan';
import { DomainError } from '../../../domain/errors';
import { announcementTypes } from '../../../domain/release';
import { fieldErrorsOf } from '../components/forms';
import { localText } from '../components/local-time-text';
import { renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { requireUser, setNotice } from '../workspace-security';
import { NewPlanPage, PlanListPage, PlanMovePage, PlanTimelinePage } from './plan-pages';

type Form = Record<string, string | File | (string | File)[]>;
const text = (v: Form[string] | undefined) => {
  const x = Array.isArray(v) ? v[v.length - 1] : v;
  return typeof x === 'string' ? x : '';
};
const texts = (v: Form[string] | undefined) =>
  v === undefined ? [] : (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');

/** The steps as the plan form posts them (`etapes.<i>.type|incluse|jours|heure`), in order. */
function stepsOf(form: Form): (PlanStepDefinition & { included: boolean })[] {
  const steps: (PlanStepDefinition & { included: boolean })[] = [];
  for (let i = 0; i < 20; i++) {
    const type = text(form[`etapes.${i}.type`]);
    if (!type) break;
    if (!(announcementTypes as readonly string[]).includes(type)) continue;
    const days = text(form[`etapes.${i}.jours`]).trim();
    steps.push({
      type: type as AnnouncementType,
      // an empty or non-numeric entry stays NaN so that the use-case's schema names it
      offsetDays: days === '' ? Number.NaN : Number(days),
      time: text(form[`etapes.${i}.heure`]),
      included: text(form[`etapes.${i}.incluse`]) === 'oui',
    });
  }
  return steps;
}

/** Plans: festival announcements from an event, their timeline, and moving the event. */
export function planPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();

  app.get('/plans', requireUser(), async (c) => {
    const view = await planListView(deps, c.get('actor'), c.req.query('curseur') || undefined);
    return renderPage(c, { title: 'Plans d’annonces', area: 'plans' }, <PlanListPage view={view} />);
  });

  app.get('/plans/nouveau', requireUser(), async (c) => {
    assertCan(c.get('actor'), 'campaign:send');
    const view = await newPlanView(deps, c.req.query('source') ?? '');
    return renderPage(c, { title: 'Planifier les annonces', area: 'plans' }, <NewPlanPage view={view} csrfToken={c.get('csrfToken')} />);
  });

  // "Recalculer les dates": the form again with the send times of what was entered (nothing saved).
  app.post('/plans/nouveau', requireUser(), async (c) => {
    assertCan(c.get('actor'), 'campaign:send');
    const form = (await c.req.parseBody({ all: true })) as Form;
    const view = await newPlanView(deps, text(form.source), { steps: stepsOf(form), listIds: texts(form.listes), key: text(form.cle) });
    return renderPage(c, { title: 'Planifier les annonces', area: 'plans' }, <NewPlanPage view={view} csrfToken={c.get('csrfToken')} />);
  });

  app.post('/plans', requireUser(), async (c) => {
    const form = (await c.req.parseBody({ all: true })) as Form;
    const source = text(form.source);
    const entered = { steps: stepsOf(form), listIds: texts(form.listes), key: text(form.cle) };
    try {
      const plan = await planEventAnnouncements(
        deps,
        {
          sourceReleaseId: source,
          listIds: entered.listIds,
          steps: entered.steps.filter((s) => s.included).map(({ type, offsetDays, time }) => ({ type, offsetDays, time })),
          ...(entered.key ? { idempotencyKey: entered.key } : {}),
        },
        c.get('actor'),
      );
      setNotice(c, `Plan créé : ${plan.steps.length} envoi(s) programmé(s).`);
      return c.redirect(`/plans/${plan.id}`, 303);
    } catch (e) {
      if (e instanceof ForbiddenError || !(e instanceof DomainError || e instanceof ZodError)) throw e;
      // A key that already made another plan: the form starts over with a fresh one.
      const reused = e instanceof PlanKeyReusedError;
      const view = await newPlanView(deps, source, reused ? { ...entered, key: undefined } : entered);
      return renderPage(
        c,
        {
          title: 'Planifier les annonces',
          area: 'plans',
          status: reused || (e instanceof DomainError && e.code === 'conflict') ? 409 : 400,
        },
        <NewPlanPage view={view} csrfToken={c.get('csrfToken')} errors={fieldErrorsOf(e)} />,
      );
    }
  });

  app.get('/plans/:id', requireUser(), async (c) => {
    const view = await planTimelineView(deps, c.get('actor'), c.req.param('id'));
    return renderPage(c, { title: `Plan : ${view.eventName}`, area: 'plans' }, <PlanTimelinePage view={view} />);
  });

  // Before confirming: which pending steps move, which would fall in the past, which stay.
  app.get('/plans/:id/deplacement', requireUser(), async (c) => {
    const id = c.req.param('id');
    const timeline = await planTimelineView(deps, c.get('actor'), id);
    const preview = await previewPlanMove(deps, c.get('actor'), id, (c.req.query('debut') ?? '').slice(0, 16));
    return renderPage(
      c,
      { title: 'Déplacer l’événement', area: 'plans' },
      <PlanMovePage view={preview} eventName={timeline.eventName} csrfToken={c.get('csrfToken')} />,
    );
  });

  app.post('/plans/:id/deplacement', requireUser(), async (c) => {
    const id = c.req.param('id');
    const form = (await c.req.parseBody({ all: true })) as Form;
    const report = await moveEvent(deps, id, text(form.debut).slice(0, 16), c.get('actor'));
    const past = report.nowInPast.map(
      (s) => `${stepLabels[s.type as AnnouncementType] ?? s.type} (${localText(s.localSendAt, report.plan.timeZone)})`,
    );
    setNotice(
      c,
      `Événement déplacé ${localText(report.plan.eventStart, report.plan.timeZone)}.${past.length > 0 ? ` Non déplacées car déjà passées à la nouvelle date : ${past.join(', ')}.` : ''}`,
    );
    return c.redirect(`/plans/${id}`, 303);
  });

  return app;
}

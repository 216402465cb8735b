import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { ZodError } from 'zod';
import type { AppDeps } from '../../../app/deps';
import { IdempotencyKeyReusedError, launchCampaign } from '../../../app/launch-campaign';
import { type SendChoice, type SendDialogView, sendDialogView } from '../../../app/send-dialog-view';
import { ForbiddenError } from '../../../domain/actor';
import { ConflictError, DomainError } from '../../../domain/errors';
import { type FieldError, fieldErrorsOf } from '../components/forms';
import { instantText } from '../components/local-time-text';
import { renderFragment, renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { requireUser, setNotice } from '../workspace-security';
import { SendConfirmationPage, SendDialogPage, SendSummary } from './send-dialog-page';

const last = (v: string | string[] | undefined) => (Array.isArray(v) ? v[v.length - 1] : v);
const all = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The choice as the query string or the posted form carries it (names in French, as the fields). */
function choiceOf(fields: Record<string, string | string[] | undefined>): SendChoice {
  const key = last(fields.cle);
  const ambiguity = last(fields.ambiguite);
  return {
    listIds: [...new Set(all(fields.listes).filter(Boolean))],
    when: last(fields.quand) === 'plus-tard' ? 'later' : 'now',
    date: last(fields.date) || undefined,
    time: last(fields.heure) || undefined,
    ambiguity: ambiguity === 'earlier' || ambiguity === 'later' ? ambiguity : undefined,
    segmentId: last(fields.segment) || undefined,
    // a fresh key for each opening of the dialog: a reload of the confirmation keeps it
    key: key && /^[A-Za-z0-9-]{8,200}$/.test(key) ? key : randomUUID(),
  };
}

const queryFields = (c: Context<WorkspaceEnv>) => {
  const q = c.req.queries();
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v]));
};

/**
 * What stops the confirmation step, in words (the use-cases check again on confirm): no list,
 * an unclear time, a moment past, a non-press list under embargo, nobody to reach.
 */
function problemsOf(v: SendDialogView, now: Date): { errors: FieldError[]; status: 400 | 409 } | undefined {
  const errors: FieldError[] = [];
  if (v.choice.listIds.length === 0) errors.push({ field: 'listIds', message: 'Choisissez au moins une liste.' });
  const t = v.time;
  if (t?.kind === 'invalid') errors.push({ field: 'sendAt', message: 'Indiquez une date et une heure d’envoi valides.' });
  if (t?.kind === 'skipped')
    errors.push({ field: 'sendAt', message: 'Cette heure n’existe pas ce jour-là (passage à l’heure d’été) : choisissez-en une autre.' });
  if (t?.kind === 'repeated' && !v.choice.ambiguity)
    errors.push({ field: 'ambiguity', message: 'Cette heure existe deux fois ce jour-là (retour à l’heure d’hiver) : précisez laquelle.' });
  if (v.leavesAt && t && v.leavesAt.getTime() <= now.getTime())
    errors.push({ field: 'sendAt', message: 'Cette date est passée : choisissez un moment à venir.' });
  if (v.unknownSegment) errors.push({ field: 'segmentId', message: 'Ce segment n’existe plus : choisissez-en un autre.' });
  if (errors.length > 0) return { errors, status: 400 };
  const embargoed = v.lists.filter((l) => l.checked && l.embargoed);
  if (embargoed.length > 0)
    errors.push({
      field: 'listIds',
      message: `Sous embargo : envoi réservé aux listes presse (décochez ${embargoed.map((l) => `« ${l.list.name} »`).join(', ')}).`,
    });
  else if (v.total.recipients === 0)
    errors.push(
      v.segment
        ? {
            field: 'segmentId',
            message: 'Aucun destinataire : personne de confirmé et joignable sur ces listes ne correspond au segment.',
          }
        : { field: 'listIds', message: 'Aucun destinataire : ces listes n’ont pas d’abonné confirmé joignable.' },
    );
  return errors.length > 0 ? { errors, status: 409 } : undefined;
}

/** The send or schedule dialog of a release: /communiques/:id/envoi, its live summary, its confirmation. */
export function sendDialogPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  const title = 'Envoyer ou programmer';

  app.get('/communiques/:id/envoi', requireUser(), async (c) => {
    const view = await sendDialogView(deps, c.get('actor'), c.req.param('id'), choiceOf(queryFields(c)));
    return renderPage(c, { title, area: 'campaigns' }, <SendDialogPage view={view} />);
  });

  app.get('/communiques/:id/envoi/resume', requireUser(), async (c) => {
    const view = await sendDialogView(deps, c.get('actor'), c.req.param('id'), choiceOf(queryFields(c)), { perList: false });
    return renderFragment(c, <SendSummary view={view} />);
  });

  app.get('/communiques/:id/envoi/confirmation', requireUser(), async (c) => {
    const view = await sendDialogView(deps, c.get('actor'), c.req.param('id'), choiceOf(queryFields(c)));
    const problems = view.blocked
      ? { errors: [{ field: '', message: view.blocked }], status: 409 as const }
      : problemsOf(view, deps.clock.now());
    if (problems)
      return renderPage(c, { title, area: 'campaigns', status: problems.status }, <SendDialogPage view={view} errors={problems.errors} />);
    return renderPage(
      c,
      { title: 'Confirmer l’envoi', area: 'campaigns' },
      <SendConfirmationPage view={view} csrfToken={c.get('csrfToken')} />,
    );
  });

  // The deliberate action: the idempotency key makes a double click or a reload land on the same campaign.
  app.post('/communiques/:id/envoi', requireUser(), async (c) => {
    const releaseId = c.req.param('id');
    const choice = choiceOf((await c.req.parseBody({ all: true })) as Record<string, string | string[]>);
    try {
      const { campaign, created } = await launchCampaign(
        deps,
        {
          releaseId,
          listIds: [...choice.listIds],
          idempotencyKey: choice.key,
          ...(choice.when === 'later' ? { sendAt: `${choice.date ?? ''}T${choice.time ?? ''}`, timeZone: 'Europe/Paris' } : {}),
          ...(choice.ambiguity ? { ambiguity: choice.ambiguity } : {}),
          ...(choice.segmentId ? { segmentId: choice.segmentId } : {}),
        },
        c.get('actor'),
      );
      if (created)
        setNotice(
          c,
          campaign.status === 'scheduled' && campaign.sendAt
            ? `Envoi programmé ${instantText(campaign.sendAt, campaign.timeZone)}.`
            : 'Envoi lancé : la campagne part maintenant.',
        );
      return c.redirect(`/campagnes/${campaign.id}`, 303);
    } catch (e) {
      if (e instanceof ForbiddenError) throw e;
      const errors = fieldErrorsOf(e);
      if (!errors || !(e instanceof DomainError || e instanceof ZodError)) throw e;
      // A key that already launched another request: the dialog starts over with a fresh one.
      const reused = e instanceof IdempotencyKeyReusedError;
      const view = await sendDialogView(deps, c.get('actor'), releaseId, reused ? { ...choice, key: randomUUID() } : choice);
      return renderPage(
        c,
        { title, area: 'campaigns', status: e instanceof ConflictError || reused ? 409 : 400 },
        <SendDialogPage view={view} errors={errors} />,
      );
    }
  });

  return app;
}

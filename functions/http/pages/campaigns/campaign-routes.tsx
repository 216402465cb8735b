import { Hono } from 'hono';
import { type CampaignAction, controlCampaignAs, rescheduleCampaignAs } from '../../../app/campaign-actions';
import { campaignListView, campaignPageView, campaignProgressView } from '../../../app/campaign-progress-view';
import type { AppDeps } from '../../../app/deps';
import { assertCan, ForbiddenError } from '../../../domain/actor';
import { type CampaignStatus, campaignStatuses } from '../../../domain/campaign';
import { ConflictError, DomainError } from '../../../domain/errors';
import { readLocalTime } from '../../../domain/local-time-choice';
import { type FieldError, fieldErrorsOf } from '../components/forms';
import { instantText } from '../components/local-time-text';
import { renderFragment, renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { requireUser, setNotice } from '../workspace-security';
import { ControlConfirmPage, controlTexts, ReschedulePage } from './campaign-control-page';
import { CampaignListPage } from './campaign-list-page';
import { CampaignControls, CampaignPage, CampaignProgress } from './campaign-page';
import { sendDialogPages } from './send-dialog-routes';

const one = (v: unknown) =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[v.length - 1] === 'string' ? (v[v.length - 1] as string) : '';

/** Campagnes: the list, a campaign's page with its live progress and controls, and the send dialog of a release. */
export function campaignPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  app.route('/', sendDialogPages(deps));

  app.get('/campagnes', requireUser(), async (c) => {
    const statut = c.req.query('statut');
    const status = campaignStatuses.includes(statut as CampaignStatus) ? (statut as CampaignStatus) : undefined;
    const view = await campaignListView(deps, { status, cursor: c.req.query('curseur') || undefined });
    return renderPage(c, { title: 'Campagnes', area: 'campaigns' }, <CampaignListPage view={view} />);
  });

  app.get('/campagnes/:id', requireUser(), async (c) => {
    const from = c.req.query('echecs') || undefined;
    const view = await campaignPageView(deps, c.get('actor'), c.req.param('id'), from);
    return renderPage(
      c,
      { title: `Campagne : ${view.releaseTitle ?? view.campaign.releaseId}`, area: 'campaigns' },
      <CampaignPage view={view} failuresFrom={from} />,
    );
  });

  app.get('/campagnes/:id/progression', requireUser(), async (c) => {
    const view = await campaignProgressView(deps, c.req.param('id'));
    if (view.live) return renderFragment(c, <CampaignProgress view={view} />);
    // The last poll: the state changed (finished, paused, cancelled), so the controls follow it.
    const page = await campaignPageView(deps, c.get('actor'), c.req.param('id'));
    return renderFragment(
      c,
      <>
        <CampaignProgress view={page} />
        <CampaignControls view={page} outOfBand />
      </>,
    );
  });

  for (const action of ['pause', 'resume', 'cancel'] as const satisfies readonly CampaignAction[]) {
    const path = `/campagnes/:id/${controlTexts[action].path}`;
    app.get(path, requireUser(), async (c) => {
      assertCan(c.get('actor'), 'campaign:send');
      const view = await campaignProgressView(deps, c.req.param('id') ?? '');
      return renderPage(
        c,
        { title: controlTexts[action].title, area: 'campaigns' },
        <ControlConfirmPage campaign={view.campaign} releaseTitle={view.releaseTitle} action={action} csrfToken={c.get('csrfToken')} />,
      );
    });
    app.post(path, requireUser(), async (c) => {
      const id = c.req.param('id') ?? '';
      try {
        await controlCampaignAs(deps, c.get('actor'), action, id);
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
        const view = await campaignProgressView(deps, id);
        return renderPage(
          c,
          { title: controlTexts[action].title, area: 'campaigns', status: 409 },
          <ControlConfirmPage
            campaign={view.campaign}
            releaseTitle={view.releaseTitle}
            action={action}
            csrfToken={c.get('csrfToken')}
            errors={[{ field: '', message: e.message }]}
          />,
        );
      }
      setNotice(c, controlTexts[action].done);
      return c.redirect(`/campagnes/${id}`, 303);
    });
  }

  app.get('/campagnes/:id/reprogrammation', requireUser(), async (c) => {
    assertCan(c.get('actor'), 'campaign:send');
    const view = await campaignProgressView(deps, c.req.param('id'));
    const local = view.campaign.localSendAt;
    return renderPage(
      c,
      { title: 'Reprogrammer la campagne', area: 'campaigns' },
      <ReschedulePage
        campaign={view.campaign}
        releaseTitle={view.releaseTitle}
        date={local?.slice(0, 10)}
        time={local?.slice(11, 16)}
        csrfToken={c.get('csrfToken')}
      />,
    );
  });

  app.post('/campagnes/:id/reprogrammation', requireUser(), async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody({ all: true });
    const date = one(form.date);
    const time = one(form.heure);
    const ambiguity = one(form.ambiguite);
    const view = await campaignProgressView(deps, id);
    const timeZone = view.campaign.timeZone ?? 'Europe/Paris';
    const reading = readLocalTime(`${date}T${time}`, timeZone);
    const again = (errors: FieldError[], status: 400 | 409) =>
      renderPage(
        c,
        { title: 'Reprogrammer la campagne', area: 'campaigns', status },
        <ReschedulePage
          campaign={view.campaign}
          releaseTitle={view.releaseTitle}
          date={date}
          time={time}
          reading={reading}
          ambiguity={ambiguity}
          csrfToken={c.get('csrfToken')}
          errors={errors}
        />,
      );
    // Ask in words before the use-case refuses in its own terms.
    if (reading.kind === 'invalid') return again([{ field: 'sendAt', message: 'Indiquez une date et une heure valides.' }], 400);
    if (reading.kind === 'skipped')
      return again(
        [{ field: 'sendAt', message: 'Cette heure n’existe pas ce jour-là (passage à l’heure d’été) : choisissez-en une autre.' }],
        400,
      );
    if (reading.kind === 'repeated' && ambiguity !== 'earlier' && ambiguity !== 'later')
      return again(
        [{ field: 'ambiguity', message: 'Cette heure existe deux fois ce jour-là (retour à l’heure d’hiver) : précisez laquelle.' }],
        400,
      );
    try {
      const moved = await rescheduleCampaignAs(deps, c.get('actor'), id, {
        sendAt: `${date}T${time}`,
        timeZone,
        ...(ambiguity === 'earlier' || ambiguity === 'later' ? { ambiguity } : {}),
      });
      setNotice(c, `Campagne reprogrammée ${moved.sendAt ? instantText(moved.sendAt, moved.timeZone) : ''}.`);
      return c.redirect(`/campagnes/${id}`, 303);
    } catch (e) {
      if (e instanceof ForbiddenError || !(e instanceof DomainError)) throw e;
      return again(fieldErrorsOf(e) ?? [], e instanceof ConflictError ? 409 : 400);
    }
  });

  return app;
}

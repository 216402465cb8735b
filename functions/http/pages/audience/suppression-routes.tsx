import { type Context, Hono } from 'hono';
import type { AppDeps } from '../../../app/deps';
import { addManualSuppression, getSuppression, liftSuppression, listSuppressionsView } from '../../../app/manage-suppressions';
import { can, ForbiddenError } from '../../../domain/actor';
import { type FieldError, fieldErrorsOf } from '../components/forms';
import { renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { setNotice } from '../workspace-security';
import { LiftSuppressionPage, SuppressionsPage, suppressionsPath } from './suppression-pages';

const field = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
const statusOf = (e: unknown) => ((e as { code?: string }).code === 'conflict' ? 409 : 400);

async function listPage(
  c: Context<WorkspaceEnv>,
  deps: AppDeps,
  draft?: { email?: string; note?: string },
  errors?: readonly FieldError[],
  status: 200 | 400 | 409 = 200,
) {
  const view = await listSuppressionsView(deps, c.get('actor'), {
    search: c.req.query('q') || undefined,
    cursor: c.req.query('curseur') || undefined,
  });
  return renderPage(
    c,
    { title: 'Adresses bloquées', area: 'audience', status },
    <SuppressionsPage
      view={view}
      canManage={can(c.get('actor'), 'audience:manage')}
      csrfToken={c.get('csrfToken')}
      draft={draft}
      errors={errors}
    />,
  );
}

/** Audience › Adresses bloquées: list and search, block by hand, lift a manual or bounce block with a reason. */
export function suppressionPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();

  app.get(suppressionsPath, (c) => listPage(c, deps));

  app.post(suppressionsPath, async (c) => {
    const form = await c.req.parseBody();
    const draft = { email: field(form, 'email'), note: field(form, 'note') };
    try {
      await addManualSuppression(deps, c.get('actor'), draft);
      setNotice(c, 'Adresse bloquée : aucun envoi ne partira plus vers elle.');
      return c.redirect(suppressionsPath, 303);
    } catch (e: unknown) {
      const errors = fieldErrorsOf(e);
      if (!errors || e instanceof ForbiddenError) throw e;
      return listPage(
        c,
        deps,
        draft,
        errors.map((x) => ({ ...x, field: x.field || 'email' })),
        statusOf(e),
      );
    }
  });

  app.get(`${suppressionsPath}/:key/lever`, async (c) => {
    const entry = await getSuppression(deps, c.get('actor'), c.req.param('key'));
    return renderPage(
      c,
      { title: 'Lever un blocage', area: 'audience' },
      <LiftSuppressionPage entry={entry} csrfToken={c.get('csrfToken')} />,
    );
  });

  app.post(`${suppressionsPath}/:key/lever`, async (c) => {
    const key = c.req.param('key');
    const form = await c.req.parseBody();
    const reason = field(form, 'reason');
    try {
      const lifted = await liftSuppression(deps, c.get('actor'), key, { reason });
      setNotice(c, `Blocage levé${lifted.email ? ` pour ${lifted.email}` : ''}.`);
      return c.redirect(suppressionsPath, 303);
    } catch (e: unknown) {
      const errors = fieldErrorsOf(e);
      const code = (e as { code?: string }).code;
      if (!errors || e instanceof ForbiddenError || code === 'not_found') throw e;
      const entry = await getSuppression(deps, c.get('actor'), key);
      return renderPage(
        c,
        { title: 'Lever un blocage', area: 'audience', status: statusOf(e) },
        <LiftSuppressionPage
          entry={entry}
          csrfToken={c.get('csrfToken')}
          reason={reason}
          errors={errors.map((x) => ({ ...x, field: x.field || (code === 'conflict' ? '' : 'reason') }))}
        />,
      );
    }
  });

  return app;
}

import { Hono } from 'hono';
import type { AppDeps } from '../../../app/deps';
import { renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { requireUser } from '../workspace-security';

/** Tableau de bord: the first page after sign-in. */
export function dashboardPages(_deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  app.get('/', requireUser(), (c) =>
    renderPage(
      c,
      { title: 'Tableau de bord', area: 'dashboard' },
      <>
        <h1>Tableau de bord</h1>
        <p>Bonjour {c.get('user').name}.</p>
      </>,
    ),
  );
  return app;
}

import { Hono } from 'hono';
import { dashboardOverview } from '../../../app/dashboard-overview';
import type { AppDeps } from '../../../app/deps';
import { renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { requireUser } from '../workspace-security';
import { DashboardPage } from './dashboard-page';

/** Tableau de bord: the first page after sign-in. */
export function dashboardPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  app.get('/', requireUser(), async (c) => {
    const view = await dashboardOverview(deps, c.get('actor'));
    return renderPage(c, { title: 'Tableau de bord', area: 'dashboard' }, <DashboardPage name={c.get('user').name} view={view} />);
  });
  return app;
}

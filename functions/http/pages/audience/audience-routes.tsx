import { Hono } from 'hono';
import type { AppDeps } from '../../../app/deps';
import type { WorkspaceEnv } from '../workspace-env';
import { requireUser } from '../workspace-security';
import { contactPages } from './contact-routes';
import { importPages } from './import-routes';
import { listPages } from './list-routes';
import { segmentPages } from './segments-routes';
import { suppressionPages } from './suppression-routes';

/** Audience: lists and their members, contacts (the press file), blocked addresses. Use-cases check the roles. */
export function audiencePages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  app.use('/audience', requireUser());
  app.use('/audience/*', requireUser());
  app.route('/', listPages(deps));
  app.route('/', contactPages(deps));
  app.route('/', suppressionPages(deps));
  app.route('/', importPages(deps));
  app.route('/', segmentPages(deps));
  return app;
}

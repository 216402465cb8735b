import { timingSafeEqual } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../app/deps';
import { actorForToken } from '../app/manage-tokens';
import type { ApiEnv } from './api-env';
import { apiRoutes } from './api-routes';
import { errorResponse } from './error-responses';
import { importRoutes } from './import-routes';
import { mediaApiRoutes, mediaFileRoutes } from './media-routes';
import { newsroomRoutes } from './newsroom-routes';
import { type WorkspaceOptions, workspaceRoutes } from './pages/workspace-routes';
import { publicRoutes } from './public-routes';
import { segmentRoutes } from './segment-routes';
import { workflowRoutes } from './workflow-routes';

export interface HttpOptions {
  /** The admin bearer token (local: generated into .data/; AWS: from Secrets Manager). */
  readonly adminToken: string;
  readonly health: () => Promise<Record<string, boolean>>;
  readonly logError: (error: unknown) => void;
  /** The press office's web workspace (sign-in, pages); absent in tests of the API alone. */
  readonly workspace?: WorkspaceOptions;
}

const sameToken = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** The one Hono app, served by @hono/node-server locally and hono/aws-lambda in AWS. */
export function buildHttpApp(deps: AppDeps, options: HttpOptions): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>();

  app.get('/healthz', async (c) => {
    const checks = await options.health();
    const ok = Object.values(checks).every(Boolean);
    return c.json({ status: ok ? 'ok' : 'degraded', ...checks }, ok ? 200 : 503);
  });

  app.use('/api/*', async (c, next) => {
    if (c.req.path === '/api/openapi.json') return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const actor = match?.[1] ? await actorForToken(deps, match[1].trim(), options.adminToken, sameToken) : undefined;
    if (!actor) {
      return c.json(
        { error: 'unauthorized', message: 'Jeton d’administration absent ou invalide (en-tête Authorization: Bearer …).' },
        401,
        {
          'WWW-Authenticate': 'Bearer',
        },
      );
    }
    c.set('actor', actor);
    return next();
  });

  const api = apiRoutes(deps);
  api.route('/', workflowRoutes(deps));
  api.route('/', importRoutes(deps));
  api.route('/', segmentRoutes(deps));
  api.route('/', mediaApiRoutes(deps));
  api.doc('/openapi.json', {
    openapi: '3.0.3',
    servers: [{ url: '/api' }],
    info: { title: 'Communiqué — API d’administration', version: '0.1.0', description: 'Communiqués, listes, abonnés, campagnes.' },
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.route('/api', api);
  // The public sign-up's rate limit counts per client as the workspace's sign-in does.
  app.route('/', publicRoutes(deps, options.workspace?.clientAddress));
  app.route('/', newsroomRoutes(deps));
  app.route('/', mediaFileRoutes(deps));
  if (options.workspace) app.route('/', workspaceRoutes(deps, { logError: options.logError, ...options.workspace }));

  app.notFound((c) => c.json({ error: 'not_found', message: `Route inconnue : ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => errorResponse(c, error, options.logError));
  return app;
}

import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import type { OidcRelyingParty } from '../../adapters/oidc/openid-relying-party';
import type { AppDeps } from '../../app/deps';
import { IMPORT_MAX_BYTES } from '../../app/import-jobs';
import { DomainError } from '../../domain/errors';
import { htmxSource, htmxVersion } from '../assets/vendor/htmx';
import { workspaceCss } from '../assets/workspace-css';
import { workspaceJs } from '../assets/workspace-js';
import { MEDIA_MAX_BODY_BYTES, mediaTooLargeMessage } from '../media-routes';
import { audiencePages } from './audience/audience-routes';
import { authPages } from './auth/auth-routes';
import type { ClientAddress } from './auth/client-address';
import { oidcPages } from './auth/oidc-routes';
import { campaignPages } from './campaigns/campaign-routes';
import { dashboardPages } from './dashboard/dashboard-routes';
import { mediaPages } from './media/media-routes';
import { planPages } from './plans/plan-routes';
import { releasePages } from './releases/releases-routes';
import { renderPage } from './render-page';
import { reviewPages } from './review/review-routes';
import { auditPages } from './settings/audit-routes';
import { brandPages } from './settings/brand-routes';
import { settingsPages } from './settings/settings-routes';
import { tokenPages } from './settings/tokens-routes';
import type { FrameBrand, WorkspaceAuth, WorkspaceEnv } from './workspace-env';
import { CsrfError, loadSession, requireCsrf, securityHeaders } from './workspace-security';

export interface WorkspaceOptions {
  readonly auth: WorkspaceAuth;
  /** The brand shown in the frame; the first brand in the table when absent or unknown. */
  readonly brandId?: string;
  /** Largest request body a workspace form may post (bytes); larger gets 413. */
  readonly maxBodyBytes?: number;
  readonly logError?: (error: unknown) => void;
  /** The client's address for the sign-in limits (from the connection, never X-Forwarded-For); the socket's when absent. */
  readonly clientAddress?: ClientAddress;
  /** The admin bearer token: it lets whoever holds it create the first account where `npm start` does not (AWS). */
  readonly bootstrapToken?: string;
  /** Sign-in through the organisation's OpenID Connect provider, next to local accounts (OIDC_* configured). */
  readonly oidc?: OidcRelyingParty;
}

const statusOf = { not_found: 404, forbidden: 403, conflict: 409, invalid: 400, invalid_token: 403, rate_limited: 429 } as const;
const titleOf: Record<number, string> = {
  400: 'Demande invalide',
  403: 'Accès refusé',
  404: 'Page introuvable',
  409: 'Action impossible',
  429: 'Trop de tentatives',
};

/** The paths the workspace answers; its middleware applies to these only (the API and public pages have their own). */
export const workspacePrefixes = [
  '/',
  '/connexion',
  '/deconnexion',
  '/invitation',
  '/communiques',
  '/relecture',
  '/campagnes',
  '/plans',
  '/audience',
  '/reglages',
  '/mediatheque',
] as const;

const assetHeaders = (type: string) => ({ 'content-type': type, 'cache-control': 'public, max-age=3600' });

/**
 * The press office's workspace: server-rendered pages (Hono JSX) enhanced by htmx. Every page
 * calls the same use-cases as /api; no rule lives here. Each area registers its routes.
 */
export function workspaceRoutes(deps: AppDeps, options: WorkspaceOptions): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();

  app.use('/assets/*', compress());
  app.get('/assets/htmx.min.js', (c) =>
    c.body(htmxSource, 200, { ...assetHeaders('text/javascript; charset=utf-8'), 'x-htmx-version': htmxVersion }),
  );
  app.get('/assets/workspace.js', (c) => c.body(workspaceJs, 200, assetHeaders('text/javascript; charset=utf-8')));
  app.get('/assets/workspace.css', (c) => c.body(workspaceCss, 200, assetHeaders('text/css; charset=utf-8')));

  // Read again every 30 s at most: an admin who changes the brand's logo or colours (Réglages ›
  // Marques) sees the frame follow without a restart, and pages do not pay a read each.
  let brand: { value: FrameBrand | undefined; readAt: number } | undefined;
  const frameBrand = async (): Promise<FrameBrand | undefined> => {
    const now = deps.clock.now().getTime();
    if (brand && now - brand.readAt < 30_000) return brand.value;
    // The configured brand; the first in the table when none is configured or it is gone.
    const b = (options.brandId ? await deps.store.getBrand(options.brandId) : undefined) ?? (await deps.store.listBrands())[0];
    brand = { value: b ? { name: b.name, primary: b.colours.primary, logo: b.logo } : undefined, readAt: now };
    return brand.value;
  };

  /** A body over the limit: a plain French page (the frame is not loaded yet), nothing saved. */
  const tooLarge = (maxSize: number, title: string, message: string, back?: { href: string; label: string }) =>
    bodyLimit({
      maxSize,
      onError: (c) =>
        c.html(
          `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${title} — Communiqué</title></head><body><main><h1>${title}</h1><p>${message}</p>${back ? `<p><a href="${back.href}">${back.label}</a></p>` : ''}</main></body></html>`,
          413,
        ),
    });
  const limit = tooLarge(
    options.maxBodyBytes ?? 1024 * 1024,
    'Envoi trop volumineux',
    'Le formulaire envoyé dépasse la taille permise. Rien n’a été enregistré : raccourcissez le texte ou joignez les fichiers séparément.',
  );
  // The library takes files up to 10 MB: its own limit, and its own message.
  const mediaLimit = tooLarge(MEDIA_MAX_BODY_BYTES, 'Fichier trop volumineux', mediaTooLargeMessage, {
    href: '/mediatheque',
    label: 'Revenir à la médiathèque',
  });
  // The import wizard's upload takes CSV files up to 10 MB (50,000 contacts); every other /audience form keeps the 1 MB limit.
  const importLimit = tooLarge(
    IMPORT_MAX_BYTES + 64 * 1024,
    'Fichier trop volumineux',
    'Ce fichier dépasse 10 Mo : découpez-le en plusieurs fichiers. Rien n’a été importé.',
    { href: '/audience/import', label: 'Revenir à l’import' },
  );
  const audienceLimit: typeof limit = (c, next) => (c.req.path === '/audience/import' ? importLimit(c, next) : limit(c, next));
  for (const prefix of workspacePrefixes) {
    // Hono's `/x/*` also matches `/x`: registering both would run the body limit twice (locked stream).
    for (const path of prefix === '/' ? ['/'] : [`${prefix}/*`]) {
      app.use(
        path,
        securityHeaders(),
        prefix === '/mediatheque' ? mediaLimit : prefix === '/audience' ? audienceLimit : limit,
        loadSession(options.auth),
        async (c, next) => {
          c.set('frameBrand', await frameBrand());
          return next();
        },
      );
      app.use(path, requireCsrf());
    }
  }

  app.onError((error, c) => {
    if (error instanceof CsrfError) {
      return renderPage(
        c,
        { title: 'Formulaire expiré', area: 'none', status: 403 },
        <>
          <h1>Formulaire expiré</h1>
          <p>Ce formulaire n’a pas pu être vérifié (jeton de sécurité absent ou périmé). Rien n’a été enregistré.</p>
          <p>Revenez à la page précédente, rechargez-la, puis recommencez.</p>
        </>,
      );
    }
    if (error instanceof DomainError) {
      const status = statusOf[error.code as keyof typeof statusOf] ?? 400;
      const title = titleOf[status] ?? 'Demande invalide';
      return renderPage(
        c,
        { title, area: 'none', status },
        <>
          <h1>{title}</h1>
          <p>{error.message}</p>
          <p>
            <a href="/">Retour au tableau de bord</a>
          </p>
        </>,
      );
    }
    options.logError?.(error);
    return renderPage(
      c,
      { title: 'Erreur interne', area: 'none', status: 500 },
      <>
        <h1>Erreur interne</h1>
        <p>L’opération n’a pas abouti. Rien n’a été perdu de ce qui était déjà enregistré ; réessayez dans un instant.</p>
      </>,
    );
  });

  app.route('/', dashboardPages(deps));
  app.route('/', mediaPages(deps));
  app.route('/', brandPages(deps));
  app.route('/', releasePages(deps));
  app.route('/', reviewPages(deps));
  app.route('/', authPages(deps, options));
  app.route('/', oidcPages(deps, options));
  app.route('/', settingsPages(deps));
  app.route('/', tokenPages(deps));
  app.route('/', auditPages(deps));
  app.route('/', audiencePages(deps));
  app.route('/', campaignPages(deps));
  app.route('/', planPages(deps));
  return app;
}

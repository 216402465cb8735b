import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { OidcRelyingParty } from '../../../adapters/oidc/openid-relying-party';
import {
  openPendingAuthorization,
  pendingAuthorizationSeconds,
  sealPendingAuthorization,
} from '../../../adapters/oidc/pending-authorization';
import type { AppDeps } from '../../../app/deps';
import { OidcSignInRefusedError, oidcSignIn } from '../../../app/oidc-sign-in';
import { NotFoundError } from '../../../domain/errors';
import { renderPage } from '../render-page';
import { sessionCookieName, type WorkspaceEnv } from '../workspace-env';
import { isHttps, setNotice } from '../workspace-security';
import { safeReturnPath, setSessionCookie } from './auth-routes';

export interface OidcPagesOptions {
  /** Absent when OIDC_* is not configured: the routes answer 404 and the sign-in page shows no button. */
  readonly oidc?: OidcRelyingParty;
  readonly logError?: (error: unknown) => void;
}

/** Holds state, nonce and PKCE verifier between leaving for the provider and coming back. */
export const oidcCookieName = 'communique_oidc';
const oidcCookiePath = '/connexion/oidc';

function problemPage(c: Context<WorkspaceEnv>, status: ContentfulStatusCode, title: string, message: string) {
  return renderPage(
    c,
    { title, area: 'none', status },
    <>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/connexion">Revenir à la page de connexion</a>
      </p>
    </>,
  );
}

/** GET /connexion/oidc leaves for the organisation's provider; GET /connexion/oidc/retour comes back signed in. */
export function oidcPages(deps: AppDeps, options: OidcPagesOptions): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  const redirectUri = `${deps.publicBaseUrl}/connexion/oidc/retour`;

  app.get('/connexion/oidc', async (c) => {
    const oidc = options.oidc;
    if (!oidc) throw new NotFoundError('Page', c.req.path);
    const retour = safeReturnPath(c.req.query('retour'));
    if (c.get('session')) return c.redirect(retour, 303);
    let start: Awaited<ReturnType<OidcRelyingParty['start']>>;
    try {
      start = await oidc.start(redirectUri);
    } catch (e: unknown) {
      options.logError?.(e);
      return problemPage(
        c,
        503,
        'Fournisseur d’identité injoignable',
        `${oidc.mapping.providerName} ne répond pas pour l’instant. Réessayez dans un instant, ou connectez-vous avec votre adresse e-mail et votre mot de passe.`,
      );
    }
    const exp = Math.floor(deps.clock.now().getTime() / 1000) + pendingAuthorizationSeconds;
    const sealed = sealPendingAuthorization(
      { state: start.state, nonce: start.nonce, codeVerifier: start.codeVerifier, retour, exp },
      deps.tokenKeys,
    );
    // Lax: the provider sends the browser back with a top-level GET, which carries it.
    setCookie(c, oidcCookieName, sealed, {
      path: oidcCookiePath,
      httpOnly: true,
      sameSite: 'Lax',
      secure: isHttps(c),
      maxAge: pendingAuthorizationSeconds,
    });
    return c.redirect(start.url, 303);
  });

  app.get('/connexion/oidc/retour', async (c) => {
    const oidc = options.oidc;
    if (!oidc) throw new NotFoundError('Page', c.req.path);
    const provider = oidc.mapping.providerName;
    const pending = openPendingAuthorization(getCookie(c, oidcCookieName), deps.tokenKeys, Math.floor(deps.clock.now().getTime() / 1000));
    // One attempt per cookie: whatever happens next, it is spent.
    deleteCookie(c, oidcCookieName, { path: oidcCookiePath });
    const again = `Recommencez depuis la page de connexion.`;
    if (!pending || c.req.query('state') !== pending.state)
      return problemPage(
        c,
        400,
        'Connexion non vérifiée',
        `Le retour de ${provider} ne correspond à aucune connexion en cours sur ce navigateur (délai de 10 minutes dépassé, ou lien altéré). ${again}`,
      );
    if (c.req.query('error'))
      return problemPage(c, 403, 'Connexion refusée', `${provider} n’a pas confirmé votre identité (${c.req.query('error')}). ${again}`);

    let claims: Record<string, unknown>;
    try {
      claims = await oidc.finish(redirectUri, new URL(c.req.url).search, pending);
    } catch (e: unknown) {
      options.logError?.(e);
      return problemPage(c, 400, 'Connexion non vérifiée', `La réponse de ${provider} n’a pas pu être vérifiée. ${again}`);
    }
    try {
      const opened = await oidcSignIn(deps, { claims, mapping: oidc.mapping, previousCookie: getCookie(c, sessionCookieName) });
      setSessionCookie(c, opened);
      setNotice(c, `Bienvenue, ${opened.user.name}.`);
      return c.redirect(pending.retour, 303);
    } catch (e: unknown) {
      if (e instanceof OidcSignInRefusedError) return problemPage(c, 403, 'Accès refusé', e.message);
      throw e;
    }
  });

  return app;
}

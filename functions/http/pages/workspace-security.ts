import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import {
  csrfFieldName,
  csrfHeaderName,
  noticeCookieName,
  preSessionCookieName,
  sessionCookieName,
  type WorkspaceAuth,
  type WorkspaceEnv,
} from './workspace-env';

/** True when the request came over https (directly, or as the edge says). */
export const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';

/**
 * Scripts: only the app's own files, each with this response's nonce; no inline handlers, no
 * eval (htmx runs with allowEval off). Styles allow inline because the preview shows the real
 * mail (MJML writes style attributes and blocks) in a sandboxed srcdoc iframe, which inherits
 * this policy; a nonce on style-src would disable 'unsafe-inline'.
 */
export function contentSecurityPolicy(nonce: string, formActionSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-src 'self'",
    "frame-ancestors 'none'",
    // A page whose form posts straight to S3 (presigned upload) names that origin, nothing wider.
    ["form-action 'self'", ...formActionSources].join(' '),
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Nonce, security headers and the notice carried across a redirect. */
export const securityHeaders = (): MiddlewareHandler<WorkspaceEnv> => async (c, next) => {
  const nonce = randomBytes(16).toString('base64');
  c.set('nonce', nonce);
  const notice = getCookie(c, noticeCookieName);
  c.set('notice', notice ? decodeURIComponent(notice) : undefined);
  await next();
  // a notice is shown once: the page that displayed it clears it
  if (notice && c.res.headers.get('content-type')?.startsWith('text/html')) deleteCookie(c, noticeCookieName, { path: '/' });
  c.res.headers.set('content-security-policy', contentSecurityPolicy(nonce, c.get('formActionSources')));
  c.res.headers.set('x-content-type-options', 'nosniff');
  c.res.headers.set('referrer-policy', 'same-origin');
  c.res.headers.set('x-frame-options', 'DENY');
  c.res.headers.set('cache-control', 'no-store');
};

/** Shows `text` on the next page (the redirect's target), in the live region. */
export function setNotice(c: Context, text: string): void {
  setCookie(c, noticeCookieName, encodeURIComponent(text), { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c), maxAge: 60 });
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Who is signed in (from the session cookie) and the CSRF token for this request: the
 * session's, or before sign-in a random token kept in its own cookie (double submit).
 */
export const loadSession =
  (auth: WorkspaceAuth): MiddlewareHandler<WorkspaceEnv> =>
  async (c, next) => {
    const cookie = getCookie(c, sessionCookieName);
    const session = cookie ? await auth.resolve(cookie) : undefined;
    if (session) {
      c.set('session', session);
      c.set('user', session.user);
      c.set('actor', { id: session.user.id, name: session.user.name, role: session.user.role });
      c.set('csrfToken', session.csrfToken);
    } else {
      let token = getCookie(c, preSessionCookieName);
      if (!token || !/^[A-Za-z0-9_-]{32,64}$/.test(token)) {
        token = randomBytes(24).toString('base64url');
        setCookie(c, preSessionCookieName, token, { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c) });
      }
      c.set('csrfToken', token);
    }
    await next();
  };

export class CsrfError extends Error {
  constructor() {
    super('CSRF token missing or wrong');
    this.name = 'CsrfError';
  }
}

/**
 * Every state-changing request must carry the CSRF token: in the form field `_csrf`, or in the
 * `X-CSRF-Token` header that htmx adds. Refused with 403 otherwise.
 */
export const requireCsrf = (): MiddlewareHandler<WorkspaceEnv> => async (c, next) => {
  if (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) return next();
  let given = c.req.header(csrfHeaderName);
  if (!given) {
    const type = c.req.header('content-type') ?? '';
    if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
      const form = await c.req.parseBody({ all: true });
      const value = form[csrfFieldName];
      given = typeof value === 'string' ? value : undefined;
    }
  }
  if (!given || !same(given, c.get('csrfToken'))) throw new CsrfError();
  return next();
};

/** Pages behind sign-in: without a live session, go to the sign-in page (and come back after). */
export const requireUser = (): MiddlewareHandler<WorkspaceEnv> => async (c, next) => {
  if (c.get('session')) return next();
  if (c.req.header('hx-request')) {
    c.header('HX-Redirect', '/connexion');
    return c.body(null, 401);
  }
  if (c.req.method !== 'GET') return c.redirect('/connexion', 303);
  const back = new URL(c.req.url);
  const next_ = back.pathname === '/' ? '' : `?retour=${encodeURIComponent(back.pathname + back.search)}`;
  return c.redirect(`/connexion${next_}`, 303);
};

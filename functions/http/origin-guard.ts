import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';

/**
 * The edge (infra/constructs/edge.ts) is the only way in: CloudFront adds this header with a
 * secret value to every origin request, and the api refuses requests without it, so nobody can
 * call the API Gateway endpoint directly around AWS WAF.
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/**
 * The viewer's address as CloudFront saw the connection, written by a CloudFront viewer-request
 * function over whatever the client sent. Trustworthy only behind `originGuard`.
 */
export const VIEWER_ADDRESS_HEADER = 'x-viewer-address';

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Refuses (403) every request whose origin-verify header matches none of `secrets` (the current
 * value, and the previous one while a rotation reaches every CloudFront edge).
 */
export function originGuard(secrets: readonly string[]): MiddlewareHandler {
  const accepted = secrets.map((s) => s.trim()).filter((s) => s.length >= 16);
  if (accepted.length === 0) throw new Error('originGuard: no origin-verify secret of at least 16 characters');
  return async (c, next) => {
    const presented = c.req.header(ORIGIN_VERIFY_HEADER);
    if (presented === undefined || !accepted.some((s) => same(s, presented))) {
      return c.text('Accès refusé : passez par l’adresse publique du site.', 403);
    }
    await next();
  };
}

/** The client address for rate limits behind CloudFront (see VIEWER_ADDRESS_HEADER). */
export const edgeClientAddress = (c: Context): string => c.req.header(VIEWER_ADDRESS_HEADER)?.trim() || 'inconnu';

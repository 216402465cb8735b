import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TokenKeyRing } from '../../domain/tokens';

/**
 * What the browser carries between leaving for the provider and coming back: the state and
 * nonce to expect, the PKCE verifier, where to go afterwards. Kept in a short-lived cookie,
 * signed with the link-signing keys so that it cannot be forged or altered; nothing is stored.
 */
export interface PendingAuthorization {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** Path of this site to go back to after sign-in. */
  readonly retour: string;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
}

/** Ten minutes to sign in at the provider (and complete MFA) before the attempt lapses. */
export const pendingAuthorizationSeconds = 10 * 60;

const purpose = 'oidc-pending';
const mac = (secret: string, data: string) => createHmac('sha256', secret).update(`${purpose}.${data}`).digest();

const secretFor = (ring: TokenKeyRing, kid: string) =>
  Object.hasOwn(ring.keys, kid) && typeof ring.keys[kid] === 'string' && ring.keys[kid] !== '' ? ring.keys[kid] : undefined;

export function sealPendingAuthorization(pending: PendingAuthorization, ring: TokenKeyRing): string {
  const secret = secretFor(ring, ring.currentKeyId);
  if (!secret) throw new Error(`token key ring has no key for currentKeyId "${ring.currentKeyId}"`);
  const body = `${ring.currentKeyId}.${Buffer.from(JSON.stringify(pending)).toString('base64url')}`;
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** The pending authorization a cookie holds, or undefined when absent, altered, signed with an unknown key or expired. */
export function openPendingAuthorization(
  cookie: string | undefined,
  ring: TokenKeyRing,
  nowSeconds: number,
): PendingAuthorization | undefined {
  const parts = cookie?.split('.') ?? [];
  if (parts.length !== 3) return undefined;
  const [kid, payload, signature] = parts as [string, string, string];
  const secret = secretFor(ring, kid);
  if (!secret) return undefined;
  const expected = mac(secret, `${kid}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let pending: unknown;
  try {
    pending = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof pending !== 'object' || pending === null) return undefined;
  const p = pending as Record<string, unknown>;
  const strings = ['state', 'nonce', 'codeVerifier', 'retour'].every((k) => typeof p[k] === 'string' && p[k] !== '');
  if (!strings || typeof p.exp !== 'number' || p.exp < nowSeconds) return undefined;
  return pending as PendingAuthorization;
}

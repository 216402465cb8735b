import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from './errors';

/** Signing keys by id; `currentKeyId` signs, every key verifies, so keys rotate without breaking old links. */
export interface TokenKeyRing {
  readonly currentKeyId: string;
  readonly keys: Readonly<Record<string, string>>;
}

export type TokenPurpose = 'unsubscribe' | 'preferences' | 'confirm';

export interface TokenClaims {
  readonly purpose: TokenPurpose;
  readonly subscriberId: string;
  readonly listIds?: readonly string[];
  readonly campaignId?: string;
  /** Expiry, seconds since the epoch. */
  readonly exp?: number;
  /** Issue date, seconds since the epoch: links checked with a `maxAgeSeconds` need it. */
  readonly iat?: number;
}

/**
 * A preferences link works for a year after the mail that carried it; each mail carries a
 * fresh one, so a reader of the last mail always has a working link.
 */
export const preferencesLinkMaxAgeSeconds = 365 * 24 * 3600;

/** The secret for a key id, looked up as an own property only (`constructor` or `__proto__` are not keys). */
function secretFor(ring: TokenKeyRing, kid: string): string | undefined {
  if (!Object.hasOwn(ring.keys, kid)) return undefined;
  const secret = ring.keys[kid];
  return typeof secret === 'string' && secret !== '' ? secret : undefined;
}

export class InvalidTokenError extends DomainError {
  constructor(reason: string) {
    super('invalid_token', `Lien invalide ou expiré (${reason}).`);
  }
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const mac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest();

export function signToken(claims: TokenClaims, ring: TokenKeyRing): string {
  const secret = secretFor(ring, ring.currentKeyId);
  if (!secret) throw new Error(`token key ring has no key for currentKeyId "${ring.currentKeyId}"`);
  const body = `${ring.currentKeyId}.${b64(JSON.stringify(claims))}`;
  return `${body}.${b64(mac(secret, body))}`;
}

export function verifyToken(
  token: string,
  ring: TokenKeyRing,
  nowSeconds: number,
  purpose: TokenPurpose,
  options: { maxAgeSeconds?: number } = {},
): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidTokenError('format');
  const [kid, payload, signature] = parts as [string, string, string];
  const secret = secretFor(ring, kid);
  if (!secret) throw new InvalidTokenError('clé inconnue');
  const expected = mac(secret, `${kid}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidTokenError('signature');
  let claims: TokenClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
  } catch (e: unknown) {
    throw new InvalidTokenError(e instanceof Error ? 'contenu illisible' : 'contenu');
  }
  if (typeof claims !== 'object' || claims === null) throw new InvalidTokenError('contenu');
  if (claims.purpose !== purpose) throw new InvalidTokenError('usage');
  if (claims.exp !== undefined && claims.exp < nowSeconds) throw new InvalidTokenError('expiré');
  // A link with no issue date cannot be shown to be recent enough: refused where an age limit applies.
  if (options.maxAgeSeconds !== undefined && (typeof claims.iat !== 'number' || claims.iat + options.maxAgeSeconds < nowSeconds))
    throw new InvalidTokenError('expiré');
  return claims;
}

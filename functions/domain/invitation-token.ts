import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidTokenError, type TokenKeyRing } from './tokens';

/** An invitation link works for 48 hours, once. */
export const invitationValidSeconds = 48 * 3600;

export interface InvitationClaims {
  readonly userId: string;
  /** Must equal the account's `invitationNonce`: a used or replaced invitation no longer matches. */
  readonly nonce: string;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');
// Domain separation: the same key ring signs subscriber links; an invitation MAC never equals one of theirs.
const mac = (secret: string, data: string) => createHmac('sha256', secret).update(`invitation\u0000${data}`).digest();
const secretFor = (ring: TokenKeyRing, kid: string) =>
  Object.hasOwn(ring.keys, kid) && typeof ring.keys[kid] === 'string' && ring.keys[kid] !== '' ? ring.keys[kid] : undefined;

/** `<kid>.<claims>.<hmac>`, signed with the ring's current key (keys rotate without breaking links). */
export function signInvitation(claims: InvitationClaims, ring: TokenKeyRing): string {
  const secret = secretFor(ring, ring.currentKeyId);
  if (!secret) throw new Error(`token key ring has no key for currentKeyId "${ring.currentKeyId}"`);
  const body = `${ring.currentKeyId}.${b64(JSON.stringify(claims))}`;
  return `${body}.${b64(mac(secret, body))}`;
}

/** The claims of a genuine, unexpired invitation; InvalidTokenError (French) otherwise. */
export function verifyInvitation(token: string, ring: TokenKeyRing, nowSeconds: number): InvitationClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidTokenError('format');
  const [kid, payload, signature] = parts as [string, string, string];
  const secret = secretFor(ring, kid);
  if (!secret) throw new InvalidTokenError('clé inconnue');
  const expected = mac(secret, `${kid}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidTokenError('signature');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidTokenError('contenu illisible');
  }
  const c = claims as Partial<InvitationClaims> | null;
  if (!c || typeof c.userId !== 'string' || typeof c.nonce !== 'string' || typeof c.exp !== 'number')
    throw new InvalidTokenError('contenu');
  if (c.exp < nowSeconds) throw new InvalidTokenError('expiré');
  return { userId: c.userId, nonce: c.nonce, exp: c.exp };
}

import { describe, expect, it } from 'vitest';
import { InvalidTokenError, signToken, type TokenKeyRing, verifyToken } from '../../../functions/domain/tokens';

const ring: TokenKeyRing = { currentKeyId: 'k1', keys: { k1: 'first-secret' } };
const now = 1_800_000_000;

describe('link tokens', () => {
  it('round-trips the claims it signed', () => {
    const token = signToken({ purpose: 'unsubscribe', subscriberId: 's1', campaignId: 'c1' }, ring);
    expect(verifyToken(token, ring, now, 'unsubscribe')).toEqual({ purpose: 'unsubscribe', subscriberId: 's1', campaignId: 'c1' });
  });

  it('keeps old links valid after the signing key rotates', () => {
    const old = signToken({ purpose: 'unsubscribe', subscriberId: 's1' }, ring);
    const rotated: TokenKeyRing = { currentKeyId: 'k2', keys: { k1: 'first-secret', k2: 'second-secret' } };
    expect(verifyToken(old, rotated, now, 'unsubscribe').subscriberId).toBe('s1');
    expect(signToken({ purpose: 'unsubscribe', subscriberId: 's1' }, rotated).startsWith('k2.')).toBe(true);
  });

  it('refuses an altered payload, a forged signature, another purpose, an unknown key and an expired link', () => {
    const token = signToken({ purpose: 'unsubscribe', subscriberId: 's1', exp: now + 10 }, ring);
    const [kid, payload, sig] = token.split('.') as [string, string, string];
    const altered = `${kid}.${Buffer.from(JSON.stringify({ purpose: 'unsubscribe', subscriberId: 's2', exp: now + 10 })).toString('base64url')}.${sig}`;
    expect(() => verifyToken(altered, ring, now, 'unsubscribe')).toThrow(InvalidTokenError);
    expect(() => verifyToken(`${kid}.${payload}.AAAA`, ring, now, 'unsubscribe')).toThrow(InvalidTokenError);
    expect(() => verifyToken(token, ring, now, 'preferences')).toThrow(/usage/);
    expect(() => verifyToken(`k9.${payload}.${sig}`, ring, now, 'unsubscribe')).toThrow(/clé inconnue/);
    expect(() => verifyToken(token, ring, now + 11, 'unsubscribe')).toThrow(/expiré/);
    expect(() => verifyToken('not-a-token', ring, now, 'unsubscribe')).toThrow(/format/);
  });
});

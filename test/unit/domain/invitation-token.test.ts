import { describe, expect, it } from 'vitest';
import { signInvitation, verifyInvitation } from '../../../functions/domain/invitation-token';
import { signToken, verifyToken } from '../../../functions/domain/tokens';

const ring = { currentKeyId: 'k1', keys: { k1: 'secret-one' } };
const now = 1_800_000_000;

describe('invitation links', () => {
  it('verifies a genuine link until its expiry, and after a key rotation', () => {
    const token = signInvitation({ userId: 'u1', nonce: 'n1', exp: now + 10 }, ring);
    const rotated = { currentKeyId: 'k2', keys: { k1: 'secret-one', k2: 'secret-two' } };

    expect(verifyInvitation(token, ring, now)).toEqual({ userId: 'u1', nonce: 'n1', exp: now + 10 });
    expect(verifyInvitation(token, rotated, now).userId).toBe('u1');
    expect(() => verifyInvitation(token, ring, now + 11)).toThrow('Lien invalide ou expiré (expiré).');
  });

  it('refuses a link signed with another key, or changed', () => {
    const token = signInvitation({ userId: 'u1', nonce: 'n1', exp: now + 10 }, ring);
    const [kid, , sig] = token.split('.') as [string, string, string];
    const other = Buffer.from(JSON.stringify({ userId: 'admin', nonce: 'n1', exp: now + 10 })).toString('base64url');

    expect(() => verifyInvitation(`${kid}.${other}.${sig}`, ring, now)).toThrow('(signature)');
    expect(() => verifyInvitation(token, { currentKeyId: 'k1', keys: { k1: 'another' } }, now)).toThrow('(signature)');
    expect(() => verifyInvitation('constructor.x.y', ring, now)).toThrow('(clé inconnue)');
  });

  it('is not interchangeable with the subscribers’ links signed by the same key ring', () => {
    const unsubscribe = signToken({ purpose: 'unsubscribe', subscriberId: 'u1' }, ring);
    const invitation = signInvitation({ userId: 'u1', nonce: 'n1', exp: now + 10 }, ring);

    expect(() => verifyInvitation(unsubscribe, ring, now)).toThrow('(signature)');
    expect(() => verifyToken(invitation, ring, now, 'unsubscribe')).toThrow('(signature)');
  });
});

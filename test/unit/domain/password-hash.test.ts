import { describe, expect, it } from 'vitest';
import { decoyHash, hashPassword, verifyPassword } from '../../../functions/domain/password-hash';

const cheap = { logN: 10, r: 8, p: 1 };

describe('password hashing (scrypt)', () => {
  it('stores the parameters and a random salt with the hash, and verifies the right password only', async () => {
    const a = await hashPassword('un mot de passe solide', cheap);
    const b = await hashPassword('un mot de passe solide', cheap);

    expect(a).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('un mot de passe solide', a)).toBe(true);
    expect(await verifyPassword('un mot de passe solidE', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('uses N = 2^15 by default', async () => {
    expect(await hashPassword('un mot de passe solide')).toMatch(/^scrypt\$15\$8\$1\$/);
  });

  it('treats the same text in another Unicode form as the same password', async () => {
    const composed = await hashPassword('mot de passe déjà vu', cheap);

    expect(await verifyPassword('mot de passe de\u0301ja\u0300 vu', composed)).toBe(true);
  });

  it('refuses malformed or out-of-range stored hashes, and the decoy matches nothing', async () => {
    const good = await hashPassword('un mot de passe solide', cheap);

    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('un mot de passe solide', good.replace('scrypt$10', 'scrypt$30'))).toBe(false);
    expect(await verifyPassword('un mot de passe solide', good.slice(0, -4))).toBe(false);
    expect(await verifyPassword('', decoyHash)).toBe(false);
  });
});

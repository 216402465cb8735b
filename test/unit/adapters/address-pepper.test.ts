import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressKey } from '../../../functions/domain/email-hash';
import { addressPepperFromSecret, parseKeyRingSecret } from '../../../functions/worker-wiring';
import { loadOrCreateLocalSecrets } from '../../../local/secrets';

describe('the address pepper (HMAC of suppressions)', () => {
  it('keys an address so that neither its plain SHA-256 nor another pepper matches it', () => {
    const email = 'lea.martin@example.org';
    const key = addressKey('pepper-one-0123456789', email);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).toBe(addressKey('pepper-one-0123456789', email));
    expect(key).not.toBe(createHash('sha256').update(email).digest('hex'));
    expect(key).not.toBe(addressKey('pepper-two-0123456789', email));
    expect(() => addressKey('short', email)).toThrow(/too short/);
  });

  it('comes, in AWS, from the token-keys secret: its own field if set, else derived from k1 and stable across link-key rotation', () => {
    const ring = JSON.stringify({ currentKeyId: 'k1', k1: 'first-link-key' });
    const rotated = JSON.stringify({ currentKeyId: 'k2', k1: 'first-link-key', k2: 'second-link-key' });
    const explicit = JSON.stringify({ currentKeyId: 'k1', k1: 'first-link-key', addressPepper: 'operator-set-pepper-0123' });

    expect(addressPepperFromSecret(ring)).toBe(addressPepperFromSecret(rotated));
    expect(addressPepperFromSecret(ring)).not.toContain('first-link-key');
    expect(addressPepperFromSecret(explicit)).toBe('operator-set-pepper-0123');
    expect(() => addressPepperFromSecret(JSON.stringify({ currentKeyId: 'k9', k9: 'x' }))).toThrow(/k1/);
    // the pepper is not a link-signing key
    expect(parseKeyRingSecret(explicit)).toEqual({ currentKeyId: 'k1', keys: { k1: 'first-link-key' } });
  });

  it('is generated locally once into the data folder, private, and read back unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'communique-secrets-'));
    try {
      const first = loadOrCreateLocalSecrets(dir, 'token');
      const again = loadOrCreateLocalSecrets(dir, 'token');
      expect(first.addressPepper.length).toBeGreaterThanOrEqual(32);
      expect(again.addressPepper).toBe(first.addressPepper);
      expect(statSync(join(dir, 'address-pepper')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

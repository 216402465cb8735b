import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenKeyRing } from '../functions/domain/tokens';

/**
 * Local secrets are generated on first start into the data folder (never committed): the
 * admin token (unless COMMUNIQUE_ADMIN_TOKEN is set), the link-signing key ring, and the pepper of
 * the HMAC that suppressions are kept under (never regenerated: a new one forgets every suppression).
 */
export function loadOrCreateLocalSecrets(
  dataDir: string,
  adminTokenFromEnv?: string,
): { adminToken: string; tokenKeys: TokenKeyRing; addressPepper: string } {
  mkdirSync(dataDir, { recursive: true });
  const tokenFile = join(dataDir, 'admin-token');
  let adminToken = adminTokenFromEnv;
  if (!adminToken) {
    if (!existsSync(tokenFile)) writeFileSync(tokenFile, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
    adminToken = readFileSync(tokenFile, 'utf8').trim();
  } else {
    writeFileSync(tokenFile, `${adminToken}\n`, { mode: 0o600 });
  }
  const keysFile = join(dataDir, 'token-keys.json');
  if (!existsSync(keysFile)) {
    const ring: TokenKeyRing = { currentKeyId: 'k1', keys: { k1: randomBytes(32).toString('base64url') } };
    writeFileSync(keysFile, JSON.stringify(ring, null, 2), { mode: 0o600 });
  }
  const tokenKeys = JSON.parse(readFileSync(keysFile, 'utf8')) as TokenKeyRing;
  const pepperFile = join(dataDir, 'address-pepper');
  if (!existsSync(pepperFile)) writeFileSync(pepperFile, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  const addressPepper = readFileSync(pepperFile, 'utf8').trim();
  return { adminToken, tokenKeys, addressPepper };
}

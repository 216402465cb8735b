import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppDeps } from '../functions/app/deps';
import { ensureFirstAdmin } from '../functions/app/first-admin';

/** The first admin's sign-in as `npm start` wrote it: `$DATA_DIR/first-admin.json`, mode 0600. */
export interface FirstAdminCredentials {
  readonly email: string;
  readonly password: string;
}

export const firstAdminFile = (dataDir: string) => join(dataDir, 'first-admin.json');

/** Reads `$DATA_DIR/first-admin.json` (tests and browser tests sign in with it); undefined when absent. */
export function readFirstAdmin(dataDir: string): FirstAdminCredentials | undefined {
  const file = firstAdminFile(dataDir);
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<FirstAdminCredentials>;
  if (typeof parsed.email !== 'string' || typeof parsed.password !== 'string')
    throw new Error(`${file}: expected {"email": …, "password": …}`);
  return { email: parsed.email, password: parsed.password };
}

/**
 * On first start (no account ever created), the first admin account: COMMUNIQUE_ADMIN_EMAIL and
 * COMMUNIQUE_ADMIN_PASSWORD when set, otherwise admin@communique.localhost and a generated
 * password. Its sign-in goes to `$DATA_DIR/first-admin.json`, readable by its owner only.
 */
export async function ensureLocalFirstAdmin(
  deps: AppDeps,
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ created: boolean; file: string; credentials?: FirstAdminCredentials }> {
  const file = firstAdminFile(dataDir);
  const result = await ensureFirstAdmin(deps, {
    email: env.COMMUNIQUE_ADMIN_EMAIL || undefined,
    password: env.COMMUNIQUE_ADMIN_PASSWORD || undefined,
  });
  if (!result.created) return { created: false, file, credentials: readFirstAdmin(dataDir) };
  const credentials = { email: result.email, password: result.password };
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync's mode only applies to a new file: a stale one keeps its mode otherwise.
  chmodSync(file, 0o600);
  return { created: true, file, credentials };
}

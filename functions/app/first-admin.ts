import { randomBytes } from 'node:crypto';
import { bootstrapAdmin } from '../domain/actor';
import { hashPassword } from '../domain/password-hash';
import { accountEmail, checkNewPassword, checkUserName, type UserAccount } from '../domain/user-account';
import { audit } from './audit-log';
import type { AppDeps } from './deps';

export const defaultFirstAdminEmail = 'admin@communique.localhost';

export type FirstAdmin = { readonly created: true; readonly email: string; readonly password: string } | { readonly created: false };

/**
 * The first account of an empty workspace, an admin, so that someone can sign in and invite the
 * others. Its password is generated unless given; it is returned once, to be shown to the person
 * starting the workspace. Does nothing when an account was ever created.
 */
export async function ensureFirstAdmin(
  deps: Pick<AppDeps, 'users' | 'store' | 'clock' | 'newId'>,
  input: { email?: string; password?: string; name?: string } = {},
): Promise<FirstAdmin> {
  const email = accountEmail(input.email ?? defaultFirstAdminEmail, 'COMMUNIQUE_ADMIN_EMAIL');
  const password = input.password ?? randomBytes(18).toString('base64url');
  checkNewPassword(password, 'COMMUNIQUE_ADMIN_PASSWORD');
  const at = deps.clock.now().toISOString();
  const user: UserAccount = {
    id: deps.newId(),
    email,
    name: checkUserName(input.name ?? 'Administrateur'),
    role: 'admin',
    status: 'active',
    passwordHash: await hashPassword(password),
    sessionEpoch: 0,
    createdAt: at,
    updatedAt: at,
  };
  if (!(await deps.users.createFirstUser(user))) return { created: false };
  await audit(deps, bootstrapAdmin, 'user.first-admin', 'user', user.id, email);
  return { created: true, email, password };
}

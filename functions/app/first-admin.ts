import { randomBytes } from 'node:crypto';
import { bootstrapAdmin } from '../domain/actor';
import { ConflictError, ValidationError } from '../domain/errors';
import { hashPassword } from '../domain/password-hash';
import { accountEmail, checkNewPassword, checkUserName, type UserAccount } from '../domain/user-account';
import { audit } from './audit-log';
import type { AppDeps } from './deps';
import { type OpenedSession, openSession } from './workspace-sessions';

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
  // A cheap look first: the hash below costs tens of milliseconds.
  if ((await deps.users.listUsers()).length > 0) return { created: false };
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

/**
 * Where `npm start` does not run (AWS), the holder of the admin bearer token creates the first
 * account from the sign-in page, and is signed in. Refused once any account exists.
 */
export async function createFirstAdminAccount(
  deps: Pick<AppDeps, 'users' | 'store' | 'clock' | 'newId'>,
  input: { name: string; email: string; password: string; confirmation: string },
): Promise<OpenedSession & { user: UserAccount }> {
  const name = checkUserName(input.name);
  const email = accountEmail(input.email);
  checkNewPassword(input.password);
  if (input.password !== input.confirmation) throw new ValidationError('Les deux mots de passe ne sont pas identiques.', 'confirmation');
  const made = await ensureFirstAdmin(deps, { name, email, password: input.password });
  const user = made.created ? await deps.users.getUserByEmail(email) : undefined;
  if (!user) throw new FirstAccountExistsError();
  return { ...(await openSession(deps, user)), user };
}

export class FirstAccountExistsError extends ConflictError {
  constructor() {
    super('Le premier compte existe déjà : connectez-vous, ou demandez une invitation à un administrateur.');
  }
}

import { type Actor, assertCan, type Role, roles } from '../domain/actor';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import type { UserAccount } from '../domain/user-account';
import { audit } from './audit-log';
import type { AppDeps } from './deps';

export function parseRole(raw: string, field = 'role'): Role {
  if (!(roles as readonly string[]).includes(raw)) throw new ValidationError('Choisissez un rôle dans la liste.', field);
  return raw as Role;
}

/** Everyone who may sign in, or was invited, or was: admins only. */
export async function listUsers(deps: Pick<AppDeps, 'users'>, actor: Actor): Promise<UserAccount[]> {
  assertCan(actor, 'users:manage');
  return deps.users.listUsers();
}

export async function getUserAccount(deps: Pick<AppDeps, 'users'>, actor: Actor, userId: string): Promise<UserAccount> {
  assertCan(actor, 'users:manage');
  const user = await deps.users.getUser(userId);
  if (!user) throw new NotFoundError('Compte', userId);
  return user;
}

/** The workspace never loses its last way in: an active admin must remain. */
async function assertAnotherAdminRemains(deps: Pick<AppDeps, 'users'>, target: UserAccount): Promise<void> {
  if (target.role !== 'admin' || target.status !== 'active') return;
  const others = (await deps.users.listUsers()).filter((u) => u.id !== target.id && u.role === 'admin' && u.status === 'active');
  if (others.length === 0)
    throw new ConflictError('Il doit rester au moins un administrateur actif : nommez-en un autre avant de changer ce compte.');
}

/** A new role ends the person's sessions everywhere: they sign in again under it. */
export async function changeUserRole(deps: AppDeps, actor: Actor, userId: string, rawRole: string): Promise<UserAccount> {
  const target = await getUserAccount(deps, actor, userId);
  const role = parseRole(rawRole);
  if (role === target.role) return target;
  if (role !== 'admin') await assertAnotherAdminRemains(deps, target);
  const changed = await deps.users.changeUser(userId, { role }, deps.clock.now().toISOString());
  if (!changed) throw new NotFoundError('Compte', userId);
  await audit(deps, actor, 'user.role', 'user', userId, `${target.role} → ${role} (${target.email})`);
  return changed;
}

/** The account may no longer sign in; its sessions end at once. Its history stays (audit log). */
export async function deactivateUser(deps: AppDeps, actor: Actor, userId: string): Promise<UserAccount> {
  const target = await getUserAccount(deps, actor, userId);
  if (target.status === 'deactivated') return target;
  await assertAnotherAdminRemains(deps, target);
  const changed = await deps.users.changeUser(userId, { status: 'deactivated' }, deps.clock.now().toISOString());
  if (!changed) throw new NotFoundError('Compte', userId);
  await audit(deps, actor, 'user.deactivate', 'user', userId, target.email);
  return changed;
}

/** Opens a deactivated account again (with its former password, if it had one). */
export async function reactivateUser(deps: AppDeps, actor: Actor, userId: string): Promise<UserAccount> {
  const target = await getUserAccount(deps, actor, userId);
  if (target.status !== 'deactivated') return target;
  const status = target.passwordHash ? 'active' : 'invited';
  const changed = await deps.users.changeUser(userId, { status }, deps.clock.now().toISOString());
  if (!changed) throw new NotFoundError('Compte', userId);
  await audit(deps, actor, 'user.reactivate', 'user', userId, target.email);
  return changed;
}

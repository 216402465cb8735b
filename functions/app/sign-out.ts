import { audit } from './audit-log';
import type { AppDeps } from './deps';
import { storedSession } from './workspace-sessions';

/**
 * Signing out ends every session of the person, on every device (the account's epoch moves
 * on), not only this browser's: a forgotten session elsewhere closes too.
 */
export async function signOut(deps: AppDeps, cookieValue: string): Promise<void> {
  const session = await storedSession(deps, cookieValue);
  if (!session) return;
  const now = deps.clock.now().toISOString();
  await deps.users.endSessionsOf(session.userId, now);
  await deps.users.deleteSession(session.id);
  const user = await deps.users.getUser(session.userId);
  if (user) await audit(deps, user, 'user.sign-out', 'user', user.id);
}

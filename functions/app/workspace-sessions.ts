import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../domain/actor';
import { type SessionRecord, sessionLifetime, sessionState, type UserAccount } from '../domain/user-account';
import type { AppDeps } from './deps';

/** What a live session gives the workspace (the shape of SessionView). */
export interface ResolvedSession {
  readonly id: string;
  readonly user: Actor & { readonly email: string };
  readonly csrfToken: string;
}

export interface OpenedSession {
  /** Goes into the cookie; never stored. */
  readonly cookieValue: string;
  readonly session: SessionRecord;
}

const cookieShape = /^[A-Za-z0-9_-]{43}$/;

/** The table keeps only this hash: a leaked table does not hand out live sessions. */
export const sessionIdOf = (cookieValue: string) => createHash('sha256').update(cookieValue).digest('hex');

/** A new session for the person (not yet stored): 256 random bits in the cookie, a CSRF token bound to it. */
export function newSession(user: UserAccount, now: Date): OpenedSession {
  const cookieValue = randomBytes(32).toString('base64url');
  const at = now.toISOString();
  return {
    cookieValue,
    session: {
      id: sessionIdOf(cookieValue),
      userId: user.id,
      epoch: user.sessionEpoch,
      csrfToken: randomBytes(24).toString('base64url'),
      createdAt: at,
      lastSeenAt: at,
    },
  };
}

export async function openSession(deps: Pick<AppDeps, 'users' | 'clock'>, user: UserAccount): Promise<OpenedSession> {
  const opened = newSession(user, deps.clock.now());
  await deps.users.putSession(opened.session);
  return opened;
}

/** The stored session behind a cookie value, whether live or not (sign-out needs it). */
export async function storedSession(deps: Pick<AppDeps, 'users'>, cookieValue: string): Promise<SessionRecord | undefined> {
  if (!cookieShape.test(cookieValue)) return undefined;
  return deps.users.getSession(sessionIdOf(cookieValue));
}

/**
 * The live session behind a cookie value: undefined when forged, expired (12 h idle, 7 days in
 * all), or ended by sign-out, deactivation or a change of role (the account's epoch moved on).
 * The person is read afresh on every request, so a new name or role shows at once.
 */
export async function resolveSession(deps: Pick<AppDeps, 'users' | 'clock'>, cookieValue: string): Promise<ResolvedSession | undefined> {
  const session = await storedSession(deps, cookieValue);
  if (!session) return undefined;
  const user = await deps.users.getUser(session.userId);
  const now = deps.clock.now();
  if (sessionState(session, user, now) !== 'live' || !user) return undefined;
  if (now.getTime() - Date.parse(session.lastSeenAt) >= sessionLifetime.touchEverySeconds * 1000)
    await deps.users.touchSession(session.id, now.toISOString());
  return {
    id: session.id,
    user: { id: user.id, name: user.name, role: user.role, email: user.email },
    csrfToken: session.csrfToken,
  };
}

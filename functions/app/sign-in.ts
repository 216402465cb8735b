import { emailHash } from '../domain/email-hash';
import { DomainError } from '../domain/errors';
import { decoyHash, verifyPassword } from '../domain/password-hash';
import { accountEmail, type UserAccount } from '../domain/user-account';
import { audit } from './audit-log';
import type { AppDeps } from './deps';
import { type OpenedSession, openSession, storedSession } from './workspace-sessions';

/**
 * Sign-in attempts counted in fixed windows of 15 minutes, per account (guessing one person's
 * password) and per client address (trying many accounts). Every attempt counts, successful or
 * not, and is counted before the password is checked, so parallel guesses cannot overshoot.
 */
export const signInLimits = { windowSeconds: 15 * 60, perAccount: 10, perClient: 50 } as const;

export class SignInRateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super('rate_limited', `Trop de tentatives de connexion. Par sécurité, réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.`);
  }
}

/** One message for a wrong address, a wrong password or a closed account: no account enumeration. */
export class SignInRefusedError extends DomainError {
  constructor() {
    super('invalid', 'Adresse e-mail ou mot de passe incorrect.');
  }
}

export interface SignInInput {
  readonly email: string;
  readonly password: string;
  /** The client's address, as the runtime saw it (never a client-supplied header). */
  readonly client: string;
  /** The session cookie the browser already had, if any: it is ended (the session rotates). */
  readonly previousCookie?: string;
}

export async function signIn(deps: AppDeps, input: SignInInput): Promise<OpenedSession & { user: UserAccount }> {
  const now = deps.clock.now();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const retryAfter = signInLimits.windowSeconds - (nowSeconds % signInLimits.windowSeconds);
  if ((await deps.store.hit(`signin-client#${input.client}`, signInLimits.windowSeconds, now)) > signInLimits.perClient)
    throw new SignInRateLimitedError(retryAfter);

  let email: string | undefined;
  try {
    email = accountEmail(input.email);
  } catch {
    email = undefined;
  }
  const accountKey = emailHash(email ?? input.email.trim().toLowerCase());
  if ((await deps.store.hit(`signin-account#${accountKey}`, signInLimits.windowSeconds, now)) > signInLimits.perAccount)
    throw new SignInRateLimitedError(retryAfter);

  // Not even an address: no account to hide, nothing to hash.
  if (!email) throw new SignInRefusedError();
  const user = await deps.users.getUserByEmail(email);
  // The decoy makes an unknown address cost as much as a wrong password.
  const password = input.password.length <= 1000 ? input.password : '';
  const matches = await verifyPassword(password, user?.passwordHash ?? decoyHash);
  if (!user?.passwordHash || !matches || user.status !== 'active' || password === '') throw new SignInRefusedError();

  if (input.previousCookie) {
    const previous = await storedSession(deps, input.previousCookie);
    if (previous) await deps.users.deleteSession(previous.id);
  }
  const opened = await openSession(deps, user);
  await audit(deps, user, 'user.sign-in', 'user', user.id);
  return { ...opened, user };
}

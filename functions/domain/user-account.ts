import type { Role } from './actor';
import { normaliseEmail } from './email-address';
import { ConflictError, ValidationError } from './errors';

/** `invited`: the account waits for its invitation link; `deactivated`: may no longer sign in. */
export const userStatuses = ['active', 'invited', 'deactivated'] as const;
export type UserStatus = (typeof userStatuses)[number];

/** A person who signs in to the workspace. The id is stable for life: the audit log names it. */
export interface UserAccount {
  readonly id: string;
  /** Normalised (see `normaliseEmail`); unique among accounts. */
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly status: UserStatus;
  /** `scrypt$…` (see password-hash.ts); absent until the invitation is accepted. */
  readonly passwordHash?: string;
  /**
   * Sessions carry the epoch they were opened under; raising it ends every session of the
   * person at once (sign-out, deactivation, change of role), wherever they are.
   */
  readonly sessionEpoch: number;
  /** The live invitation's nonce: the link naming it works once, and a new invitation replaces it. */
  readonly invitationNonce?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const passwordMinLength = 12;
/** scrypt runs over the whole password: bounded so that a huge one cannot tie up the server. */
export const passwordMaxLength = 200;
export const userNameMaxLength = 120;

/** The rules a new password must meet, with the French message the form shows. */
export function checkNewPassword(password: string, field = 'password'): void {
  if ([...password].length < passwordMinLength)
    throw new ValidationError(`Le mot de passe doit compter au moins ${passwordMinLength} caractères.`, field);
  if ([...password].length > passwordMaxLength)
    throw new ValidationError(`Le mot de passe doit compter au plus ${passwordMaxLength} caractères.`, field);
}

export function checkUserName(raw: string, field = 'name'): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name === '') throw new ValidationError('Indiquez le nom de la personne.', field);
  if (name.length > userNameMaxLength) throw new ValidationError(`Le nom doit compter au plus ${userNameMaxLength} caractères.`, field);
  return name;
}

export function accountEmail(raw: string, field = 'email'): string {
  if (raw.trim() === '') throw new ValidationError('Indiquez l’adresse e-mail.', field);
  return normaliseEmail(raw, field);
}

/** How long a workspace session lives: ended after 12 h without use, and in any case after 7 days. */
export const sessionLifetime = {
  idleSeconds: 12 * 3600,
  absoluteSeconds: 7 * 24 * 3600,
  /** `lastSeenAt` is written at most this often, so that reading a page is not a write each time. */
  touchEverySeconds: 5 * 60,
} as const;

/** A stored session: the cookie holds a random token, the table only its hash (`id`). */
export interface SessionRecord {
  /** SHA-256 of the cookie's token, hex. */
  readonly id: string;
  readonly userId: string;
  /** The user's `sessionEpoch` when it was opened: a different one means it was ended. */
  readonly epoch: number;
  /** Random, kept server-side: every state-changing request must carry it. */
  readonly csrfToken: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
}

/** Whether a stored session still holds at `now` for this user, or why not. */
export function sessionState(
  session: SessionRecord,
  user: UserAccount | undefined,
  now: Date,
): 'live' | 'expired' | 'ended' | 'no-user' | 'inactive' {
  const t = now.getTime();
  if (t >= Date.parse(session.createdAt) + sessionLifetime.absoluteSeconds * 1000) return 'expired';
  if (t >= Date.parse(session.lastSeenAt) + sessionLifetime.idleSeconds * 1000) return 'expired';
  if (!user || user.id !== session.userId) return 'no-user';
  if (user.status !== 'active') return 'inactive';
  if (user.sessionEpoch !== session.epoch) return 'ended';
  return 'live';
}

/** When the table may drop the session item (DynamoDB TTL, seconds): its absolute end. */
export const sessionExpiresAtSeconds = (session: SessionRecord) =>
  Math.floor(Date.parse(session.createdAt) / 1000) + sessionLifetime.absoluteSeconds;

/** Two accounts never share an address. */
export class EmailTakenError extends ConflictError {
  readonly field = 'email';
  constructor() {
    super('Un compte existe déjà pour cette adresse e-mail.');
  }
}

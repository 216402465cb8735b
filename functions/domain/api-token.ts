import type { Role } from './actor';

/**
 * An API token as the settings page and `GET /api/tokens` show it: never the secret (only its
 * hash is stored, and the hash is not shown either).
 */
export interface ApiTokenRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  /** Absent: the token never expires (tokens made before expiry existed, or by choice through the API). */
  readonly expiresAt?: string;
  readonly revokedAt?: string;
  readonly lastUsedAt?: string;
  /** The name of who created it. */
  readonly createdBy?: string;
}

export type ApiTokenState = 'active' | 'expired' | 'revoked';

/** Revoked wins over expired: both refuse the token, the page says why. */
export function apiTokenState(token: Pick<ApiTokenRecord, 'expiresAt' | 'revokedAt'>, now: Date): ApiTokenState {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && token.expiresAt <= now.toISOString()) return 'expired';
  return 'active';
}

/** Lifetimes a token may be given (days); the longest is a year, so a forgotten token dies by itself. */
export const apiTokenLifetimes = [7, 30, 90, 365] as const;

/** The last use is written at most this often: a busy CLI must not turn each API call into a write. */
export const apiTokenUseGranularityMs = 60_000;

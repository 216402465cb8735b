import { createHash, createHmac } from 'node:crypto';

/**
 * A plain SHA-256 of the address. Anyone holding a candidate address can compute it, so it is
 * no protection for what outlives erasure: keep it for short-lived keys only (rate limits).
 */
export function emailHash(email: string): string {
  return createHash('sha256').update(email).digest('hex');
}

/**
 * What the store keeps instead of an address that must outlive erasure (suppressions, transient
 * bounce counts) or that must not be readable in the table (rate-limit keys): HMAC-SHA256 keyed
 * by a secret pepper. Without the pepper, a candidate address cannot be matched against it.
 * The pepper never changes: a new one would forget every suppression.
 */
export function addressKey(pepper: string, value: string): string {
  if (pepper.length < 16) throw new Error('address pepper too short (16 characters at least)');
  return createHmac('sha256', pepper).update(value).digest('hex');
}

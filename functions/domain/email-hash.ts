import { createHash } from 'node:crypto';

/** Suppressions and rate limits outlive erasure, so they are keyed by a hash of the address, never the address. */
export function emailHash(email: string): string {
  return createHash('sha256').update(email).digest('hex');
}

/** Why an address gets no mail. `soft-bounces`: too many transient bounces in a row. */
export const suppressionReasons = ['hard-bounce', 'soft-bounces', 'complaint', 'unsubscribed-all', 'erased', 'manual'] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

/**
 * Suppressions a publisher may lift from the workspace (an address fixed after a bounce, a
 * block put by hand). A complaint is the person's own refusal and an erasure a GDPR request:
 * neither is ever lifted there (only the person, by confirming a new sign-up, can come back).
 */
export const liftableSuppressionReasons: readonly string[] = ['manual', 'hard-bounce', 'soft-bounces'];

/** Which suppressions keep the address (to list and search them); an erasure never does. */
export const suppressionKeepsAddress = (reason: string) => reason !== 'erased';

/** One suppression as the workspace lists it. `key` is the keyed HMAC of the address, never the address. */
export interface SuppressionEntry {
  readonly key: string;
  readonly reason: string;
  readonly at: string;
  /** Absent for erasures, and for suppressions recorded before addresses were kept. */
  readonly email?: string;
}

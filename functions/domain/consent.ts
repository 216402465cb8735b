export const consentEvents = ['requested', 'confirmed', 'imported', 'unsubscribed', 'resubscribed', 'erased'] as const;
export type ConsentEventType = (typeof consentEvents)[number];
export type ConsentSource = 'form' | 'import' | 'admin' | 'api';
/** Professional press contacts may be written to on legitimate interest; everyone else on consent. */
export type LawfulBasis = 'consent' | 'legitimate-interest';

/** One line of a subscriber's append-only consent ledger: what a DPO asks to see. */
export interface ConsentRecord {
  readonly subscriberId: string;
  readonly listId?: string;
  readonly event: ConsentEventType;
  readonly at: string;
  readonly source: ConsentSource;
  readonly lawfulBasis: LawfulBasis;
  /** The exact text shown to the person and its version (forms), or why the basis applies (imports). */
  readonly wording?: string;
  readonly wordingVersion?: string;
  readonly ip?: string;
  readonly userAgent?: string;
  /** Who acted, for admin and import events (token role, file name). */
  readonly actor?: string;
}

/** Wording of the public sign-up form. A change of text is a new version: old records keep theirs. */
export const signupWording = {
  version: 'signup-2026-11',
  text: 'J’accepte de recevoir par e-mail les communiqués et annonces des listes cochées. Je peux me désinscrire à tout moment par le lien présent dans chaque message.',
} as const;

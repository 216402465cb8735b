import { z } from 'zod';
import { type Actor, assertCan } from '../domain/actor';
import { normaliseEmail } from '../domain/email-address';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { liftableSuppressionReasons, type SuppressionEntry } from '../domain/suppression';
import type { Page } from '../ports';
import { audit } from './audit-log';
import type { AppDeps } from './deps';

type Deps = Pick<AppDeps, 'store' | 'clock'>;

export interface SuppressionsView extends Page<SuppressionEntry> {
  readonly search?: string;
  /** Set when the search is a whole address: its suppression, found by its key even when erased (no address kept). */
  readonly exact?: { readonly email: string; readonly entry?: SuppressionEntry };
}

/**
 * The suppression list, newest first. A search that is a whole address looks it up by its key,
 * which also answers "is this address blocked?" for an erased one; any other text matches the
 * addresses kept on bounces, complaints, unsubscribes and manual blocks.
 */
export async function listSuppressionsView(
  deps: Deps,
  actor: Actor,
  options: { search?: string; cursor?: string },
): Promise<SuppressionsView> {
  assertCan(actor, 'audience:read');
  const search = options.search?.trim() || undefined;
  let exact: SuppressionsView['exact'];
  if (search?.includes('@')) {
    try {
      const email = normaliseEmail(search);
      exact = { email, entry: await entryOf(deps, email) };
    } catch (e: unknown) {
      if (!(e instanceof ValidationError)) throw e;
    }
  }
  const page = await deps.store.listSuppressions({ cursor: options.cursor, contains: search?.toLowerCase(), limit: 50 });
  return { ...page, search, exact };
}

/**
 * The suppression of an address. `suppressionOf` first: it also finds one kept under the old
 * plain-hash key, and moves it to the keyed one, where `suppressionEntryOf` then reads it.
 */
async function entryOf(deps: Deps, email: string): Promise<SuppressionEntry | undefined> {
  return (await deps.store.suppressionOf(email)) ? deps.store.suppressionEntryOf(email) : undefined;
}

const addSchema = z.object({
  email: z.string({ message: 'Indiquez une adresse e-mail.' }).trim().min(1, 'Indiquez une adresse e-mail.'),
  note: z.string().trim().max(500, 'La raison tient en 500 caractères au plus.').optional(),
});

/** Blocks an address by hand (a journalist who asked by phone, an address known to be wrong). */
export async function addManualSuppression(deps: Deps, actor: Actor, raw: unknown): Promise<SuppressionEntry> {
  assertCan(actor, 'audience:manage');
  const input = addSchema.parse(raw);
  const email = normaliseEmail(input.email);
  const existing = await entryOf(deps, email);
  if (existing) throw new ConflictError(`Cette adresse est déjà bloquée (${suppressionReasonText(existing.reason)}).`);
  await deps.store.suppress(email, 'manual', deps.clock.now().toISOString());
  const entry = await deps.store.suppressionEntryOf(email);
  if (!entry) throw new Error('suppression written but not found by its key');
  // The audit line names the suppression by its key: the address would outlive an erasure there.
  await audit(deps, actor, 'suppression.added', 'subscriber', entry.key, input.note || undefined);
  return entry;
}

export async function getSuppression(deps: Deps, actor: Actor, key: string): Promise<SuppressionEntry> {
  assertCan(actor, 'audience:read');
  const entry = await deps.store.suppressionByKey(key);
  if (!entry) throw new NotFoundError('Blocage', key);
  return entry;
}

export const canLiftSuppression = (entry: Pick<SuppressionEntry, 'reason'>) => liftableSuppressionReasons.includes(entry.reason);

const liftSchema = z.object({
  reason: z
    .string({ message: 'Dites pourquoi le blocage est levé.' })
    .trim()
    .min(3, 'Dites pourquoi le blocage est levé (trois caractères au moins).')
    .max(500, 'La raison tient en 500 caractères au plus.'),
});

/**
 * Lifts a manual or bounce suppression, with a reason that goes to the audit log. Complaints,
 * unsubscribes from everything and erasures are the person's own choices: refused (409).
 */
export async function liftSuppression(deps: Deps, actor: Actor, key: string, raw: unknown): Promise<SuppressionEntry> {
  assertCan(actor, 'audience:manage');
  const entry = await getSuppression(deps, actor, key);
  if (!canLiftSuppression(entry)) {
    throw new ConflictError(
      `Un blocage pour ${suppressionReasonText(entry.reason)} ne se lève pas depuis l’espace de travail : seule la personne peut revenir, en se réinscrivant.`,
    );
  }
  const { reason } = liftSchema.parse(raw);
  const lifted = await deps.store.liftSuppression(key, liftableSuppressionReasons);
  if (!lifted) throw new ConflictError('Ce blocage a changé entre-temps (levé, ou remplacé par une plainte) : rechargez la page.');
  await audit(deps, actor, 'suppression.lifted', 'subscriber', key, `${suppressionReasonText(lifted.reason)} : ${reason}`);
  return lifted;
}

const reasonTexts: Record<string, string> = {
  'hard-bounce': 'adresse en échec définitif',
  'soft-bounces': 'échecs temporaires répétés',
  complaint: 'plainte pour spam',
  'unsubscribed-all': 'désinscription de tous les envois',
  erased: 'effacement RGPD',
  manual: 'blocage manuel',
};

/** The reason in French, as the pages and messages say it. */
export const suppressionReasonText = (reason: string) => reasonTexts[reason] ?? reason;

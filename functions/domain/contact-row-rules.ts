import { createHash } from 'node:crypto';
import type { ZodError } from 'zod';
import { type MailingList, type Membership, type Subscriber, type SubscriberProfile, subscriberProfileSchema } from './audience';
import type { ConsentRecord, LawfulBasis } from './consent';
import { type ContactField, headerKey, type ResolvedColumns } from './contact-header-matching';
import { normaliseEmail } from './email-address';

/**
 * The rules one imported row follows: what makes it a contact (an address, a valid profile, the
 * first of its address in the file), and what importing it does to the audience (create, update,
 * leave alone, or never bring back a suppressed or unsubscribed address), with the consent record
 * that explains the membership. Pure: the caller reads and writes.
 */

export interface ValidRow {
  readonly line: number;
  readonly email: string;
  /** Duplicate detection key (see addressKey). */
  readonly key: string;
  readonly rawEmail: string;
  readonly profile: Partial<SubscriberProfile>;
}

export interface RowRefusal {
  readonly reason: string;
  readonly rawEmail?: string;
}

const mediumTypes = new Map<string, NonNullable<SubscriberProfile['mediumType']>>();
for (const [type, words] of Object.entries({
  print: [
    'print',
    'presse ecrite',
    'presse',
    'ecrite',
    'ecrit',
    'papier',
    'quotidien',
    'hebdomadaire',
    'hebdo',
    'mensuel',
    'magazine',
    'pqr',
    'pqn',
    'journal',
    'newspaper',
    'press',
  ],
  radio: ['radio'],
  tv: ['tv', 'tele', 'television', 'televise'],
  web: ['web', 'internet', 'en ligne', 'online', 'site', 'site web', 'pure player', 'numerique', 'digital'],
  agency: ['agency', 'agence', 'agence de presse', 'news agency'],
} as const)) {
  for (const w of words) mediumTypes.set(w, type as NonNullable<SubscriberProfile['mediumType']>);
}

const languages = new Map<string, string>([
  ['francais', 'fr'],
  ['french', 'fr'],
  ['anglais', 'en'],
  ['english', 'en'],
  ['allemand', 'de'],
  ['german', 'de'],
  ['deutsch', 'de'],
  ['espagnol', 'es'],
  ['spanish', 'es'],
  ['italien', 'it'],
  ['italian', 'it'],
]);

// Built once, at load: `.partial()` makes a new schema, and a schema built per row costs more
// than the row's validation itself.
const profileSchema = subscriberProfileSchema.partial();

const fieldLabels: Record<string, string> = {
  email: 'adresse e-mail',
  name: 'nom',
  organisation: 'organisation',
  role: 'fonction',
  outlet: 'média',
  mediumType: 'type de média',
  tags: 'thématiques',
  department: 'département',
  language: 'langue',
};

// Tab, LF and CR are the CSV's own business (line breaks inside a cell become spaces, see checkContactRow).
const controlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * One data row of the file: a valid row, or why it is refused. `firstLineOf` holds the line of
 * each address already accepted (by addressKey); the caller adds this row's once it is accepted.
 */
export function checkContactRow(
  fields: readonly string[],
  line: number,
  columns: ResolvedColumns,
  firstLineOf: ReadonlyMap<string, number>,
): ValidRow | RowRefusal {
  // A cell edited with Alt+Enter in Excel holds line breaks: one value, its breaks made single
  // spaces (names and roles are one line everywhere they are shown, and in mail headers).
  const value = (field: ContactField) => {
    const i = columns.index[field];
    return i === undefined ? '' : (fields[i] ?? '').replace(/[ \t]*[\r\n]+[ \t]*/g, ' ').trim();
  };
  const rawEmail = value('email').slice(0, 320);
  if (!rawEmail) return { reason: 'adresse e-mail manquante' };
  for (const { header, field } of columns.mapped) {
    if (controlChars.test(value(field))) return { reason: `caractère de contrôle interdit (colonne « ${header} »)`, rawEmail };
  }
  let email: string;
  try {
    email = normaliseEmail(rawEmail);
  } catch (e: unknown) {
    return { reason: e instanceof Error ? e.message : String(e), rawEmail };
  }
  const key = addressKey(email);
  const first = firstLineOf.get(key);
  if (first !== undefined) return { reason: `doublon de la ligne ${first}`, rawEmail };

  const profile: Record<string, unknown> = {};
  const name = value('name') || [value('firstName'), value('lastName')].filter(Boolean).join(' ');
  if (name) profile.name = name;
  for (const field of ['organisation', 'role', 'outlet', 'department'] as const) {
    const v = value(field);
    if (v) profile[field] = v;
  }
  const medium = value('mediumType');
  if (medium) {
    const type = mediumTypes.get(headerKey(medium));
    if (!type)
      return {
        reason: `type de média inconnu : « ${medium.slice(0, 60)} » (attendu : presse écrite, radio, télé, web ou agence)`,
        rawEmail,
      };
    profile.mediumType = type;
  }
  const tags = value('tags');
  if (tags)
    profile.tags = [
      ...new Set(
        tags
          .split(/[,|;]/)
          .map((t) => t.trim())
          .filter(Boolean),
      ),
    ];
  const language = value('language');
  if (language) {
    const key = headerKey(language);
    const code = languages.get(key) ?? (/^[a-z]{2,3}$/.test(key) ? key : undefined);
    if (!code) return { reason: `langue non reconnue : « ${language.slice(0, 60)} » (code attendu, par exemple fr ou en)`, rawEmail };
    profile.language = code;
  }
  const parsed = profileSchema.safeParse(profile);
  if (!parsed.success) return { reason: profileReason(parsed.error, profile), rawEmail };
  // The parsed profile, not the raw one: trimmed and defaulted as every other way in stores it.
  return { line, email, key, rawEmail, profile: parsed.data };
}

/**
 * What duplicate detection remembers of an address: 72 bits of its SHA-1, a third of the memory
 * of the address itself (about 80 bytes an address in all). A collision would need billions of rows.
 */
export const addressKey = (email: string): string => createHash('sha1').update(email).digest('base64').slice(0, 12);

/** French reasons from the profile schema: « nom : trop long (300 caractères, 200 au plus) ». */
export function profileReason(error: ZodError, profile: Record<string, unknown>): string {
  const reasons = error.issues.map((issue) => {
    const label = fieldLabels[String(issue.path[0])] ?? String(issue.path[0] ?? 'champ');
    if (issue.code === 'too_big') {
      if (issue.origin === 'array') return `${label} : ${String(issue.maximum)} au plus`;
      let v: unknown = profile;
      for (const key of issue.path) v = (v as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
      const length = typeof v === 'string' ? `${v.trim().length} caractères, ` : '';
      return `${label} : trop long (${length}${String(issue.maximum)} au plus)`;
    }
    if (issue.code === 'custom') return `${label} : ${issue.message}`;
    return `${label} : valeur invalide`;
  });
  return [...new Set(reasons)].join(' ; ');
}

// --- what importing a row does ----------------------------------------------------------------

/** What the audience already holds for an address, as the import reads it before writing. */
export interface ContactLookup {
  readonly suppression?: { readonly reason: string; readonly at: string };
  readonly subscriber?: Subscriber;
  /** The subscriber's membership of the list being imported into. */
  readonly membership?: Membership;
  /** The address is claimed (its guard exists) but its subscriber is not there: being created right now, or left half-written. */
  readonly claimedWithoutSubscriber?: boolean;
}

/**
 * The writes one row needs, applied by the store in batches. `create` claims the address for a
 * new subscriber (and fails, writing nothing of the row, if someone claimed it meanwhile);
 * `replace` writes a new profile only if the subscriber still holds this address (not erased
 * meanwhile). The membership and the consent record are written only once that succeeded.
 */
export interface ContactWrite {
  readonly subscriber?: { readonly mode: 'create' | 'replace'; readonly value: Subscriber };
  readonly membership?: Membership;
  readonly consent?: ConsentRecord;
}
export type ContactWriteResult = 'written' | 'address-taken' | 'subscriber-changed';

export type ContactOutcome = 'created' | 'updated' | 'unchanged' | 'suppressed';

export type ContactPlan =
  | { readonly outcome: ContactOutcome; readonly write?: ContactWrite }
  | { readonly outcome: 'rejected'; readonly reason: string };

const profileKeys = ['name', 'organisation', 'role', 'outlet', 'mediumType', 'tags', 'department', 'language'] as const;

/** Refusal when an address is claimed by a subscriber that is not there yet. */
export const addressBeingRegistered = 'Cette adresse est en cours d’enregistrement : réessayez dans un instant.';

/** The lawful basis a list takes by default: legitimate interest for a press list, consent otherwise. */
export const defaultImportBasis = (list: Pick<MailingList, 'kind'>): LawfulBasis =>
  list.kind === 'press' ? 'legitimate-interest' : 'consent';

/**
 * Why `basis` cannot be chosen for an import into `list`, if so: legitimate interest only covers
 * professional (press) contacts; consent is allowed everywhere.
 */
export function importBasisRefusal(basis: LawfulBasis, list: Pick<MailingList, 'kind'>): string | undefined {
  return basis === 'legitimate-interest' && list.kind !== 'press'
    ? 'L’intérêt légitime ne vaut que pour les listes presse (contacts professionnels) : choisissez le consentement, chaque personne recevra un lien de confirmation.'
    : undefined;
}

/**
 * What importing `row` into `list` does, given what the store holds. The same rules as an admin
 * adding the address (see addSubscriberToList): a suppressed address, or one that unsubscribed
 * from this list, is never brought back; a single opt-in list (press contacts) confirms at once,
 * a double opt-in list keeps the member unconfirmed (only the person can confirm); a press list
 * records the legitimate-interest basis, the others consent, unless the caller chose the basis
 * (`lawfulBasis`, checked by importBasisRefusal). Every membership written comes with its consent
 * record (`imported`).
 */
export function planContactImport(
  row: Pick<ValidRow, 'email' | 'profile'>,
  found: ContactLookup | undefined,
  list: Pick<MailingList, 'id' | 'kind' | 'optIn'>,
  context: { readonly now: string; readonly newId: () => string; readonly actor?: string; readonly lawfulBasis?: LawfulBasis },
): ContactPlan {
  if (found?.suppression) return { outcome: 'suppressed' };
  if (found?.claimedWithoutSubscriber) return { outcome: 'rejected', reason: addressBeingRegistered };
  const { now } = context;
  const status: Membership['status'] = list.optIn === 'single' ? 'confirmed' : 'unconfirmed';
  const joined = (subscriberId: string) => ({
    membership: { listId: list.id, subscriberId, email: row.email, status, updatedAt: now },
    consent: {
      lawfulBasis: context.lawfulBasis ?? defaultImportBasis(list),
      ...(context.actor ? { actor: context.actor } : {}),
      source: 'import',
      subscriberId,
      listId: list.id,
      event: 'imported',
      at: now,
    } satisfies ConsentRecord,
  });

  const stored = found?.subscriber;
  if (!stored) {
    const subscriber: Subscriber = {
      tags: [],
      language: 'fr',
      ...row.profile,
      id: context.newId(),
      email: row.email,
      createdAt: now,
      updatedAt: now,
    };
    return { outcome: 'created', write: { subscriber: { mode: 'create', value: subscriber }, ...joined(subscriber.id) } };
  }
  const existing = found.membership;
  if (existing?.status === 'unsubscribed') return { outcome: 'suppressed' };
  const merged = { ...stored, ...row.profile };
  const profileChanged = profileKeys.some((k) => JSON.stringify(merged[k]) !== JSON.stringify(stored[k]));
  const membershipNeeded = !existing || (existing.status === 'unconfirmed' && status === 'confirmed');
  if (!profileChanged && !membershipNeeded) return { outcome: 'unchanged' };
  return {
    outcome: 'updated',
    write: {
      ...(profileChanged ? { subscriber: { mode: 'replace' as const, value: { ...merged, updatedAt: now } } } : {}),
      ...(membershipNeeded ? joined(stored.id) : {}),
    },
  };
}

import { ValidationError } from './errors';

/**
 * Which CSV column holds which contact field: headers in French or English, as press offices
 * and CRMs export them, recognised whatever their case, accents or punctuation; an explicit
 * mapping wins over recognition.
 */

export const contactFields = [
  'email',
  'name',
  'firstName',
  'lastName',
  'organisation',
  'role',
  'outlet',
  'mediumType',
  'tags',
  'department',
  'language',
] as const;
export type ContactField = (typeof contactFields)[number];

/** `Adresse e-mail` → `adresse e mail`: case, accents and punctuation do not matter in headers. */
export const headerKey = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const aliases: Record<ContactField, string[]> = {
  email: [
    'email',
    'e mail',
    'courriel',
    'mail',
    'mel',
    'adresse e mail',
    'adresse email',
    'adresse mail',
    'adresse courriel',
    'adresse electronique',
    'email address',
    'e mail address',
    'mail address',
  ],
  name: ['nom complet', 'name', 'full name', 'nom et prenom', 'prenom et nom', 'prenom nom', 'nom prenom'],
  firstName: ['prenom', 'first name', 'firstname', 'given name'],
  lastName: ['nom', 'nom de famille', 'last name', 'lastname', 'surname', 'family name'],
  organisation: ['organisation', 'organization', 'structure', 'societe', 'entreprise', 'company', 'organisme', 'employeur'],
  role: ['fonction', 'role', 'poste', 'job title', 'position'],
  outlet: ['media', 'outlet', 'redaction', 'titre de presse', 'publication'],
  mediumType: ['type de media', 'medium', 'type media', 'media type', 'type de support'],
  department: ['departement', 'department', 'dept', 'dep'],
  tags: ['tags', 'tag', 'thematiques', 'thematique', 'themes', 'theme', 'rubriques', 'rubrique', 'beat', 'mots cles', 'centres d interet'],
  language: ['langue', 'language', 'lang', 'langue preferee'],
};
const fieldByAlias = new Map<string, ContactField>();
for (const field of contactFields) {
  fieldByAlias.set(headerKey(field), field);
  for (const alias of aliases[field]) fieldByAlias.set(alias, field);
}
const ignoreWords = new Set(['', 'ignore', 'ignorer', 'ignored']);

export type ContactMapping = ReadonlyMap<string, ContactField | 'ignore'>;

/** Mapping keys are compared like headers; values are field names (or aliases) or `ignore`. */
export function parseMapping(mapping: Record<string, string>): ContactMapping {
  const parsed = new Map<string, ContactField | 'ignore'>();
  for (const [header, target] of Object.entries(mapping)) {
    const key = typeof target === 'string' ? headerKey(target) : '';
    const field = ignoreWords.has(key) ? 'ignore' : fieldByAlias.get(key);
    if (!field || typeof target !== 'string') {
      throw new ValidationError(
        `Mapping : « ${String(target)} » n’est pas un champ connu (champs : ${contactFields.join(', ')}, ou ignore).`,
        'mapping',
      );
    }
    parsed.set(headerKey(header), field);
  }
  return parsed;
}

export interface ResolvedColumns {
  readonly index: Partial<Record<ContactField, number>>;
  readonly headers: string[];
  readonly mapped: { header: string; field: ContactField }[];
  readonly ignored: string[];
}

/** The columns of a header row; refuses a file without an address column, or a mapping naming an absent column. */
export function resolveColumns(rawHeaders: readonly string[], mapping: ContactMapping, separator: string): ResolvedColumns {
  const headers = rawHeaders.map((h) => h.trim());
  const keys = headers.map(headerKey);
  const found = () =>
    headers
      .filter(Boolean)
      .map((h) => `« ${h} »`)
      .join(', ');
  for (const mapped of mapping.keys()) {
    if (!keys.includes(mapped))
      throw new ValidationError(`Mapping : colonne « ${mapped} » absente du fichier ; en-têtes trouvés : ${found()}.`, 'mapping');
  }
  // `Nom` is the family name when there is a first-name column, the whole name otherwise.
  const hasFirstName = keys.some((k, i) => (mapping.get(k) ?? fieldByAlias.get(k)) === 'firstName' && headers[i]);
  const index: Partial<Record<ContactField, number>> = {};
  const mapped: { header: string; field: ContactField }[] = [];
  const ignored: string[] = [];
  keys.forEach((key, i) => {
    const header = headers[i] ?? '';
    if (!header) return;
    let field = mapping.get(key) ?? fieldByAlias.get(key);
    if (field === 'lastName' && !hasFirstName && !mapping.has(key)) field = 'name';
    if (!field || field === 'ignore' || index[field] !== undefined) {
      ignored.push(header);
      return;
    }
    index[field] = i;
    mapped.push({ header, field });
  });
  if (index.email === undefined) {
    const sep = separator === '\t' ? 'tabulation' : `« ${separator} »`;
    throw new ValidationError(
      `Aucune colonne d’adresse e-mail : en-têtes trouvés ${found() || '(aucun)'} (séparateur ${sep}). Nommez la colonne « email » ou « courriel », ou indiquez-la dans le mapping.`,
      'email',
    );
  }
  return { index, headers, mapped, ignored };
}

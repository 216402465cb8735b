import { isAscii, isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { ZodError } from 'zod';
import { type SubscriberProfile, subscriberProfileSchema } from '../domain/audience';
import { normaliseEmail } from '../domain/email-address';
import { DomainError, ValidationError } from '../domain/errors';
import type { AppDeps } from './deps';
import { addSubscriberToList, getList } from './manage-audience';

/**
 * CSV import of press contacts, as press offices really export them: French Excel (`;`,
 * Windows-1252), UTF-8 with or without BOM, UTF-16 "texte Unicode" (tab), quoted fields over
 * several lines, headers in French or English. The file is streamed: memory holds one chunk,
 * the rows in flight and one entry per distinct address (duplicate detection).
 *
 * Duplicates: the first valid row of an address is imported; every later row with the same
 * address (in any case) is rejected with « doublon de la ligne N ». So
 * `rows = created + updated + unchanged + skippedSuppressed + rejected.length`.
 * Blank rows (nothing but separators) are skipped and not counted.
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

export type DetectedEncoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be' | 'mixed';

export interface RejectedRow {
  /** Physical line where the record starts, 1-based; the header is line 1. */
  readonly line: number;
  /** The address as written in the file, when there is one. */
  readonly email?: string;
  readonly reason: string;
}

export interface ImportReport {
  readonly rows: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly skippedSuppressed: number;
  /** Sorted by line. */
  readonly rejected: RejectedRow[];
  /** What was detected, so a surprising result can be explained (wrong column, wrong encoding). */
  readonly format: {
    readonly encoding: DetectedEncoding;
    readonly separator: string;
    readonly columns: { readonly header: string; readonly field: ContactField }[];
    readonly ignoredColumns: string[];
  };
}

export interface ImportProgress {
  /** Rows settled so far (imported, skipped or rejected). */
  readonly rows: number;
  /** Bytes read from the input so far. */
  readonly bytes: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly skippedSuppressed: number;
  readonly rejected: number;
}

export interface ImportOptions {
  readonly onProgress?: (p: ImportProgress) => void;
  /** Recorded in the consent ledger (who imported, which file). */
  readonly actor?: string;
  /** CSV header → field (`email`, `name`, `firstName`, …, or `ignore`); wins over header recognition. */
  readonly mapping?: Record<string, string>;
  /** Rows written at the same time (default 16). */
  readonly concurrency?: number;
  /** Progress is reported every this many rows (default 100), and once at the end. */
  readonly progressEvery?: number;
}

export type ImportInput = AsyncIterable<Uint8Array> | Readable;

const SNIFF_BYTES = 8 * 1024;
const MAX_HEADER_CHARS = 64 * 1024;
const MAX_RECORD_CHARS = 100_000;

export async function importContacts(
  deps: Pick<AppDeps, 'store' | 'clock' | 'newId'>,
  listId: string,
  input: ImportInput,
  options: ImportOptions = {},
): Promise<ImportReport> {
  // Everything that can be refused without the file is refused before a byte is read.
  const list = await getList(deps, listId);
  const mapping = parseMapping(options.mapping ?? {});
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const progressEvery = Math.max(1, options.progressEvery ?? 100);

  const counts = { created: 0, updated: 0, unchanged: 0, skippedSuppressed: 0 };
  const rejected: RejectedRow[] = [];
  const firstLineOf = new Map<string, number>();
  const detected = { encoding: 'utf-8' as DetectedEncoding, bytes: 0 };
  let rows = 0;
  let settled = 0;
  let separator: string | undefined;
  let splitter: CsvSplitter | undefined;
  let skipSepLine = false;
  let head = '';
  let columns: ResolvedColumns | undefined;

  const progress = (): ImportProgress => ({ rows: settled, bytes: detected.bytes, ...counts, rejected: rejected.length });
  const settle = () => {
    settled++;
    if (settled % progressEvery === 0) options.onProgress?.(progress());
  };
  const reject = (line: number, reason: string, email?: string) => {
    rejected.push({ line, ...(email ? { email } : {}), reason });
    settle();
  };

  const inFlight = new Set<Promise<void>>();
  let fatal: { error: unknown } | undefined;
  const consent = { source: 'import' as const, ...(options.actor ? { actor: options.actor } : {}) };

  const importRow = async (row: ValidRow) => {
    try {
      const r = await addSubscriberToList(deps, list.id, { email: row.email, profile: row.profile, consent }, list);
      if (r.outcome === 'suppressed') counts.skippedSuppressed++;
      else counts[r.outcome]++;
      settle();
    } catch (e: unknown) {
      // A refusal about this row (address, profile) is the row's; anything else stops the import.
      if (e instanceof DomainError) reject(row.line, e.message, row.rawEmail);
      else if (e instanceof ZodError) reject(row.line, profileReason(e, row.profile), row.rawEmail);
      else fatal ??= { error: e };
    }
  };

  const handleRecord = async (record: CsvRecord) => {
    if (!record.unterminated && record.fields.every((f) => f.trim() === '')) return;
    if (skipSepLine) {
      skipSepLine = false;
      return;
    }
    if (!columns) {
      columns = resolveColumns(record.fields, mapping, separator ?? ';');
      return;
    }
    rows++;
    if (record.unterminated) {
      reject(record.line, 'guillemet ouvert jamais fermé : cette ligne et les suivantes n’ont pas pu être lues');
      return;
    }
    const checked = checkRow(record, columns, firstLineOf);
    if ('reason' in checked) {
      reject(record.line, checked.reason, checked.rawEmail);
      return;
    }
    firstLineOf.set(checked.key, record.line);
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    const p: Promise<void> = Promise.resolve()
      .then(() => importRow(checked))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const feed = async (records: CsvRecord[]) => {
    for (const record of records) {
      if (fatal) return;
      await handleRecord(record);
    }
  };

  try {
    for await (const text of decodeText(bytesOf(input, detected), detected)) {
      if (fatal) break;
      if (splitter) {
        await feed(splitter.push(text));
        continue;
      }
      // The separator is read from the header line, so the header is gathered first.
      head += text;
      const headerLine = firstNonBlankLine(head, false);
      if (headerLine === undefined && head.length < MAX_HEADER_CHARS) continue;
      ({ separator, skipSepLine } = detectSeparator(headerLine ?? head));
      splitter = new CsvSplitter(separator);
      await feed(splitter.push(head));
      head = '';
    }
    if (!fatal) {
      if (!splitter) {
        ({ separator, skipSepLine } = detectSeparator(firstNonBlankLine(head, true) ?? ''));
        splitter = new CsvSplitter(separator);
        await feed(splitter.push(head));
      }
      await feed(splitter.end());
    }
  } finally {
    // Rows already sent to the store finish before the outcome (report or error) is given.
    await Promise.allSettled([...inFlight]);
  }
  if (fatal) throw fatal.error;
  if (!columns) throw new ValidationError('Fichier vide : aucune ligne d’en-tête ni contact à importer.', 'file');

  if (settled % progressEvery !== 0 || settled === 0) options.onProgress?.(progress());
  return {
    rows,
    ...counts,
    rejected: rejected.sort((a, b) => a.line - b.line),
    format: {
      encoding: detected.encoding,
      separator: separator ?? ';',
      columns: columns.mapped,
      ignoredColumns: columns.ignored,
    },
  };
}

// --- bytes and encodings -------------------------------------------------------------------

async function* bytesOf(input: ImportInput, detected: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    detected.bytes += buf.length;
    if (buf.length > 0) yield buf;
  }
}

const startsWith = (buf: Buffer, ...bytes: number[]) => bytes.every((b, i) => buf[i] === b);

/** Why the first bytes are not a CSV text, if they are not. */
function notTextReason(head: Buffer): string | undefined {
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04) || startsWith(head, 0xd0, 0xcf, 0x11, 0xe0)) {
    return 'Ce fichier est un classeur (Excel ou LibreOffice), pas un CSV : enregistrez-le au format « CSV (séparateur : point-virgule) » puis importez ce fichier-là.';
  }
  let control = 0;
  for (const b of head) {
    if (b === 0) return 'Ce fichier n’est pas un fichier texte (CSV) : il contient des données binaires.';
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  if (control > head.length * 0.05) return 'Ce fichier n’est pas un fichier texte (CSV) : il contient des données binaires.';
  return undefined;
}

/** How many bytes at the end of `buf` begin a UTF-8 sequence that the next chunk completes. */
function incompleteUtf8Tail(buf: Buffer): number {
  for (let i = 1; i <= Math.min(3, buf.length); i++) {
    const b = buf[buf.length - i] as number;
    if ((b & 0xc0) === 0x80) continue;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > i ? i : 0;
  }
  return 0;
}

/**
 * Bytes to text. A BOM decides (UTF-8, UTF-16); otherwise the text is read as ASCII until the
 * first non-ASCII bytes, which decide between UTF-8 (valid sequences) and Windows-1252. ASCII
 * reads the same in both, so nothing already decoded is ever wrong. A file that turns out
 * invalid as UTF-8 later on is read as Windows-1252 from there ("mixed").
 */
async function* decodeText(source: AsyncGenerator<Buffer>, detected: { encoding: DetectedEncoding }): AsyncGenerator<string> {
  let head: Buffer = Buffer.alloc(0);
  let ended = false;
  while (head.length < SNIFF_BYTES) {
    const next = await source.next();
    if (next.done) {
      ended = true;
      break;
    }
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (!ended) yield* source;
  }

  if (startsWith(head, 0xff, 0xfe) || startsWith(head, 0xfe, 0xff)) {
    const encoding = head[0] === 0xff ? 'utf-16le' : 'utf-16be';
    detected.encoding = encoding;
    head = head.subarray(2);
    const decoder = iconv.getDecoder(encoding, { stripBOM: false });
    for await (const buf of all()) yield decoder.write(buf);
    const rest = decoder.end();
    if (rest) yield rest;
    return;
  }

  let mode: 'ascii' | 'utf-8' | 'windows-1252' = 'ascii';
  if (startsWith(head, 0xef, 0xbb, 0xbf)) {
    mode = 'utf-8';
    head = head.subarray(3);
  }
  if (head.length === 0) throw new ValidationError('Fichier vide : aucune ligne à importer.', 'file');
  const refusal = notTextReason(head.subarray(0, SNIFF_BYTES));
  if (refusal) throw new ValidationError(refusal, 'file');

  let carry: Buffer = Buffer.alloc(0);
  let mixed = false;
  for await (const chunk of all()) {
    const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    carry = Buffer.alloc(0);
    if (mode === 'windows-1252') {
      yield iconv.decode(data, 'win1252');
      continue;
    }
    if (mode === 'ascii' && isAscii(data)) {
      yield data.toString('latin1');
      continue;
    }
    const tail = incompleteUtf8Tail(data);
    const body = data.subarray(0, data.length - tail);
    if (isUtf8(body)) {
      mode = 'utf-8';
      carry = Buffer.from(data.subarray(data.length - tail));
      yield body.toString('utf8');
    } else {
      mixed = mode === 'utf-8';
      mode = 'windows-1252';
      yield iconv.decode(data, 'win1252');
    }
  }
  // An unfinished UTF-8 sequence at the very end is not UTF-8: keep its bytes readable.
  if (carry.length > 0) {
    mixed = true;
    yield iconv.decode(carry, 'win1252');
  }
  detected.encoding = mixed ? 'mixed' : mode === 'windows-1252' ? 'windows-1252' : 'utf-8';
}

// --- CSV records ---------------------------------------------------------------------------

interface CsvRecord {
  /** Physical line where the record starts. */
  readonly line: number;
  readonly fields: string[];
  /** The file ended inside a quoted field. */
  readonly unterminated?: boolean;
}

/**
 * RFC 4180 records from text pushed in pieces, with the physical line each record starts on
 * (CRLF, LF or CR line ends; quoted fields may hold line breaks and doubled quotes). Lenient
 * like Excel: a quote inside an unquoted field is kept as a character.
 */
class CsvSplitter {
  private field = '';
  private fields: string[] = [];
  private fieldStarted = false;
  private inQuotes = false;
  /** Inside quotes, a quote was just read: doubled quote or end of the quoted part. */
  private quoteSeen = false;
  private prevCR = false;
  private line = 1;
  private recordLine = 1;
  private recordChars = 0;

  constructor(private readonly delimiter: string) {}

  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charAt(i);
      if (this.quoteSeen) {
        this.quoteSeen = false;
        if (ch === '"') {
          this.append('"');
          continue;
        }
        this.inQuotes = false;
      }
      if (this.inQuotes) {
        if (ch === '"') {
          this.quoteSeen = true;
          this.prevCR = false;
          continue;
        }
        if (ch === '\r' || (ch === '\n' && !this.prevCR)) this.line++;
        this.prevCR = ch === '\r';
        this.append(ch);
        continue;
      }
      if (ch === '\n' && this.prevCR) {
        this.prevCR = false;
        continue;
      }
      this.prevCR = false;
      if (ch === this.delimiter) this.endField();
      else if (ch === '\r' || ch === '\n') {
        this.endField();
        out.push({ line: this.recordLine, fields: this.fields });
        this.fields = [];
        this.recordChars = 0;
        this.line++;
        this.recordLine = this.line;
        this.prevCR = ch === '\r';
      } else if (ch === '"' && !this.fieldStarted) {
        this.inQuotes = true;
        this.fieldStarted = true;
      } else this.append(ch);
    }
    return out;
  }

  end(): CsvRecord[] {
    if (this.quoteSeen) this.inQuotes = false;
    if (this.inQuotes) return [{ line: this.recordLine, fields: [], unterminated: true }];
    if (this.fieldStarted || this.fields.length > 0) {
      this.endField();
      return [{ line: this.recordLine, fields: this.fields }];
    }
    return [];
  }

  private append(ch: string) {
    this.field += ch;
    this.fieldStarted = true;
    if (++this.recordChars > MAX_RECORD_CHARS) {
      throw new ValidationError(
        `Ligne ${this.recordLine} : enregistrement de plus de ${MAX_RECORD_CHARS} caractères (guillemet jamais fermé ?). L’import s’est arrêté à cette ligne ; les lignes précédentes sont importées.`,
        'file',
      );
    }
  }

  private endField() {
    this.fields.push(this.field);
    this.field = '';
    this.fieldStarted = false;
  }
}

/** The first line holding something, if its end has been read (or `atEnd`). Linear: no regex backtracking on a huge line. */
function firstNonBlankLine(text: string, atEnd: boolean): string | undefined {
  let start = 0;
  while (start < text.length) {
    let end = start;
    while (end < text.length && text.charAt(end) !== '\r' && text.charAt(end) !== '\n') end++;
    const line = text.slice(start, end);
    if (end === text.length) return atEnd && line.trim() ? line : undefined;
    if (line.trim()) return line;
    start = end + 1;
  }
  return undefined;
}

/** `;`, `,` or tab: the one the header line holds most of, outside quotes (`;` first on a tie: French Excel). */
function detectSeparator(headerLine: string): { separator: string; skipSepLine: boolean } {
  const hint = /^"?sep=(.)"?\s*$/i.exec(headerLine.trim());
  if (hint?.[1]) return { separator: hint[1], skipSepLine: true };
  const counts = new Map<string, number>([
    [';', 0],
    ['\t', 0],
    [',', 0],
  ]);
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ';';
  for (const [sep, n] of counts) if (n > (counts.get(best) ?? 0)) best = sep;
  return { separator: best, skipSepLine: false };
}

// --- headers -------------------------------------------------------------------------------

/** `Adresse e-mail` → `adresse e mail`: case, accents and punctuation do not matter in headers. */
const headerKey = (s: string) =>
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

/** Mapping keys are compared like headers; values are field names (or aliases) or `ignore`. */
function parseMapping(mapping: Record<string, string>): Map<string, ContactField | 'ignore'> {
  const parsed = new Map<string, ContactField | 'ignore'>();
  for (const [header, target] of Object.entries(mapping)) {
    const key = headerKey(target);
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

interface ResolvedColumns {
  readonly index: Partial<Record<ContactField, number>>;
  readonly headers: string[];
  readonly mapped: { header: string; field: ContactField }[];
  readonly ignored: string[];
}

function resolveColumns(rawHeaders: string[], mapping: Map<string, ContactField | 'ignore'>, separator: string): ResolvedColumns {
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

// --- rows ----------------------------------------------------------------------------------

interface ValidRow {
  readonly line: number;
  readonly email: string;
  /** Duplicate detection key (see addressKey). */
  readonly key: string;
  readonly rawEmail: string;
  readonly profile: Partial<SubscriberProfile>;
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

// Built once: zod compiles each schema instance on first use.
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

// Tab, LF and CR are the CSV's own business (line breaks inside a cell become spaces, see checkRow).
// eslint-disable-next-line no-control-regex
const controlChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function checkRow(
  record: CsvRecord,
  columns: ResolvedColumns,
  firstLineOf: Map<string, number>,
): ValidRow | { reason: string; rawEmail?: string } {
  // A cell edited with Alt+Enter in Excel holds line breaks: one value, its breaks made single
  // spaces (names and roles are one line everywhere they are shown, and in mail headers).
  const value = (field: ContactField) => {
    const i = columns.index[field];
    return i === undefined ? '' : (record.fields[i] ?? '').replace(/[ \t]*[\r\n]+[ \t]*/g, ' ').trim();
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
  return { line: record.line, email, key, rawEmail, profile: profile as Partial<SubscriberProfile> };
}

/**
 * What duplicate detection remembers of an address: 72 bits of its SHA-1, a third of the memory
 * of the address itself (about 80 bytes an address in all). A collision would need billions of rows.
 */
const addressKey = (email: string) => createHash('sha1').update(email).digest('base64').slice(0, 12);

/** French reasons from the profile schema: « nom : trop long (300 caractères, 200 au plus) ». */
function profileReason(error: ZodError, profile: Record<string, unknown>): string {
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

import type { MailingList } from '../domain/audience';
import type { LawfulBasis } from '../domain/consent';
import { type ContactField, contactFields, parseMapping, type ResolvedColumns, resolveColumns } from '../domain/contact-header-matching';
import {
  addressBeingRegistered,
  type ContactOutcome,
  type ContactWrite,
  checkContactRow,
  importBasisRefusal,
  planContactImport,
  type ValidRow,
} from '../domain/contact-row-rules';
import { ValidationError } from '../domain/errors';
import { type CsvFormat, type CsvInput, type DetectedEncoding, readCsvRecords } from './contact-csv-reader';
import type { AppDeps } from './deps';
import { getList } from './manage-audience';
import { requestConfirmation } from './request-confirmation';

/**
 * CSV import of press contacts, at bulk speed. The file is streamed (see contact-csv-reader)
 * and each row checked on its own (domain/contact-row-rules); valid rows are gathered in chunks
 * of `chunkRows`, and a chunk costs the store a handful of requests, not a few per row: one
 * batched lookup of what the audience holds for its addresses, then batched writes of the new
 * subscribers, profiles, memberships and consent records (see AudienceStore.writeContacts).
 * Memory holds one chunk of text, at most `concurrency` chunks of rows, and one entry per
 * distinct address (duplicate detection).
 *
 * Duplicates: the first valid row of an address is imported; every later row with the same
 * address (in any case) is rejected with « doublon de la ligne N ». So
 * `rows = created + updated + unchanged + skippedSuppressed + rejected.length`.
 * Blank rows (nothing but separators) are skipped and not counted.
 */

export type { DetectedEncoding };
export { type ContactField, contactFields };

export interface RejectedRow {
  /** Physical line where the record starts, 1-based; the header is line 1. */
  readonly line: number;
  /** The address as written in the file, when there is one. */
  readonly email?: string;
  readonly reason: string;
}

/** What became of one row: `skipped` is an address that left (suppressed or unsubscribed), never brought back. */
export type ImportRowOutcome = 'created' | 'updated' | 'unchanged' | 'skipped' | 'rejected';

export interface ImportReport {
  readonly rows: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly skippedSuppressed: number;
  /** Sorted by line. */
  readonly rejected: RejectedRow[];
  /** Confirmation mails sent: present when the import sends them (a chosen basis on a double opt-in list). */
  readonly confirmationsSent?: number;
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
  /**
   * Chunks of rows in the store at the same time (default 2: one is read and checked while the
   * other is written). 4 measured no faster on DynamoDB Local (bench/import-contacts.ts --chunks),
   * with a higher peak RSS.
   */
  readonly concurrency?: number;
  /** Valid rows per chunk: looked up and written together (default 500). */
  readonly chunkRows?: number;
  /** Progress is reported every this many rows (default 100), and once at the end. */
  readonly progressEvery?: number;
  /**
   * The lawful basis the caller chose for these contacts. Legitimate interest only on a press
   * list (refused before the file is read). The membership follows the list as addSubscriberToList
   * does: confirmed at once on a single opt-in list, unconfirmed on a double opt-in list, where
   * each member the import left unconfirmed is sent the confirmation link (nobody is confirmed on
   * a consent they did not give). Absent: the list's default basis, and no mail.
   */
  readonly lawfulBasis?: LawfulBasis;
  /** Each row as it settles (any order across chunks): its physical line, what became of it, its address. */
  readonly onRow?: (line: number, outcome: ImportRowOutcome, email?: string) => void;
}

/** What the import needs; the mail parts only to send confirmations (a chosen basis on a double opt-in list). */
export type ImportContactsDeps = Pick<AppDeps, 'store' | 'clock' | 'newId'> &
  Partial<Pick<AppDeps, 'mailer' | 'tokenKeys' | 'publicBaseUrl'>>;

export type ImportInput = CsvInput;

/** Reason given to a row whose subscriber was erased or changed address between the lookup and the write. */
const subscriberChanged = 'ce contact a été modifié ou effacé pendant l’import : importez cette ligne à nouveau';

export async function importContacts(
  deps: ImportContactsDeps,
  listId: string,
  input: ImportInput,
  options: ImportOptions = {},
): Promise<ImportReport> {
  // Everything that can be refused without the file is refused before a byte is read.
  const list = await getList(deps, listId);
  const basis = options.lawfulBasis;
  const refusal = basis ? importBasisRefusal(basis, list) : undefined;
  if (refusal) throw new ValidationError(refusal, 'lawfulBasis');
  const confirm = confirmationSender(deps, list, basis);
  const mapping = parseMapping(options.mapping ?? {});
  const chunksInFlight = Math.max(1, options.concurrency ?? 2);
  const chunkRows = Math.max(1, options.chunkRows ?? 500);
  const progressEvery = Math.max(1, options.progressEvery ?? 100);

  const counts = { created: 0, updated: 0, unchanged: 0, skippedSuppressed: 0, confirmationsSent: 0 };
  const rejected: RejectedRow[] = [];
  const firstLineOf = new Map<string, number>();
  const format: CsvFormat = { encoding: 'utf-8', bytes: 0 };
  let rows = 0;
  let settled = 0;
  let columns: ResolvedColumns | undefined;

  const progress = (): ImportProgress => {
    const { confirmationsSent: _, ...figures } = counts;
    return { rows: settled, bytes: format.bytes, ...figures, rejected: rejected.length };
  };
  const settle = () => {
    settled++;
    if (settled % progressEvery === 0) options.onProgress?.(progress());
  };
  const reject = (line: number, reason: string, email?: string) => {
    rejected.push({ line, ...(email ? { email } : {}), reason });
    options.onRow?.(line, 'rejected', email);
    settle();
  };
  const count = (row: ValidRow, outcome: ContactOutcome) => {
    if (outcome === 'suppressed') counts.skippedSuppressed++;
    else counts[outcome]++;
    options.onRow?.(row.line, outcome === 'suppressed' ? 'skipped' : outcome, row.email);
    settle();
  };
  const confirmed = (sent: boolean) => {
    if (sent) counts.confirmationsSent++;
  };

  const writeChunk = (chunk: readonly ValidRow[]) =>
    importChunk(deps, list, chunk, { actor: options.actor, lawfulBasis: basis, confirm }, { count, reject, confirmed });

  const inFlight = new Set<Promise<void>>();
  let fatal: { error: unknown } | undefined;
  let chunk: ValidRow[] = [];
  const dispatch = async () => {
    const rowsOfChunk = chunk;
    chunk = [];
    while (inFlight.size >= chunksInFlight) await Promise.race(inFlight);
    const p: Promise<void> = writeChunk(rowsOfChunk)
      .catch((error: unknown) => {
        fatal ??= { error };
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  try {
    for await (const records of readCsvRecords(input, format)) {
      for (const record of records) {
        if (fatal) break;
        if (!columns) {
          columns = resolveColumns(record.fields, mapping, format.separator ?? ';');
          continue;
        }
        rows++;
        if (record.unterminated) {
          reject(record.line, 'guillemet ouvert jamais fermé : cette ligne et les suivantes n’ont pas pu être lues');
          continue;
        }
        const checked = checkContactRow(record.fields, record.line, columns, firstLineOf);
        if ('reason' in checked) {
          reject(record.line, checked.reason, checked.rawEmail);
          continue;
        }
        firstLineOf.set(checked.key, record.line);
        chunk.push(checked);
        if (chunk.length >= chunkRows) await dispatch();
      }
      if (fatal) break;
    }
    if (!fatal && chunk.length > 0) await dispatch();
  } finally {
    // Chunks already sent to the store finish before the outcome (report or error) is given.
    await Promise.allSettled([...inFlight]);
  }
  if (fatal) throw fatal.error;
  if (!columns) throw new ValidationError('Fichier vide : aucune ligne d’en-tête ni contact à importer.', 'file');

  if (settled % progressEvery !== 0 || settled === 0) options.onProgress?.(progress());
  const { confirmationsSent, ...figures } = counts;
  return {
    rows,
    ...figures,
    ...(confirm ? { confirmationsSent } : {}),
    rejected: rejected.sort((a, b) => a.line - b.line),
    format: {
      encoding: format.encoding,
      separator: format.separator ?? ';',
      columns: columns.mapped,
      ignoredColumns: columns.ignored,
    },
  };
}

/**
 * One chunk: what the store holds for its addresses (one batched lookup), each row's plan, the
 * writes in batches. A row whose address was claimed by someone else between the lookup and the
 * write (a sign-up, another import) is looked up again and imported as the existing contact it
 * now is; a row still refused after that is reported, never dropped.
 */
async function importChunk(
  deps: Pick<AppDeps, 'store' | 'clock' | 'newId'>,
  list: MailingList,
  chunk: readonly ValidRow[],
  context: { actor?: string; lawfulBasis?: LawfulBasis; confirm?: Confirm },
  report: {
    count: (row: ValidRow, outcome: ContactOutcome) => void;
    reject: (line: number, reason: string, email?: string) => void;
    confirmed: (sent: boolean) => void;
  },
): Promise<void> {
  const { actor, lawfulBasis, confirm } = context;
  let pending = chunk;
  for (let round = 0; pending.length > 0; round++) {
    const found = await deps.store.lookupContacts(
      list.id,
      pending.map((row) => row.email),
    );
    const now = deps.clock.now().toISOString();
    const planned: { row: ValidRow; outcome: ContactOutcome; write: ContactWrite }[] = [];
    for (const row of pending) {
      const plan = planContactImport(row, found.get(row.email), list, { now, newId: deps.newId, actor, lawfulBasis });
      if (plan.outcome === 'rejected') report.reject(row.line, plan.reason, row.rawEmail);
      else if (plan.write) planned.push({ row, outcome: plan.outcome, write: plan.write });
      else report.count(row, plan.outcome);
    }
    const results = planned.length > 0 ? await deps.store.writeContacts(planned.map((p) => p.write)) : [];
    const again: ValidRow[] = [];
    const toConfirm: ContactWrite['membership'][] = [];
    planned.forEach(({ row, outcome, write }, i) => {
      const result = results[i];
      if (result === 'written') {
        report.count(row, outcome);
        if (write.membership?.status === 'unconfirmed') toConfirm.push(write.membership);
      } else if (result === 'address-taken' && round === 0) again.push(row);
      else report.reject(row.line, result === 'address-taken' ? addressBeingRegistered : subscriberChanged, row.rawEmail);
    });
    if (confirm) for (const m of toConfirm) if (m) report.confirmed(await confirm({ id: m.subscriberId, email: m.email }));
    pending = again;
  }
}

type Confirm = (subscriber: { id: string; email: string }) => Promise<boolean>;

/**
 * Who sends the confirmation link to the members an import leaves unconfirmed: only when the
 * caller chose a basis and the list is double opt-in (the wizard's promise); undefined otherwise.
 */
function confirmationSender(deps: ImportContactsDeps, list: MailingList, basis: LawfulBasis | undefined): Confirm | undefined {
  if (!basis || list.optIn !== 'double') return undefined;
  const { mailer, tokenKeys, publicBaseUrl } = deps;
  if (!mailer || !tokenKeys || publicBaseUrl === undefined)
    throw new Error('importContacts: confirmation mails on a double opt-in list need mailer, tokenKeys and publicBaseUrl in deps');
  const mailDeps = { ...deps, mailer, tokenKeys, publicBaseUrl };
  // requestConfirmation skips blocked addresses and any address mailed in the last minutes.
  return (subscriber) => requestConfirmation(mailDeps, subscriber, [list], 'admin');
}

import { type Actor, assertCan } from '../domain/actor';
import type { LawfulBasis } from '../domain/consent';
import { type ContactField, contactFields, headerKey, parseMapping, resolveColumns } from '../domain/contact-header-matching';
import { importBasisRefusal } from '../domain/contact-row-rules';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { audit } from './audit-log';
import type { DetectedEncoding } from './contact-csv-reader';
import type { AppDeps } from './deps';
import type { ImportProgress } from './import-contacts';
import { importFilesOf, isImportJobId } from './import-files';
import { previewCsv } from './preview-csv';

/**
 * The import wizard's job: one record per uploaded file, walked through its steps (file read →
 * columns mapped → lawful basis chosen → running → done or failed). The record is a setting item
 * (`import-job#<id>`, small: counts, never the rejected lines, which go to the import file store);
 * the column mapping chosen for a list is remembered in `import-mapping#<listId>`.
 */

export type ImportJobStatus = 'uploaded' | 'mapped' | 'ready' | 'running' | 'done' | 'failed';
export type ColumnTarget = ContactField | 'ignore';

export interface ImportCounts {
  readonly rows: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly skippedSuppressed: number;
  readonly rejected: number;
}

export interface ImportJob {
  readonly id: string;
  readonly listId: string;
  readonly listName: string;
  readonly filename: string;
  readonly size: number;
  readonly createdAt: string;
  readonly createdBy: { readonly id: string; readonly name: string };
  readonly encoding: DetectedEncoding;
  readonly separator: string;
  readonly headers: string[];
  /** The first rows as read (cells cut at 200 characters), for step 1. */
  readonly previewRows: string[][];
  readonly totalRows: number;
  readonly status: ImportJobStatus;
  /** Header → field or `ignore`, one entry per non-empty header (step 2). */
  readonly mapping?: Record<string, ColumnTarget>;
  readonly basis?: LawfulBasis;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly progress?: ImportProgress;
  readonly result?: ImportCounts;
  /** Confirmation mails sent to the new unconfirmed members of a double opt-in list. */
  readonly confirmationsSent?: number;
  /** Why a failed job stopped (French, for the person). */
  readonly error?: string;
}

export type ImportDeps = Pick<AppDeps, 'store' | 'clock' | 'newId'> & Partial<Pick<AppDeps, 'importFiles'>>;

const jobKey = (id: string) => `import-job#${id}`;
const mappingKey = (listId: string) => `import-mapping#${listId}`;
/** What one upload may weigh here (the workspace's own body limit is lower; AWS goes through S3). */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;

export async function readImportJob(deps: Pick<AppDeps, 'store'>, id: string): Promise<ImportJob | undefined> {
  if (!isImportJobId(id)) return undefined;
  return (await deps.store.getSetting(jobKey(id))) as ImportJob | undefined;
}

export async function writeImportJob(deps: Pick<AppDeps, 'store' | 'clock'>, job: ImportJob): Promise<void> {
  await deps.store.putSetting(jobKey(job.id), job, deps.clock.now().toISOString());
}

/** A job as its page shows it; 404 when unknown, 403 without audience:manage. */
export async function importJobFor(deps: Pick<AppDeps, 'store'>, actor: Actor, id: string): Promise<ImportJob> {
  assertCan(actor, 'audience:manage');
  const job = await readImportJob(deps, id);
  if (!job) throw new NotFoundError('Import', id);
  return job;
}

/** Step 1: the file is read (encoding, separator, rows), kept for the worker, and a job opened. */
export async function createImportJob(
  deps: ImportDeps,
  actor: Actor,
  input: { listId: string; filename: string; bytes: Uint8Array /** Minted before a direct upload (presignUpload). */; id?: string },
): Promise<ImportJob> {
  assertCan(actor, 'audience:manage');
  if (!input.listId) throw new ValidationError('Choisissez la liste où importer les contacts.', 'listId');
  const list = await deps.store.getList(input.listId);
  if (!list) throw new ValidationError('Cette liste n’existe pas : choisissez-en une dans la liste.', 'listId');
  if (input.bytes.length === 0) throw new ValidationError('Choisissez un fichier CSV à importer.', 'file');
  if (input.bytes.length > IMPORT_MAX_BYTES)
    throw new ValidationError('Ce fichier dépasse 10 Mo : découpez-le en plusieurs fichiers.', 'file');
  const preview = await previewCsv(input.bytes);
  if (preview.totalRows === 0) throw new ValidationError('Ce fichier n’a qu’une ligne d’en-tête : aucun contact à importer.', 'file');
  const job: ImportJob = {
    id: input.id ?? deps.newId(),
    listId: list.id,
    listName: list.name,
    filename: input.filename.slice(0, 200) || 'contacts.csv',
    size: input.bytes.length,
    createdAt: deps.clock.now().toISOString(),
    createdBy: { id: actor.id, name: actor.name },
    encoding: preview.encoding,
    separator: preview.separator,
    headers: preview.headers,
    previewRows: preview.rows.map((r) => r.map((cell) => cell.slice(0, 200))),
    totalRows: preview.totalRows,
    status: 'uploaded',
  };
  await importFilesOf(deps).putFile(job.id, input.bytes);
  await writeImportJob(deps, job);
  return job;
}

/**
 * Step 2's starting point: the mapping saved for this list (for the headers this file has), the
 * rest recognised from the headers (French or English), the unrecognised ones ignored.
 */
export async function proposedMapping(deps: Pick<AppDeps, 'store'>, job: ImportJob): Promise<Record<string, ColumnTarget>> {
  if (job.mapping) return job.mapping;
  const saved = ((await deps.store.getSetting(mappingKey(job.listId))) ?? {}) as Record<string, string>;
  const keys = new Set(job.headers.map(headerKey));
  const usable: Record<string, string> = {};
  for (const [header, target] of Object.entries(saved)) if (keys.has(headerKey(header))) usable[header] = target;
  let resolved: ReturnType<typeof resolveColumns>;
  try {
    resolved = resolveColumns(job.headers, parseMapping(usable), job.separator);
  } catch {
    // A file with no recognisable address column: the person picks it in the form.
    resolved = { index: {}, headers: job.headers, mapped: [], ignored: [] };
  }
  const mapping: Record<string, ColumnTarget> = {};
  for (const header of job.headers) if (header) mapping[header] = 'ignore';
  for (const { header, field } of resolved.mapped) mapping[header] = field;
  return mapping;
}

const fieldNames: Record<ColumnTarget, string> = {
  email: 'Adresse e-mail',
  name: 'Nom complet',
  firstName: 'Prénom',
  lastName: 'Nom de famille',
  organisation: 'Organisation',
  role: 'Fonction',
  outlet: 'Média',
  mediumType: 'Type de média',
  tags: 'Thématiques',
  department: 'Département',
  language: 'Langue',
  ignore: 'Ne pas importer',
};
export const columnTargets: readonly ColumnTarget[] = [...contactFields, 'ignore'];
export const columnTargetLabel = (t: ColumnTarget): string => fieldNames[t];

function assertStep(job: ImportJob, allowed: readonly ImportJobStatus[]): void {
  if (!allowed.includes(job.status))
    throw new ConflictError('Cet import est déjà lancé : ses réglages ne peuvent plus changer. Ouvrez son compte rendu.');
}

/**
 * Step 2: one target per column (by column number, as the form posts it). One address column,
 * each field at most once. The mapping is remembered for the list.
 */
export async function saveImportMapping(
  deps: ImportDeps,
  actor: Actor,
  id: string,
  chosen: readonly (string | undefined)[],
): Promise<ImportJob> {
  const job = await importJobFor(deps, actor, id);
  assertStep(job, ['uploaded', 'mapped', 'ready']);
  const mapping: Record<string, ColumnTarget> = {};
  const seen = new Map<ColumnTarget, string>();
  for (const [i, header] of job.headers.entries()) {
    if (!header) continue;
    const target = chosen[i] ?? 'ignore';
    if (!columnTargets.includes(target as ColumnTarget))
      throw new ValidationError(`Colonne « ${header} » : choisissez un champ dans la liste.`, `colonne-${i}`);
    const t = target as ColumnTarget;
    const other = seen.get(t);
    if (t !== 'ignore' && other !== undefined)
      throw new ValidationError(
        `« ${fieldNames[t]} » est choisi pour deux colonnes (« ${other} » et « ${header} ») : gardez-en une.`,
        `colonne-${i}`,
      );
    seen.set(t, header);
    mapping[header] = t;
  }
  if (!seen.has('email'))
    throw new ValidationError(
      'Indiquez la colonne qui contient l’adresse e-mail : sans elle, aucun contact ne peut être importé.',
      'colonne-0',
    );
  const updated: ImportJob = { ...job, mapping, status: job.status === 'ready' ? 'ready' : 'mapped' };
  await writeImportJob(deps, updated);
  await deps.store.putSetting(mappingKey(job.listId), mapping, deps.clock.now().toISOString());
  return updated;
}

/**
 * Step 3: the lawful basis. Legitimate interest only for a press list (professional contacts);
 * consent for any list, and on a double opt-in list every new member receives a confirmation
 * mail: nobody is confirmed on a consent they did not give.
 */
export async function chooseImportBasis(deps: ImportDeps, actor: Actor, id: string, basis: string | undefined): Promise<ImportJob> {
  const job = await importJobFor(deps, actor, id);
  assertStep(job, ['mapped', 'ready']);
  if (basis !== 'consent' && basis !== 'legitimate-interest')
    throw new ValidationError('Choisissez la base légale de l’inscription.', 'basis');
  const list = await deps.store.getList(job.listId);
  if (!list) throw new NotFoundError('Liste', job.listId);
  const refusal = importBasisRefusal(basis, list);
  if (refusal) throw new ValidationError(refusal, 'basis');
  const updated: ImportJob = { ...job, basis, status: 'ready' };
  await writeImportJob(deps, updated);
  return updated;
}

/** Step 4, first half: the job is marked running (once) and audited; the caller starts the work. */
export async function markImportRunning(deps: ImportDeps, actor: Actor, id: string): Promise<ImportJob> {
  const job = await importJobFor(deps, actor, id);
  if (job.status === 'uploaded' || job.status === 'mapped')
    throw new ValidationError('Associez les colonnes et choisissez la base légale avant de lancer l’import.', 'basis');
  assertStep(job, ['ready']);
  const running: ImportJob = { ...job, status: 'running', startedAt: deps.clock.now().toISOString() };
  await writeImportJob(deps, running);
  await audit(deps, actor, 'list.import', 'list', job.listId, `${job.filename} (${job.totalRows} lignes)`);
  return running;
}

import type { ImportRowOutcome, RejectedRow } from './import-contacts';

/** A row the import settled without rejecting it, for the report: its line, its address, what became of it. */
export interface SettledRow {
  readonly line: number;
  readonly email: string;
  readonly outcome: Exclude<ImportRowOutcome, 'rejected'>;
}

/**
 * Where an import job keeps its uploaded CSV until the worker reads it, and the lines of its
 * report (rejected, and settled: created, updated, unchanged, skipped) (too many, on a bad file, for one table item). Private: never served, never in
 * the media library (the file holds personal data). Locally a folder under DATA_DIR; in AWS the
 * intended home is a private S3 prefix written by a presigned upload (see docs in the report).
 */
export interface ImportFileStore {
  putFile(jobId: string, bytes: Uint8Array): Promise<void>;
  readFile(jobId: string): Promise<Uint8Array | undefined>;
  putRejected(jobId: string, rejected: readonly RejectedRow[]): Promise<void>;
  readRejected(jobId: string): Promise<RejectedRow[] | undefined>;
  /** The other rows (created, updated, unchanged, skipped), sorted by line. */
  putSettled(jobId: string, rows: readonly SettledRow[]): Promise<void>;
  readSettled(jobId: string): Promise<SettledRow[] | undefined>;
  /**
   * Where the store takes uploads straight from the browser (AWS: a presigned S3 POST, so a large
   * file never crosses API Gateway). Absent = the wizard takes the file in its own form (local).
   */
  presignUpload?(jobId: string, options: { redirectUrl: string; maxBytes: number }): Promise<DirectUpload>;
  /** The file received through `presignUpload`, by the key the store's redirect names; undefined when absent or not this job's. */
  readUpload?(jobId: string, key: string): Promise<UploadedImport | undefined>;
}

/** A form posted straight to the store: its address, its hidden fields, the name the list field must have. */
export interface DirectUpload {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly listField: string;
}

export interface UploadedImport {
  readonly bytes: Uint8Array;
  readonly filename: string;
  readonly listId: string;
}

/** Job ids become file names: nothing but letters, digits and dashes. */
export const isImportJobId = (id: string): boolean => /^[A-Za-z0-9-]{1,64}$/.test(id);

/** For tests and for a runtime wired without a folder: the files live as long as the process. */
export class InMemoryImportFiles implements ImportFileStore {
  private readonly files = new Map<string, Uint8Array>();
  private readonly rejected = new Map<string, RejectedRow[]>();
  private readonly settled = new Map<string, SettledRow[]>();

  async putFile(jobId: string, bytes: Uint8Array): Promise<void> {
    this.files.set(jobId, new Uint8Array(bytes));
  }
  async readFile(jobId: string): Promise<Uint8Array | undefined> {
    return this.files.get(jobId);
  }
  async putRejected(jobId: string, rejected: readonly RejectedRow[]): Promise<void> {
    this.rejected.set(jobId, [...rejected]);
  }
  async readRejected(jobId: string): Promise<RejectedRow[] | undefined> {
    return this.rejected.get(jobId);
  }
  async putSettled(jobId: string, rows: readonly SettledRow[]): Promise<void> {
    this.settled.set(jobId, [...rows]);
  }
  async readSettled(jobId: string): Promise<SettledRow[] | undefined> {
    return this.settled.get(jobId);
  }
}

const fallback = new WeakMap<object, ImportFileStore>();

/** The wired store, or one kept in memory for these deps (the same one for every request). */
export function importFilesOf(deps: { readonly importFiles?: ImportFileStore; readonly store: object }): ImportFileStore {
  if (deps.importFiles) return deps.importFiles;
  let files = fallback.get(deps.store);
  if (!files) {
    files = new InMemoryImportFiles();
    fallback.set(deps.store, files);
  }
  return files;
}

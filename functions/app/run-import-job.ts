import type { Actor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import type { AppDeps } from './deps';
import { type ImportProgress, importContacts } from './import-contacts';
import { importFilesOf, type SettledRow } from './import-files';
import { type ImportJob, markImportRunning, readImportJob, writeImportJob } from './import-jobs';
import { piecesOf } from './preview-csv';

/** What a worker needs to run an import (the API's deps have it; so does handlers/import.ts). */
export type RunDeps = Pick<AppDeps, 'store' | 'clock' | 'newId' | 'mailer' | 'tokenKeys' | 'publicBaseUrl' | 'importFiles'>;

/**
 * Runs an import job to its end: the file read from the import file store, the contacts written by
 * importContacts (its bulk path, unchanged), the job's progress saved as it goes (one write at a
 * time, the newest figures), then the report: counts on the job, each row's outcome with its line
 * in the file store. The job's lawful basis goes to the import: on a double opt-in list, every
 * member the import left unconfirmed gets a confirmation mail.
 * Never throws: a failure is written on the job, in French, for its page.
 *
 * Run from an `import` queue message, delivered at least once: a job already done or failed is
 * left as it is; a job still `running` (its worker stopped mid-way, the message came back) is
 * read again from its first row, which is safe because each row's write is idempotent (a row
 * already written comes out `unchanged`, so the second run's counts say so).
 */
export async function runImportJob(deps: RunDeps, jobId: string, actor: Pick<Actor, 'id' | 'name'>): Promise<ImportJob | undefined> {
  const job = await readImportJob(deps, jobId);
  if (job?.status !== 'running') return job;
  const files = importFilesOf(deps);
  let latest: ImportProgress | undefined;
  let writing: Promise<void> | undefined;
  const flush = async () => {
    while (latest) {
      const progress = latest;
      latest = undefined;
      // Progress is a courtesy: a lost write is made good by the next one, or by the final record.
      await writeImportJob(deps, { ...job, progress }).catch(() => undefined);
    }
  };
  const onProgress = (p: ImportProgress) => {
    latest = p;
    writing ??= flush().finally(() => {
      writing = undefined;
    });
  };
  try {
    const bytes = await files.readFile(jobId);
    if (!bytes) throw new DomainError('invalid', 'Le fichier de cet import n’est plus disponible : importez-le à nouveau.');
    const settled: SettledRow[] = [];
    const report = await importContacts(deps, job.listId, piecesOf(bytes), {
      mapping: job.mapping,
      ...(job.basis ? { lawfulBasis: job.basis } : {}),
      onRow: (line, outcome, email) => {
        if (outcome !== 'rejected') settled.push({ line, email: email ?? '', outcome });
      },
      actor: `${actor.name} (${actor.id}) : ${job.filename}`,
      onProgress,
      progressEvery: Math.max(1, Math.min(500, Math.ceil(job.totalRows / 50))),
    });
    latest = undefined;
    await writing;
    await files.putRejected(jobId, report.rejected);
    await files.putSettled(
      jobId,
      settled.sort((a, b) => a.line - b.line),
    );
    const confirmationsSent = report.confirmationsSent ?? 0;
    const done: ImportJob = {
      ...job,
      status: 'done',
      finishedAt: deps.clock.now().toISOString(),
      progress: {
        rows: report.rows,
        bytes: bytes.length,
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        skippedSuppressed: report.skippedSuppressed,
        rejected: report.rejected.length,
      },
      result: {
        rows: report.rows,
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        skippedSuppressed: report.skippedSuppressed,
        rejected: report.rejected.length,
      },
      confirmationsSent,
    };
    await writeImportJob(deps, done);
    return done;
  } catch (e: unknown) {
    latest = undefined;
    await writing;
    // A duplicate delivery that finished first keeps its report.
    const now = await readImportJob(deps, jobId).catch(() => undefined);
    if (now?.status === 'done') return now;
    const failed: ImportJob = {
      ...job,
      status: 'failed',
      finishedAt: deps.clock.now().toISOString(),
      error:
        e instanceof DomainError
          ? e.message
          : 'L’import s’est arrêté sur une erreur interne. Les lignes déjà traitées sont enregistrées ; relancez le fichier pour le reste.',
    };
    await writeImportJob(deps, failed).catch(() => undefined);
    return failed;
  }
}

/**
 * Step 4: marks the job running and queues its `import` message: on the import queue where the
 * stack has one (AWS: the send worker, which consumes the control queue, does not carry the CSV
 * reader), else on the control queue (the send backlog never delays it), else the one queue of
 * the local runtime; the queue's consumer runs runImportJob. Should the message not go
 * out, the job is ready again, so the person can launch it once more.
 */
export async function startImportJob(
  deps: Pick<AppDeps, 'store' | 'clock' | 'newId' | 'queue' | 'controlQueue' | 'importQueue'>,
  actor: Actor,
  jobId: string,
): Promise<ImportJob> {
  const job = await markImportRunning(deps, actor, jobId);
  try {
    await (deps.importQueue ?? deps.controlQueue ?? deps.queue).enqueue([
      { type: 'import', jobId, actor: { id: actor.id, name: actor.name } },
    ]);
  } catch (e: unknown) {
    const { startedAt: _startedAt, ...ready } = job;
    await writeImportJob(deps, { ...ready, status: 'ready' });
    throw e;
  }
  return job;
}

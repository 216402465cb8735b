import type { Actor } from '../domain/actor';
import { DomainError } from '../domain/errors';
import type { AppDeps } from './deps';
import { type ImportProgress, importContacts } from './import-contacts';
import { importFilesOf } from './import-files';
import { type ImportJob, markImportRunning, readImportJob, writeImportJob } from './import-jobs';
import { piecesOf } from './preview-csv';
import { requestConfirmation } from './request-confirmation';

type RunDeps = AppDeps;

/**
 * Runs an import job to its end: the file read from the import file store, the contacts written by
 * importContacts (its bulk path, unchanged), the job's progress saved as it goes (one write at a
 * time, the newest figures), then the report: counts on the job, rejected lines in the file store.
 * On a double opt-in list, every member the import left unconfirmed gets a confirmation mail.
 * Never throws: a failure is written on the job, in French, for its page.
 */
export async function runImportJob(deps: RunDeps, jobId: string, actor: Actor): Promise<ImportJob | undefined> {
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
    const report = await importContacts(deps, job.listId, piecesOf(bytes), {
      mapping: job.mapping,
      actor: `${actor.name} (${actor.id}) : ${job.filename}`,
      onProgress,
      progressEvery: Math.max(1, Math.min(500, Math.ceil(job.totalRows / 50))),
    });
    latest = undefined;
    await writing;
    await files.putRejected(jobId, report.rejected);
    const confirmationsSent = await confirmNewMembers(deps, job);
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
 * The members of a double opt-in list that this import put there unconfirmed (membership written
 * since the job started): each gets the confirmation link. requestConfirmation skips blocked
 * addresses and any address mailed in the last minutes.
 */
async function confirmNewMembers(deps: RunDeps, job: ImportJob): Promise<number> {
  const list = await deps.store.getList(job.listId);
  if (list?.optIn !== 'double' || !job.startedAt) return 0;
  let sent = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.store.listMembers(list.id, { limit: 200, cursor });
    for (const m of page.items) {
      if (m.status !== 'unconfirmed' || m.updatedAt < job.startedAt) continue;
      if (await requestConfirmation(deps, { id: m.subscriberId, email: m.email }, [list], 'admin')) sent++;
    }
    cursor = page.cursor;
  } while (cursor);
  return sent;
}

const running = new Set<Promise<unknown>>();

/**
 * Step 4: marks the job running and starts it in the background of this process (the local
 * runtime; in AWS the same runImportJob is meant to run in a worker fed by a queue message).
 */
export async function startImportJob(deps: RunDeps, actor: Actor, jobId: string): Promise<ImportJob> {
  const job = await markImportRunning(deps, actor, jobId);
  const work = runImportJob(deps, jobId, actor).finally(() => running.delete(work));
  running.add(work);
  return job;
}

/** Resolves when every import started in this process has finished (tests, shutdown). */
export async function importsSettled(): Promise<void> {
  while (running.size > 0) await Promise.allSettled([...running]);
}

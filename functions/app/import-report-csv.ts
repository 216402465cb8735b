import { stringify } from 'csv-stringify/sync';
import type { Actor } from '../domain/actor';
import { ConflictError } from '../domain/errors';
import type { AppDeps } from './deps';
import type { RejectedRow } from './import-contacts';
import { importFilesOf, type SettledRow } from './import-files';
import { type ImportJob, importJobFor } from './import-jobs';

export interface ImportReportView {
  readonly job: ImportJob;
  readonly rejected: RejectedRow[];
  /** The rows created, updated, unchanged or skipped, by line. */
  readonly settled: SettledRow[];
}

/** Each settled row's outcome, in words (report page and CSV). */
export const settledOutcomeLabels: Record<SettledRow['outcome'], string> = {
  created: 'créé',
  updated: 'mis à jour',
  unchanged: 'inchangé',
  skipped: 'ignoré (désinscrit ou bloqué)',
};

/** Step 5: a finished job with its rejected lines (line, address, reason) and its other lines (line, address, outcome). */
export async function importReportFor(
  deps: Pick<AppDeps, 'store'> & Partial<Pick<AppDeps, 'importFiles'>>,
  actor: Actor,
  id: string,
): Promise<ImportReportView> {
  const job = await importJobFor(deps, actor, id);
  if (job.status !== 'done' && job.status !== 'failed')
    throw new ConflictError('Cet import n’est pas terminé : son compte rendu viendra à la fin.');
  const files = importFilesOf(deps);
  const rejected = (await files.readRejected(id)) ?? [];
  const settled = (await files.readSettled(id)) ?? [];
  return { job, rejected, settled };
}

/**
 * The report as French Excel opens it: UTF-8 with a BOM, `;`, CRLF. The totals first (one line
 * per outcome), then one line per row of the file, by line number: its address, what became of
 * it, and the reason of a rejection.
 */
export function importReportCsv(view: ImportReportView): string {
  const r = view.job.result;
  const rows: string[][] = [['Ligne', 'Adresse e-mail', 'Résultat', 'Motif']];
  if (r) {
    rows.push(['', '', 'créés', String(r.created)]);
    rows.push(['', '', 'mis à jour', String(r.updated)]);
    rows.push(['', '', 'inchangés', String(r.unchanged)]);
    rows.push(['', '', 'ignorés (désinscrits ou bloqués)', String(r.skippedSuppressed)]);
    rows.push(['', '', 'rejetés', String(r.rejected)]);
  }
  const lines = [
    ...view.settled.map((row) => ({ line: row.line, cells: [String(row.line), row.email, settledOutcomeLabels[row.outcome], ''] })),
    ...view.rejected.map((row) => ({ line: row.line, cells: [String(row.line), row.email ?? '', 'rejeté', row.reason] })),
  ].sort((a, b) => a.line - b.line);
  for (const { cells } of lines) rows.push(cells);
  // A cell from the file that starts like a formula is shown as text, never run by the spreadsheet.
  const safe = rows.map((row) => row.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell)));
  return `\uFEFF${stringify(safe, { delimiter: ';', record_delimiter: '\r\n' })}`;
}

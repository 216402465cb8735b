import { stringify } from 'csv-stringify/sync';
import type { Actor } from '../domain/actor';
import { ConflictError } from '../domain/errors';
import type { AppDeps } from './deps';
import type { RejectedRow } from './import-contacts';
import { importFilesOf } from './import-files';
import { type ImportJob, importJobFor } from './import-jobs';

export interface ImportReportView {
  readonly job: ImportJob;
  readonly rejected: RejectedRow[];
}

/** Step 5: a finished job with its rejected lines (line, address, reason). */
export async function importReportFor(
  deps: Pick<AppDeps, 'store'> & Partial<Pick<AppDeps, 'importFiles'>>,
  actor: Actor,
  id: string,
): Promise<ImportReportView> {
  const job = await importJobFor(deps, actor, id);
  if (job.status !== 'done' && job.status !== 'failed')
    throw new ConflictError('Cet import n’est pas terminé : son compte rendu viendra à la fin.');
  const rejected = (await importFilesOf(deps).readRejected(id)) ?? [];
  return { job, rejected };
}

/**
 * The report as French Excel opens it: UTF-8 with a BOM, `;`, CRLF. The totals first (one line
 * per outcome), then one line per rejected row with its line number in the file and the reason.
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
  for (const row of view.rejected) rows.push([String(row.line), row.email ?? '', 'rejeté', row.reason]);
  // A cell from the file that starts like a formula is shown as text, never run by the spreadsheet.
  const safe = rows.map((row) => row.map((cell) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell)));
  return `\uFEFF${stringify(safe, { delimiter: ';', record_delimiter: '\r\n' })}`;
}

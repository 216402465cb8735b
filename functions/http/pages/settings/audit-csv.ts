import { stringify } from 'csv-stringify/sync';
import type { AuditEntry } from '../../../domain/audit';
import { formatFrenchInstant } from '../../../domain/french-dates';
import { auditActionLabel, auditEntityLabels } from './audit-labels';

/**
 * The audit log as French Excel opens it without an import dialog: `;` between cells, UTF-8
 * with a byte-order mark, CRLF line ends. The ISO time stays beside the Paris time so that a
 * spreadsheet can sort it.
 */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) => [
    e.at,
    formatFrenchInstant(new Date(e.at)),
    e.actorName,
    e.actorId,
    auditActionLabel(e.action),
    e.action,
    auditEntityLabels[e.entity] ?? e.entity,
    e.entityId,
    e.detail ?? '',
  ]);
  return `\uFEFF${stringify(rows, {
    delimiter: ';',
    record_delimiter: 'windows',
    header: true,
    columns: [
      'Horodatage (UTC)',
      'Date (heure de Paris)',
      'Personne',
      'Identifiant',
      'Action',
      'Code action',
      'Objet',
      'Identifiant objet',
      'Détail',
    ],
    // A cell that starts like a formula (=, +, -, @) would run in a spreadsheet: it is quoted with a leading apostrophe.
    cast: { string: (v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v) },
  })}`;
}

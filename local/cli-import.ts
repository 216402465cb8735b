import { createReadStream, statSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { ImportReport } from '../functions/app/import-contacts';
import { ApiClient } from './api-client';

export interface UploadOptions {
  readonly baseUrl: string;
  /** The Authorization header value (`Bearer …`). */
  readonly authorization: string;
  readonly file: string;
  readonly listId: string;
  readonly mapping?: Record<string, string>;
  /** Called as bytes leave for the server. */
  readonly onProgress?: (sent: number, total: number) => void;
}

/**
 * Streams a CSV file to `POST /api/lists/{id}/import`. Plain node:http rather than fetch: the
 * answer comes only once every row is imported, which may outlast fetch's header timeout.
 */
export async function uploadCsv(options: UploadOptions): Promise<ImportReport> {
  const total = statSync(options.file).size;
  const query = new URLSearchParams({ filename: basename(options.file) });
  if (options.mapping && Object.keys(options.mapping).length > 0) query.set('mapping', JSON.stringify(options.mapping));
  const url = new URL(`${options.baseUrl.replace(/\/$/, '')}/api/lists/${encodeURIComponent(options.listId)}/import?${query}`);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = send(url, {
      method: 'POST',
      headers: { authorization: options.authorization, 'content-type': 'text/csv', 'content-length': String(total) },
    });
    let answered = false;
    req.once('response', (res) => {
      answered = true;
      resolve(res);
    });
    // The server may answer (404, 400) before reading the file and close: its answer is what counts.
    req.on('error', (e: Error) => {
      if (!answered) reject(new Error(`Communiqué ne répond pas sur ${options.baseUrl} (npm start est-il lancé ?) : ${e.message}`));
    });
    const file = createReadStream(options.file);
    let sent = 0;
    file.on('data', (chunk) => {
      sent += chunk.length;
      options.onProgress?.(sent, total);
    });
    file.once('error', (e) => req.destroy(e));
    file.pipe(req);
  });

  let text = '';
  response.setEncoding('utf8');
  for await (const chunk of response) text += chunk as string;
  if (response.statusCode !== 200) {
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not JSON: keep the raw text
    }
    throw new Error(`import refusé (${response.statusCode ?? '?'}) : ${message}`);
  }
  return JSON.parse(text) as ImportReport;
}

const megabytes = (n: number) => `${(n / 1_048_576).toLocaleString('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} Mo`;

/** One line on stderr, redrawn in place: `███░░░ 42 %  1,2 Mo / 2,9 Mo`. */
export function progressBar(sent: number, total: number, width = 30): string {
  const ratio = total === 0 ? 1 : Math.min(1, sent / total);
  const filled = Math.round(ratio * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${String(Math.floor(ratio * 100)).padStart(3)} %  ${megabytes(sent)} / ${megabytes(total)}`;
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('fr-FR')} ${n > 1 ? many : one}`;

/** The report as a press officer reads it. */
export function formatImportReport(report: ImportReport, options: { maxRejected?: number } = {}): string {
  const max = options.maxRejected ?? 50;
  const separator = report.format.separator === '\t' ? 'tabulation' : `« ${report.format.separator} »`;
  const lines = [
    `${plural(report.rows, 'ligne lue', 'lignes lues')} (encodage ${report.format.encoding}, séparateur ${separator})`,
    `  créés                        ${report.created}`,
    `  mis à jour                   ${report.updated}`,
    `  inchangés                    ${report.unchanged}`,
    `  ignorés (désinscrits, bloqués) ${report.skippedSuppressed}`,
    `  rejetés                      ${report.rejected.length}`,
  ];
  if (report.rejected.length > 0) {
    lines.push('', 'Lignes rejetées :');
    for (const r of report.rejected.slice(0, max)) lines.push(`  ligne ${r.line}${r.email ? ` (${r.email})` : ''} : ${r.reason}`);
    if (report.rejected.length > max) lines.push(`  … et ${report.rejected.length - max} autres (option --json pour la liste complète)`);
  }
  lines.push('', `Colonnes utilisées : ${report.format.columns.map((c) => `${c.header} → ${c.field}`).join(', ')}`);
  if (report.format.ignoredColumns.length > 0) lines.push(`Colonnes ignorées : ${report.format.ignoredColumns.join(', ')}`);
  return lines.join('\n');
}

const collectMapping = (value: string, previous: Record<string, string> = {}) => {
  const at = value.lastIndexOf('=');
  if (at <= 0) throw new Error(`--map attend « colonne=champ », pas « ${value} »`);
  return { ...previous, [value.slice(0, at).trim()]: value.slice(at + 1).trim() };
};

/** `communique import <file> --list <id>`: streams the file to the running app, shows the upload, prints the report. */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('importe des contacts presse depuis un fichier CSV (export Excel « ; », Windows-1252 ou UTF-8) dans une liste')
    .argument('<file>', 'fichier CSV')
    .requiredOption('-l, --list <id>', 'liste où importer les contacts')
    .option(
      '-m, --map <colonne=champ>',
      'associe une colonne du fichier à un champ (email, name, firstName, lastName, organisation, role, outlet, mediumType, tags, department, language, ignore) ; répétable',
      collectMapping,
    )
    .option('--json', 'affiche le compte rendu complet en JSON')
    .action(async (file: string, options: { list: string; map?: Record<string, string>; json?: boolean }) => {
      const api = ApiClient.fromEnv();
      const tty = process.stderr.isTTY === true;
      let lastDraw = 0;
      const report = await uploadCsv({
        baseUrl: api.baseUrl,
        authorization: api.authorization,
        file,
        listId: options.list,
        mapping: options.map,
        onProgress: (sent, total) => {
          const now = Date.now();
          if (!tty || (now - lastDraw < 100 && sent < total)) return;
          lastDraw = now;
          process.stderr.write(`\r${progressBar(sent, total)}${sent >= total ? '  envoyé, import des dernières lignes…' : ''}`);
        },
      });
      if (tty) process.stderr.write('\n');
      console.log(options.json ? JSON.stringify(report, null, 2) : formatImportReport(report));
    });
}

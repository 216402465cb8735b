import { ValidationError } from '../domain/errors';
import { type CsvFormat, type DetectedEncoding, readCsvRecords } from './contact-csv-reader';

/** What step 1 of the import wizard shows: how the file was read, its header, its first rows. */
export interface CsvPreview {
  readonly encoding: DetectedEncoding;
  readonly separator: string;
  readonly headers: string[];
  /** The first data rows, cells as read (a multi-line cell keeps its line breaks here). */
  readonly rows: string[][];
  /** Data rows in the file (blank ones left out): the progress bar's total. */
  readonly totalRows: number;
}

/** Hands the bytes to the CSV reader in pieces, as an upload stream would. */
export async function* piecesOf(bytes: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/**
 * Reads the whole file once with the import's own reader, so what the preview says (encoding,
 * separator, rows) is what the import will see. Refuses what the import would refuse outright
 * (empty, binary, a spreadsheet), with the reader's French message.
 */
export async function previewCsv(bytes: Uint8Array, maxRows = 5): Promise<CsvPreview> {
  const format: CsvFormat = { encoding: 'utf-8', bytes: 0 };
  let headers: string[] | undefined;
  const rows: string[][] = [];
  let totalRows = 0;
  for await (const records of readCsvRecords(piecesOf(bytes), format)) {
    for (const record of records) {
      if (!headers) {
        headers = record.fields.map((h) => h.trim());
        continue;
      }
      totalRows++;
      if (rows.length < maxRows) rows.push(record.fields);
    }
  }
  if (!headers) throw new ValidationError('Fichier vide : aucune ligne d’en-tête ni contact à importer.', 'file');
  return { encoding: format.encoding, separator: format.separator ?? ';', headers, rows, totalRows };
}

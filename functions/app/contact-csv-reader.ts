import { isAscii, isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { ValidationError } from '../domain/errors';

/**
 * Reading a contacts CSV as press offices really export it: French Excel (`;`, Windows-1252),
 * UTF-8 with or without BOM, UTF-16 "texte Unicode" (tab), quoted fields over several lines.
 * Bytes are decoded and split into records as they arrive: memory holds one chunk and the
 * record being read, never the file. Blank records and Excel's `sep=` line are left out.
 */

export type DetectedEncoding = 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be' | 'mixed';

export type CsvInput = AsyncIterable<Uint8Array> | Readable;

/** What the reader found out about the file, filled in as it reads. */
export interface CsvFormat {
  encoding: DetectedEncoding;
  /** Undefined until the header line has been read. */
  separator?: string;
  /** Bytes read so far. */
  bytes: number;
}

export interface CsvRecord {
  /** Physical line where the record starts (1-based). */
  readonly line: number;
  readonly fields: string[];
  /** The file ended inside a quoted field. */
  readonly unterminated?: boolean;
}

const SNIFF_BYTES = 8 * 1024;
const MAX_HEADER_CHARS = 64 * 1024;
export const MAX_RECORD_CHARS = 100_000;

/**
 * The file's records, a chunk's worth at a time (the header first). Throws ValidationError for
 * a file that is no CSV text (binary, spreadsheet, empty) or a record longer than any contact.
 */
export async function* readCsvRecords(input: CsvInput, format: CsvFormat): AsyncGenerator<CsvRecord[]> {
  let splitter: CsvSplitter | undefined;
  let skipSepLine = false;
  let head = '';
  const kept = (records: CsvRecord[]): CsvRecord[] => {
    const out: CsvRecord[] = [];
    for (const record of records) {
      if (!record.unterminated && record.fields.every((f) => f.trim() === '')) continue;
      if (skipSepLine) {
        skipSepLine = false;
        continue;
      }
      out.push(record);
    }
    return out;
  };
  const start = (headerLine: string): CsvSplitter => {
    const detected = detectSeparator(headerLine);
    format.separator = detected.separator;
    skipSepLine = detected.skipSepLine;
    return new CsvSplitter(detected.separator);
  };

  for await (const text of decodeText(bytesOf(input, format), format)) {
    if (splitter) {
      const records = kept(splitter.push(text));
      if (records.length > 0) yield records;
      continue;
    }
    // The separator is read from the header line, so the header is gathered first.
    head += text;
    const headerLine = firstNonBlankLine(head, false);
    if (headerLine === undefined && head.length < MAX_HEADER_CHARS) continue;
    splitter = start(headerLine ?? head);
    const records = kept(splitter.push(head));
    head = '';
    if (records.length > 0) yield records;
  }
  if (!splitter) {
    splitter = start(firstNonBlankLine(head, true) ?? '');
    const records = kept(splitter.push(head));
    if (records.length > 0) yield records;
  }
  const rest = kept(splitter.end());
  if (rest.length > 0) yield rest;
}

// --- bytes and encodings -------------------------------------------------------------------

async function* bytesOf(input: CsvInput, detected: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    detected.bytes += buf.length;
    if (buf.length > 0) yield buf;
  }
}

const startsWith = (buf: Buffer, ...bytes: number[]) => bytes.every((b, i) => buf[i] === b);

/** Why the first bytes are not a CSV text, if they are not. */
function notTextReason(head: Buffer): string | undefined {
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04) || startsWith(head, 0xd0, 0xcf, 0x11, 0xe0)) {
    return 'Ce fichier est un classeur (Excel ou LibreOffice), pas un CSV : enregistrez-le au format « CSV (séparateur : point-virgule) » puis importez ce fichier-là.';
  }
  let control = 0;
  for (const b of head) {
    if (b === 0) return 'Ce fichier n’est pas un fichier texte (CSV) : il contient des données binaires.';
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  if (control > head.length * 0.05) return 'Ce fichier n’est pas un fichier texte (CSV) : il contient des données binaires.';
  return undefined;
}

/** How many bytes at the end of `buf` begin a UTF-8 sequence that the next chunk completes. */
function incompleteUtf8Tail(buf: Buffer): number {
  for (let i = 1; i <= Math.min(3, buf.length); i++) {
    const b = buf[buf.length - i] as number;
    if ((b & 0xc0) === 0x80) continue;
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > i ? i : 0;
  }
  return 0;
}

/**
 * Bytes to text. A BOM decides (UTF-8, UTF-16); otherwise the text is read as ASCII until the
 * first non-ASCII bytes, which decide between UTF-8 (valid sequences) and Windows-1252. ASCII
 * reads the same in both, so nothing already decoded is ever wrong. A file that turns out
 * invalid as UTF-8 later on is read as Windows-1252 from there ("mixed").
 */
async function* decodeText(source: AsyncGenerator<Buffer>, detected: { encoding: DetectedEncoding }): AsyncGenerator<string> {
  let head: Buffer = Buffer.alloc(0);
  let ended = false;
  while (head.length < SNIFF_BYTES) {
    const next = await source.next();
    if (next.done) {
      ended = true;
      break;
    }
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (!ended) yield* source;
  }

  if (startsWith(head, 0xff, 0xfe) || startsWith(head, 0xfe, 0xff)) {
    const encoding = head[0] === 0xff ? 'utf-16le' : 'utf-16be';
    detected.encoding = encoding;
    head = head.subarray(2);
    const decoder = iconv.getDecoder(encoding, { stripBOM: false });
    for await (const buf of all()) yield decoder.write(buf);
    const rest = decoder.end();
    if (rest) yield rest;
    return;
  }

  let mode: 'ascii' | 'utf-8' | 'windows-1252' = 'ascii';
  if (startsWith(head, 0xef, 0xbb, 0xbf)) {
    mode = 'utf-8';
    head = head.subarray(3);
  }
  if (head.length === 0) throw new ValidationError('Fichier vide : aucune ligne à importer.', 'file');
  const refusal = notTextReason(head.subarray(0, SNIFF_BYTES));
  if (refusal) throw new ValidationError(refusal, 'file');

  let carry: Buffer = Buffer.alloc(0);
  let mixed = false;
  for await (const chunk of all()) {
    const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    carry = Buffer.alloc(0);
    if (mode === 'windows-1252') {
      yield iconv.decode(data, 'win1252');
      continue;
    }
    if (mode === 'ascii' && isAscii(data)) {
      yield data.toString('latin1');
      continue;
    }
    const tail = incompleteUtf8Tail(data);
    const body = data.subarray(0, data.length - tail);
    if (isUtf8(body)) {
      mode = 'utf-8';
      carry = Buffer.from(data.subarray(data.length - tail));
      yield body.toString('utf8');
    } else {
      mixed = mode === 'utf-8';
      mode = 'windows-1252';
      yield iconv.decode(data, 'win1252');
    }
  }
  // An unfinished UTF-8 sequence at the very end is not UTF-8: keep its bytes readable.
  if (carry.length > 0) {
    mixed = true;
    yield iconv.decode(carry, 'win1252');
  }
  detected.encoding = mixed ? 'mixed' : mode === 'windows-1252' ? 'windows-1252' : 'utf-8';
}

// --- CSV records ---------------------------------------------------------------------------

/**
 * RFC 4180 records from text pushed in pieces, with the physical line each record starts on
 * (CRLF, LF or CR line ends; quoted fields may hold line breaks and doubled quotes). Lenient
 * like Excel: a quote inside an unquoted field is kept as a character.
 */
class CsvSplitter {
  private field = '';
  private fields: string[] = [];
  private fieldStarted = false;
  private inQuotes = false;
  /** Inside quotes, a quote was just read: doubled quote or end of the quoted part. */
  private quoteSeen = false;
  private prevCR = false;
  private line = 1;
  private recordLine = 1;
  private recordChars = 0;

  constructor(private readonly delimiter: string) {}

  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charAt(i);
      if (this.quoteSeen) {
        this.quoteSeen = false;
        if (ch === '"') {
          this.append('"');
          continue;
        }
        this.inQuotes = false;
      }
      if (this.inQuotes) {
        if (ch === '"') {
          this.quoteSeen = true;
          this.prevCR = false;
          continue;
        }
        if (ch === '\r' || (ch === '\n' && !this.prevCR)) this.line++;
        this.prevCR = ch === '\r';
        this.append(ch);
        continue;
      }
      if (ch === '\n' && this.prevCR) {
        this.prevCR = false;
        continue;
      }
      this.prevCR = false;
      if (ch === this.delimiter) this.endField();
      else if (ch === '\r' || ch === '\n') {
        this.endField();
        out.push({ line: this.recordLine, fields: this.fields });
        this.fields = [];
        this.recordChars = 0;
        this.line++;
        this.recordLine = this.line;
        this.prevCR = ch === '\r';
      } else if (ch === '"' && !this.fieldStarted) {
        this.inQuotes = true;
        this.fieldStarted = true;
      } else this.append(ch);
    }
    return out;
  }

  end(): CsvRecord[] {
    if (this.quoteSeen) this.inQuotes = false;
    if (this.inQuotes) return [{ line: this.recordLine, fields: [], unterminated: true }];
    if (this.fieldStarted || this.fields.length > 0) {
      this.endField();
      return [{ line: this.recordLine, fields: this.fields }];
    }
    return [];
  }

  private append(ch: string) {
    this.field += ch;
    this.fieldStarted = true;
    if (++this.recordChars > MAX_RECORD_CHARS) {
      throw new ValidationError(
        `Ligne ${this.recordLine} : enregistrement de plus de ${MAX_RECORD_CHARS} caractères (guillemet jamais fermé ?). L’import s’est arrêté à cette ligne ; les lignes précédentes sont importées.`,
        'file',
      );
    }
  }

  private endField() {
    this.fields.push(this.field);
    this.field = '';
    this.fieldStarted = false;
  }
}

/** The first line holding something, if its end has been read (or `atEnd`). Linear: no regex backtracking on a huge line. */
function firstNonBlankLine(text: string, atEnd: boolean): string | undefined {
  let start = 0;
  while (start < text.length) {
    let end = start;
    while (end < text.length && text.charAt(end) !== '\r' && text.charAt(end) !== '\n') end++;
    const line = text.slice(start, end);
    if (end === text.length) return atEnd && line.trim() ? line : undefined;
    if (line.trim()) return line;
    start = end + 1;
  }
  return undefined;
}

/** `;`, `,` or tab: the one the header line holds most of, outside quotes (`;` first on a tie: French Excel). */
function detectSeparator(headerLine: string): { separator: string; skipSepLine: boolean } {
  const hint = /^"?sep=(.)"?\s*$/i.exec(headerLine.trim());
  if (hint?.[1]) return { separator: hint[1], skipSepLine: true };
  const counts = new Map<string, number>([
    [';', 0],
    ['\t', 0],
    [',', 0],
  ]);
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ';';
  for (const [sep, n] of counts) if (n > (counts.get(best) ?? 0)) best = sep;
  return { separator: best, skipSepLine: false };
}

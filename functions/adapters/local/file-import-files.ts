import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RejectedRow } from '../../app/import-contacts';
import { type ImportFileStore, isImportJobId, type SettledRow } from '../../app/import-files';

/**
 * Import files of the local runtime: `<root>/<jobId>.csv`, `<root>/<jobId>.rejected.json` and `.settled.json`
 * (root = `$DATA_DIR/imports`), written through a rename so a reader never sees half a file.
 */
export class FileImportFiles implements ImportFileStore {
  constructor(private readonly root: string) {}

  private path(jobId: string, suffix: string): string {
    if (!isImportJobId(jobId)) throw new Error(`invalid import job id: ${jobId}`);
    return join(this.root, `${jobId}${suffix}`);
  }

  private async write(path: string, data: Uint8Array | string): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await writeFile(`${path}.tmp`, data);
    await rename(`${path}.tmp`, path);
  }

  private async read(path: string): Promise<Buffer | undefined> {
    try {
      return await readFile(path);
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async putFile(jobId: string, bytes: Uint8Array): Promise<void> {
    await this.write(this.path(jobId, '.csv'), bytes);
  }
  async readFile(jobId: string): Promise<Uint8Array | undefined> {
    const buf = await this.read(this.path(jobId, '.csv'));
    return buf ? new Uint8Array(buf) : undefined;
  }
  async putRejected(jobId: string, rejected: readonly RejectedRow[]): Promise<void> {
    await this.write(this.path(jobId, '.rejected.json'), JSON.stringify(rejected));
  }
  async readRejected(jobId: string): Promise<RejectedRow[] | undefined> {
    const buf = await this.read(this.path(jobId, '.rejected.json'));
    return buf ? (JSON.parse(buf.toString('utf8')) as RejectedRow[]) : undefined;
  }
  async putSettled(jobId: string, rows: readonly SettledRow[]): Promise<void> {
    await this.write(this.path(jobId, '.settled.json'), JSON.stringify(rows));
  }
  async readSettled(jobId: string): Promise<SettledRow[] | undefined> {
    const buf = await this.read(this.path(jobId, '.settled.json'));
    return buf ? (JSON.parse(buf.toString('utf8')) as SettledRow[]) : undefined;
  }
}

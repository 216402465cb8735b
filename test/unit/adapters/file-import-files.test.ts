import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileImportFiles } from '../../../functions/adapters/local/file-import-files';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'import-files-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('FileImportFiles (the wizard’s CSV files under DATA_DIR/imports)', () => {
  it('keeps the bytes as uploaded and the rejected lines, readable by another instance (the worker)', async () => {
    const bytes = new Uint8Array([0x50, 0x72, 0xe9, 0x6e, 0x6f, 0x6d, 0x3b, 0x0d, 0x0a]);
    await new FileImportFiles(join(root, 'imports')).putFile('job-1', bytes);
    await new FileImportFiles(join(root, 'imports')).putRejected('job-1', [{ line: 3, email: 'x@', reason: 'adresse invalide' }]);

    const reopened = new FileImportFiles(join(root, 'imports'));

    expect(await reopened.readFile('job-1')).toEqual(bytes);
    expect(await reopened.readRejected('job-1')).toEqual([{ line: 3, email: 'x@', reason: 'adresse invalide' }]);
    expect((await readdir(join(root, 'imports'))).sort()).toEqual(['job-1.csv', 'job-1.rejected.json']);
  });

  it('answers undefined for an unknown job, and refuses an id that would leave the folder', async () => {
    const files = new FileImportFiles(root);

    expect(await files.readFile('absent')).toBeUndefined();
    expect(await files.readRejected('absent')).toBeUndefined();
    await expect(files.putFile('../evil', new Uint8Array([1]))).rejects.toThrow('invalid import job id');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../functions/app/import-contacts';
import { type RunningRuntime, startRuntime } from '../../local/runtime';
import { freshTable, localConfigFor } from '../support/emulator-context';
import { freePort } from '../support/free-port';
import { runCli } from '../support/run-cli';

const _projectDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('communique import <file> --list <id>: through the running app', () => {
  let runtime: RunningRuntime;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let listId: string;
  beforeAll(async () => {
    const { tableName } = await freshTable('cli-import');
    dataDir = mkdtempSync(join(tmpdir(), 'communique-cli-import-'));
    runtime = await startRuntime(localConfigFor(tableName, { port: await freePort(), dataDir }));
    env = { COMMUNIQUE_API_URL: runtime.appUrl, COMMUNIQUE_ADMIN_TOKEN: runtime.adminToken };
    const response = await fetch(`${runtime.appUrl}/api/lists`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Presse régionale', kind: 'press', optIn: 'single' }),
    });
    expect(response.status).toBe(201);
    listId = ((await response.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports the French Excel export and prints the report; a second import changes nothing', async () => {
    const file = 'test/fixtures/csv/presse-excel-cp1252.csv';

    const first = await runCli(['import', file, '--list', listId, '--json'], env);

    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as ImportReport;
    expect(report.format).toMatchObject({ encoding: 'windows-1252', separator: ';' });
    expect(report.created).toBeGreaterThan(5);
    expect(report.rejected.map((r) => r.line)).toContain(7);
    const members = await fetch(`${runtime.appUrl}/api/lists/${listId}/subscribers?limit=100`, {
      headers: { authorization: `Bearer ${runtime.adminToken}` },
    });
    expect(((await members.json()) as { items: unknown[] }).items).toHaveLength(report.created);

    const again = await runCli(['import', file, '--list', listId], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/créés\s+0\n/);
    expect(again.stdout).toMatch(new RegExp(`inchangés\\s+${report.created}\\n`));
  });

  it('says in French what is wrong: unknown list, missing file', async () => {
    const unknownList = await runCli(['import', 'test/fixtures/csv/contacts-en.csv', '--list', 'inconnue'], env);
    expect(unknownList.code).not.toBe(0);
    expect(unknownList.stderr).toMatch(/Liste introuvable/);

    const missing = await runCli(['import', 'absent.csv', '--list', listId], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/absent\.csv/);
  });
});

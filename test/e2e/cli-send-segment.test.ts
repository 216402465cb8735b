import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRuntime, startRuntime } from '../../local/runtime';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { freePort } from '../support/free-port';
import { runCli } from '../support/run-cli';

const _projectDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('communique send <release> --list <id> --segment <id>: through the running app', () => {
  let runtime: RunningRuntime;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${runtime.appUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${runtime.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await r.json()) as T;
  };
  beforeAll(async () => {
    const { tableName } = await freshTable('cli-segment');
    dataDir = mkdtempSync(join(tmpdir(), 'communique-cli-segment-'));
    runtime = await startRuntime(localConfigFor(tableName, { port: await freePort(), dataDir }));
    env = { COMMUNIQUE_API_URL: runtime.appUrl, COMMUNIQUE_ADMIN_TOKEN: runtime.adminToken };
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts the segment, then sends only to the members matching it', async () => {
    const domain = uniqueDomain();
    const list = await request<{ id: string }>('POST', '/api/lists', { name: 'Presse CLI', kind: 'press', optIn: 'single' });
    const people: [string, Record<string, unknown>][] = [
      ['radio41', { mediumType: 'radio', department: '41', tags: ['Social'] }],
      ['radio37', { mediumType: 'radio', department: '37', tags: ['social'] }],
      ['ecrit41', { mediumType: 'print', department: '41', tags: ['social'] }],
      ['tv41', { mediumType: 'tv', department: '41', tags: ['santé', 'social'] }],
    ];
    for (const [name, profile] of people)
      await request('POST', `/api/lists/${list.id}/subscribers`, { email: `${name}@${domain}`, ...profile });
    const segment = await request<{ id: string }>('POST', '/api/segments', {
      name: 'Audiovisuel du 41',
      filter: { mediumTypes: ['radio', 'tv'], departments: ['41'], tags: ['social'] },
    });
    const { items } = await request<{ items: { id: string; content: { kind: string } }[] }>('GET', '/api/releases');
    const release = items[0]?.id ?? 'missing';

    const sent = await runCli(['send', release, '--list', list.id, '--segment', segment.id, '--yes', '--watch'], env);

    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain('2 destinataire(s) du segment « Audiovisuel du 41 »  (écartés : 2 hors segment, 0 adresse(s) bloquée(s)');
    const mails = await outboxFor(domain);
    expect(mails.map((m) => m.destination.to[0]).sort()).toEqual([`radio41@${domain}`, `tv41@${domain}`]);

    const unknown = await runCli(['send', release, '--list', list.id, '--segment', 'inconnu', '--yes'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('Segment introuvable : inconnu');
  });
});

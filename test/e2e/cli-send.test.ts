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

describe('communique send <release> --list <id>: through the running app', () => {
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
    const { tableName } = await freshTable('cli-send');
    dataDir = mkdtempSync(join(tmpdir(), 'communique-cli-send-'));
    runtime = await startRuntime(localConfigFor(tableName, { port: await freePort(), dataDir }));
    env = { COMMUNIQUE_API_URL: runtime.appUrl, COMMUNIQUE_ADMIN_TOKEN: runtime.adminToken };
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the audience, refuses to send without a confirmation, then sends once each with --yes --watch', async () => {
    const domain = uniqueDomain();
    const list = await request<{ id: string }>('POST', '/api/lists', { name: 'Presse CLI', kind: 'press', optIn: 'single' });
    for (const name of ['alice', 'bruno', 'chloe', 'david'])
      await request('POST', `/api/lists/${list.id}/subscribers`, { email: `${name}@${domain}` });
    const { items } = await request<{ items: { id: string; content: { kind: string } }[] }>('GET', '/api/releases');
    const invitation = items.find((r) => r.content.kind === 'event-announcement')?.id ?? 'missing';

    const unconfirmed = await runCli(['send', invitation, '--list', list.id], env);
    expect(unconfirmed.code).not.toBe(0);
    expect(unconfirmed.stdout).toContain('4 destinataire(s)');
    expect(unconfirmed.stderr).toContain('relancez avec --yes');
    expect(await outboxFor(domain)).toEqual([]);

    const sent = await runCli(['send', invitation, '--list', list.id, '--yes', '--watch'], env);

    expect(sent.code).toBe(0);
    const finalLine =
      sent.stdout
        .split(/\r|\n/)
        .filter((l) => l.includes('[finished]'))
        .at(-1) ?? '';
    expect(finalLine).toContain('4/4');
    expect(finalLine).toContain('envoyés 4');
    expect(finalLine).toContain('█'.repeat(30));
    const mails = await outboxFor(domain);
    expect(mails.map((m) => m.destination.to[0]).sort()).toEqual(['alice', 'bruno', 'chloe', 'david'].map((n) => `${n}@${domain}`));
  });
});

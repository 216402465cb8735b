import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ical, { type VEvent } from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRuntime, startRuntime } from '../../local/runtime';
import { freshTable, localConfigFor } from '../support/emulator-context';
import { freePort } from '../support/free-port';
import { runCli } from '../support/run-cli';

const projectDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const seed000 = 'test/fixtures/releases/seed-000.json';
const seed001 = 'test/fixtures/releases/seed-001.json';

const eventsOf = (ics: string) => Object.values(ical.sync.parseICS(ics)).filter((c): c is VEvent => c?.type === 'VEVENT');

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'communique-cli-render-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('communique render <file>: no server needed', () => {
  it('--format ics prints the calendar entry of seed 001 (2 April 2024, 9:00 Paris)', async () => {
    const r = await runCli(['render', seed001, '--format', 'ics']);

    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/communique:/);
    const events = eventsOf(r.stdout);
    expect(events).toHaveLength(1);
    expect(events[0]?.summary).toBe('Festival du travail social (3e édition)');
    expect(events[0]?.start.toISOString()).toBe('2024-04-02T07:00:00.000Z');
  });

  it('--format text prints the plain-text mail with its title and dateline', async () => {
    const r = await runCli(['render', seed000, '--format', 'text']);

    expect(r.code).toBe(0);
    const title = (JSON.parse(readFileSync(join(projectDir, seed000), 'utf8')) as { title: string }).title;
    // French typography is applied: compare with spaces and apostrophes made plain.
    const plain = (t: string) => t.replace(/[\u202f\u00a0]/g, ' ').replace(/’/g, "'");
    expect(plain(r.stdout)).toContain(plain(title));
    expect(r.stdout).toContain('Blois, le 6 mars 2023');
    expect(r.stdout).not.toContain('<');
  });

  it('--format html --out writes the mail to a file and prints nothing on stdout', async () => {
    const out = join(scratch, 'seed-000.html');
    const r = await runCli(['render', seed000, '--out', out]);

    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('écrit dans');
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('lang="fr"');
    expect(html).toContain('#desinscription');
  });

  it('refuses an invalid release file with a non-zero exit and a French message naming the field', async () => {
    const bad = join(scratch, 'sans-titre.json');
    const seed = JSON.parse(readFileSync(join(projectDir, seed000), 'utf8')) as Record<string, unknown>;
    writeFileSync(bad, JSON.stringify({ ...seed, title: '' }));

    const r = await runCli(['render', bad, '--format', 'text']);

    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('champ « title » invalide');
    expect(r.stderr).toMatch(/Trop petit|caractère/);
  });

  it.each([
    ['an unknown brand', { brandId: 'cd99', title: 'Un titre' }, 'champ « brandId » : marque inconnue « cd99 »'],
    ['a file that is not JSON', '{ "title": ', 'JSON invalide'],
  ])('refuses %s with a French message', async (_label, content, message) => {
    const file = join(scratch, `bad-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));

    const r = await runCli(['render', file]);

    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
  });

  it('refuses ics for a release without event, and an unknown format', async () => {
    const noEvent = await runCli(['render', seed000, '--format', 'ics']);
    expect(noEvent.code).not.toBe(0);
    expect(noEvent.stderr).toContain('ne décrit pas d’événement');

    const unknown = await runCli(['render', seed000, '--format', 'pdf']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('« pdf » inconnu');
  });
});

describe('communique render <id>: through the running app', () => {
  let runtime: RunningRuntime;
  let dataDir: string;
  beforeAll(async () => {
    const { tableName } = await freshTable('cli-render');
    dataDir = mkdtempSync(join(tmpdir(), 'communique-cli-render-app-'));
    runtime = await startRuntime(localConfigFor(tableName, { port: await freePort(), dataDir }));
  });
  afterAll(async () => {
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the ICS of the stored seed 001 the same as rendered from its file', async () => {
    const r0 = await fetch(`${runtime.appUrl}/api/releases`, { headers: { authorization: `Bearer ${runtime.adminToken}` } });
    const { items } = (await r0.json()) as { items: { id: string; content: { kind: string } }[] };
    const id = items.find((r) => r.content.kind === 'event-announcement')?.id ?? 'missing';
    const env = { COMMUNIQUE_API_URL: runtime.appUrl, COMMUNIQUE_ADMIN_TOKEN: runtime.adminToken };

    const [byId, byFile] = [await runCli(['render', id, '--format', 'ics'], env), await runCli(['render', seed001, '--format', 'ics'])];

    expect(byId.code).toBe(0);
    const [stored, local] = [eventsOf(byId.stdout)[0], eventsOf(byFile.stdout)[0]];
    expect(stored?.uid).toBe(local?.uid);
    expect(stored?.start.toISOString()).toBe('2024-04-02T07:00:00.000Z');
    // everything but the stamp of when it was rendered is the same
    const withoutStamp = (s: string) => s.replace(/^DTSTAMP:.*$/m, '');
    expect(withoutStamp(byId.stdout)).toBe(withoutStamp(byFile.stdout));
  });

  it('says which release is unknown, in French, with a non-zero exit', async () => {
    const r = await runCli(['render', 'inconnu', '--format', 'text'], {
      COMMUNIQUE_API_URL: runtime.appUrl,
      COMMUNIQUE_ADMIN_TOKEN: runtime.adminToken,
    });

    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('404');
    expect(r.stderr).toContain('Communiqué introuvable : inconnu');
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port';

const dataDir = mkdtempSync(join(tmpdir(), 'communique-start-'));
const children: ChildProcess[] = [];

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitForHealth(url: string, timeoutMs: number, output: () => string): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.status === 200) return Date.now() - started;
    } catch {
      // not up yet
    }
    if (Date.now() - started > timeoutMs) throw new Error(`no /healthz after ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const portIsFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('serves health, outbox and demo data, keeps data across a restart, and stops cleanly', async () => {
    const ports = { PORT: String(await freePort()), DYNAMODB_PORT: String(await freePort()), SES_PORT: String(await freePort()) };
    const app = `http://127.0.0.1:${ports.PORT}`;

    // first start: health, outbox page, demo data
    const first = start(ports);
    await waitForHealth(app, 60_000, first.output);
    expect((await fetch(`http://127.0.0.1:${ports.SES_PORT}/`)).status).toBe(200);
    const token = /jeton admin\s+(\S+)/.exec(first.output())?.[1] ?? '';
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const lists = async () =>
      ((await (await fetch(`${app}/api/lists`, { headers })).json()) as { items: { name: string }[] }).items.map((l) => l.name).sort();
    expect(await lists()).toEqual(['Partenaires', 'Presse']);
    const releases = (await (await fetch(`${app}/api/releases`, { headers })).json()) as { items: { content: { kind: string } }[] };
    expect(releases.items.map((r) => r.content.kind).sort()).toEqual(['event-announcement', 'press-release']);
    // seed 000 went out on 6 March 2023: it is in the newsroom, whose address is printed
    expect(first.output()).toContain(`salle de presse    http://localhost:${ports.PORT}/newsroom`);
    const newsroom = await (await fetch(`${app}/newsroom`)).text();
    expect(newsroom).toContain('6 mars 2023');
    expect(newsroom.match(/<article>/g)).toHaveLength(1);
    expect((await fetch(`${app}/api/lists`, { method: 'POST', headers, body: JSON.stringify({ name: 'Gardée' }) })).status).toBe(201);

    // Ctrl-C: exits 0 and leaves no Java behind (DynamoDB Local's port is free again)
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(await portIsFree(Number(ports.DYNAMODB_PORT))).toBe(true);

    // second start: what the first stored is still there, demo data not loaded twice
    const second = start(ports);
    await waitForHealth(app, 60_000, second.output);
    expect(second.output()).toContain('déjà présentes');
    expect(await lists()).toEqual(['Gardée', 'Partenaires', 'Presse']);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('says in one line which port is taken, and exits non-zero', async () => {
    const taken: Server = createServer();
    const port = await freePort();
    await new Promise<void>((r) => taken.listen(port, '0.0.0.0', () => r()));
    try {
      const run = start({ PORT: String(port), DYNAMODB_PORT: String(await freePort()), SES_PORT: String(await freePort()) });
      expect(await run.exited).toBe(1);
      expect(run.output()).toMatch(new RegExp(`Le port ${port} \\(PORT\\) est déjà pris`));
    } finally {
      taken.close();
    }
  });
});

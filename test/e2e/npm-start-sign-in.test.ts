import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFirstAdmin } from '../../local/first-admin';
import { freePort } from '../support/free-port';

const dataDir = mkdtempSync(join(tmpdir(), 'communique-sign-in-'));
const children: ChildProcess[] = [];

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, COMMUNIQUE_ADMIN_EMAIL: '', COMMUNIQUE_ADMIN_PASSWORD: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => (output.includes('Ctrl-C pour arrêter') ? resolve() : undefined);
    child.stdout?.on('data', check);
    void exited.then((code) => reject(new Error(`npm start exited (${code}) before it was ready:\n${output}`)));
  });
  return { child, exited, ready, output: () => output };
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Signs in through the form, as a browser without JavaScript does; returns the session cookie. */
async function signIn(app: string, email: string, password: string): Promise<string | undefined> {
  const page = await fetch(`${app}/connexion`);
  const pre = /communique_csrf=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1] as string;
  const r = await fetch(`${app}/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `communique_csrf=${pre}` },
    body: new URLSearchParams({ _csrf: pre, email, password }),
  });
  return r.status === 303 ? /communique_session=([^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1] : undefined;
}

describe('npm start and the first admin', () => {
  it('creates the first admin once, prints how to sign in, and that sign-in opens the workspace', async () => {
    const ports = { PORT: String(await freePort()), DYNAMODB_PORT: String(await freePort()), SES_PORT: String(await freePort()) };
    const app = `http://127.0.0.1:${ports.PORT}`;

    const first = start(ports);
    await first.ready;
    const credentials = readFirstAdmin(dataDir);

    expect(credentials?.email).toBe('admin@communique.localhost');
    expect(statSync(join(dataDir, 'first-admin.json')).mode & 0o777).toBe(0o600);
    expect(first.output()).toContain(`espace de travail  http://localhost:${ports.PORT}/connexion   (premier compte admin créé)`);
    expect(first.output()).toContain(`e-mail           ${credentials?.email}`);
    expect(first.output()).toContain(`mot de passe     ${credentials?.password}`);
    const root = await fetch(`${app}/`, { redirect: 'manual' });
    expect(root.status).toBe(303);
    expect(root.headers.get('location')).toBe('/connexion');
    const session = await signIn(app, credentials?.email ?? '', credentials?.password ?? '');
    expect(session).toBeTruthy();
    const dashboard = await fetch(`${app}/`, { headers: { cookie: `communique_session=${session}` } });
    expect(dashboard.status).toBe(200);
    const dashboardPage = await dashboard.text();
    expect(dashboardPage).toContain('<h1>Tableau de bord</h1>');
    // The frame: the demo's own brand (Loir-et-Cher), its logo served from the media library.
    expect(dashboardPage).toContain('<span class="brand-name">Conseil départemental de Loir-et-Cher</span>');
    const logoUrl = /<img src="(http:\/\/localhost:\d+\/media\/[^"]+)"/.exec(dashboardPage)?.[1] ?? '';
    expect((await fetch(logoUrl)).headers.get('content-type')).toBe('image/png');
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    // a restart keeps the account (and the session) and creates no other; the env does not override it now
    const second = start({ ...ports, COMMUNIQUE_ADMIN_EMAIL: 'autre@example.org', COMMUNIQUE_ADMIN_PASSWORD: 'un autre mot de passe' });
    await second.ready;
    expect(second.output()).not.toContain('premier compte admin créé');
    expect(second.output()).toContain(`mot de passe     ${credentials?.password}`);
    expect(readFirstAdmin(dataDir)).toEqual(credentials);
    expect((await fetch(`${app}/`, { headers: { cookie: `communique_session=${session}` } })).status).toBe(200);
    expect((await fetch(logoUrl)).status).toBe(200);
    expect(await signIn(app, 'autre@example.org', 'un autre mot de passe')).toBeUndefined();
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRuntime, startRuntime } from '../../local/runtime';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { freePort } from '../support/free-port';

let runtime: RunningRuntime;
let dataDir: string;

async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, token = runtime.adminToken) {
  const r = await fetch(`${runtime.appUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: (text.startsWith('{') ? JSON.parse(text) : text) as T };
}

async function waitForCampaign(id: string, status: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api<{ status: string; counts: Record<string, number>; total?: number }>('GET', `/api/campaigns/${id}`);
    if (body.status === status) return body;
    if (Date.now() > deadline) throw new Error(`campaign ${id} still ${body.status}: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  const { tableName } = await freshTable('e2e');
  dataDir = mkdtempSync(join(tmpdir(), 'communique-e2e-'));
  runtime = await startRuntime(
    localConfigFor(tableName, { port: await freePort(), dataDir, publicBaseUrl: 'https://communique.example.org' }),
  );
});

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('draft to inbox through the HTTP API', () => {
  it('sends a seed release to a list: every mail has both parts and both unsubscribe headers', async () => {
    // prepare: a list of three subscribers at a domain only this test uses
    const domain = uniqueDomain();
    const list = await api<{ id: string }>('POST', '/api/lists', { name: 'Presse e2e', kind: 'press', optIn: 'single' });
    expect(list.status).toBe(201);
    for (const name of ['alice', 'bruno', 'chloe']) {
      const added = await api('POST', `/api/lists/${list.body.id}/subscribers`, { email: `${name}@${domain}`, name });
      expect(added.status).toBe(201);
    }
    const releases = await api<{ items: { id: string; content: { title: string; kind: string } }[] }>('GET', '/api/releases');
    const seed = releases.body.items.find((r) => r.content.kind === 'press-release');
    expect(seed).toBeDefined();

    // act
    const launched = await api<{ id: string; status: string }>('POST', '/api/campaigns', { releaseId: seed?.id, listIds: [list.body.id] });
    expect(launched.status).toBe(202);
    const done = await waitForCampaign(launched.body.id, 'finished');

    // assess
    expect(done.total).toBe(3);
    expect(done.counts).toMatchObject({ sent: 3, failed: 0, pending: 0, sending: 0 });
    const mails = await outboxFor(domain);
    expect(mails.map((m) => m.destination.to[0]).sort()).toEqual([`alice@${domain}`, `bruno@${domain}`, `chloe@${domain}`]);
    for (const mail of mails) {
      // French typography is applied to the subject: compare with spaces and apostrophes made plain.
      const plain = (t = '') => t.replace(/[\u202f\u00a0]/g, ' ').replace(/’/g, "'");
      expect(plain(mail.subject)).toBe(plain(seed?.content.title));
      expect(mail.body.html).toContain('<html');
      expect(mail.body.html).toContain('lang="fr"');
      expect(mail.body.text?.length).toBeGreaterThan(200);
      const header = (name: string) => mail.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
      expect(header('List-Unsubscribe')).toMatch(/^<https:\/\/communique\.example\.org\/unsubscribe\/[\w.-]+>$/);
      expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      const url = header('List-Unsubscribe')?.slice(1, -1) ?? '';
      expect(mail.body.html).toContain(url);
      expect(mail.body.text).toContain(url);
    }

    // the same release again to the same list through the same idempotency key: nobody gets a second copy
    const key = `e2e-${domain}`;
    const again1 = await api<{ id: string }>('POST', '/api/campaigns', {
      releaseId: seed?.id,
      listIds: [list.body.id],
      idempotencyKey: key,
    });
    const again2 = await api<{ id: string }>('POST', '/api/campaigns', {
      releaseId: seed?.id,
      listIds: [list.body.id],
      idempotencyKey: key,
    });
    expect(again2.body.id).toBe(again1.body.id);
    await waitForCampaign(again1.body.id, 'finished');
    expect(await outboxFor(domain)).toHaveLength(6);
  });

  it('unsubscribes on the one-click POST, not on a GET, and mails nobody who left', async () => {
    const domain = uniqueDomain();
    const list = await api<{ id: string }>('POST', '/api/lists', { name: 'Partenaires e2e', kind: 'partners', optIn: 'single' });
    for (const name of ['dora', 'emile']) await api('POST', `/api/lists/${list.body.id}/subscribers`, { email: `${name}@${domain}` });
    const releases = await api<{ items: { id: string }[] }>('GET', '/api/releases');
    const releaseId = releases.body.items[0]?.id;
    const first = await api<{ id: string }>('POST', '/api/campaigns', { releaseId, listIds: [list.body.id] });
    await waitForCampaign(first.body.id, 'finished');
    const doraMail = (await outboxFor(domain)).find((m) => m.destination.to[0] === `dora@${domain}`);
    const link = doraMail?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value.slice(1, -1) ?? '';
    const local = link.replace('https://communique.example.org', runtime.appUrl);

    const shown = await fetch(local);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('Confirmer la désinscription');
    const members = async () =>
      (await api<{ items: { email: string; status: string }[] }>('GET', `/api/lists/${list.body.id}/subscribers`)).body.items;
    expect((await members()).find((m) => m.email === `dora@${domain}`)?.status).toBe('confirmed');

    const posted = await fetch(local, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(posted.status).toBe(200);
    expect((await members()).find((m) => m.email === `dora@${domain}`)?.status).toBe('unsubscribed');
    const forged = await fetch(`${local.slice(0, -4)}AAAA`, { method: 'POST' });
    expect(forged.status).toBe(403);

    const second = await api<{ id: string }>('POST', '/api/campaigns', { releaseId, listIds: [list.body.id] });
    await waitForCampaign(second.body.id, 'finished');
    const mails = await outboxFor(domain);
    expect(mails.filter((m) => m.destination.to[0] === `dora@${domain}`)).toHaveLength(1);
    expect(mails.filter((m) => m.destination.to[0] === `emile@${domain}`)).toHaveLength(2);
  });

  it('answers bad requests with a clear error and stores nothing', async () => {
    const noToken = await fetch(`${runtime.appUrl}/api/lists`);
    expect(noToken.status).toBe(401);
    expect((await api('GET', '/api/lists', undefined, 'wrong-token')).status).toBe(401);
    expect((await fetch(`${runtime.appUrl}/api/openapi.json`)).status).toBe(200);

    const before = (await api<{ items: unknown[] }>('GET', '/api/lists')).body.items.length;
    const invalid = await api<{ field: string; message: string }>('POST', '/api/lists', { name: '' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.field).toBe('name');
    expect(invalid.body.message).toContain('name');
    expect((await api<{ items: unknown[] }>('GET', '/api/lists')).body.items).toHaveLength(before);

    const list = await api<{ id: string }>('POST', '/api/lists', { name: 'Erreurs' });
    const badEmail = await api<{ field: string }>('POST', `/api/lists/${list.body.id}/subscribers`, { email: 'pas-une-adresse' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.field).toBe('email');
    expect((await api<{ items: unknown[] }>('GET', `/api/lists/${list.body.id}/subscribers`)).body.items).toEqual([]);

    expect((await api('GET', '/api/releases/inconnu')).status).toBe(404);
    expect((await api('GET', '/api/lists/inconnue/subscribers')).status).toBe(404);
    expect((await api('GET', '/api/campaigns/inconnue')).status).toBe(404);
    const unknownList = await api<{ message: string }>('POST', '/api/campaigns', { releaseId: 'x', listIds: ['y'] });
    expect(unknownList.status).toBe(404);
    const badTitle = await api<{ field: string }>('POST', '/api/releases', { brandId: 'cd41', title: 'a\r\nBcc: x@example.org' });
    expect(badTitle.status).toBe(400);
    expect(badTitle.body.field).toBe('title');
  });

  it('describes the API in OpenAPI 3 and reports health', async () => {
    const doc = (await (await fetch(`${runtime.appUrl}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/releases',
      '/releases/{id}',
      '/releases/{id}/preview',
      '/lists',
      '/lists/{id}/subscribers',
      '/campaigns',
      '/campaigns/{id}',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const health = await fetch(`${runtime.appUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: true, mailer: true });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ical, { type VEvent } from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRuntime, startRuntime } from '../../local/runtime';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { freePort } from '../support/free-port';

let runtime: RunningRuntime;
let dataDir: string;
/** The demo data's two seeds: 000 the communiqué, 001 the festival invitation (an event announcement). */
let seeds: { pressRelease: string; invitation: string; invitationTitle: string };

async function call(method: string, path: string, body?: unknown) {
  const r = await fetch(`${runtime.appUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${runtime.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: r.status,
    type: r.headers.get('content-type') ?? '',
    disposition: r.headers.get('content-disposition'),
    text: await r.text(),
  };
}
const jsonOf = <T = { error: string; message: string; field?: string }>(text: string) => JSON.parse(text) as T;
const plain = (t = '') => t.replace(/[\u202f\u00a0]/g, ' ').replace(/’/g, "'");

beforeAll(async () => {
  const { tableName } = await freshTable('e2e-preview');
  dataDir = mkdtempSync(join(tmpdir(), 'communique-e2e-preview-'));
  runtime = await startRuntime(
    localConfigFor(tableName, { port: await freePort(), dataDir, publicBaseUrl: 'https://communique.example.org' }),
  );
  const { items } = jsonOf<{ items: { id: string; content: { kind: string; title: string } }[] }>(
    (await call('GET', '/api/releases')).text,
  );
  const invitation = items.find((r) => r.content.kind === 'event-announcement');
  const pressRelease = items.find((r) => r.content.kind === 'press-release');
  if (!invitation || !pressRelease) throw new Error(`demo data lacks a seed: ${JSON.stringify(items.map((r) => r.content.kind))}`);
  seeds = { pressRelease: pressRelease.id, invitation: invitation.id, invitationTitle: invitation.content.title };
});

afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('GET /api/releases/{id}/preview', () => {
  it('format=preview shows the mail at desktop (640 px) and phone (375 px) widths, with the text part', async () => {
    const r = await call('GET', `/api/releases/${seeds.invitation}/preview?format=preview`);

    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/html/);
    expect(r.text).toMatch(/<iframe title="Ordinateur" sandbox="" width="640"/);
    expect(r.text).toMatch(/<iframe title="Téléphone" sandbox="" width="375"/);
    // the mail is inside each frame (escaped into srcdoc), and the text part below them
    expect(r.text.match(/srcdoc="&lt;!doctype html&gt;/gi)).toHaveLength(2);
    expect(r.text).toContain('Version texte');
    expect(r.text).toMatch(/<h1[^>]*>Aperçu : 3e édition du «.Festival du travail social.»<\/h1>/);
  });

  it('format=ics gives the calendar entry of seed 001: the festival on 2 April 2024, 9:00–17:00 Paris time', async () => {
    const r = await call('GET', `/api/releases/${seeds.invitation}/preview?format=ics`);

    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/calendar/);
    expect(r.disposition).toBe('attachment; filename="festival-du-travail-social-2024-04-02.ics"');
    const events = Object.values(ical.sync.parseICS(r.text)).filter((c): c is VEvent => c?.type === 'VEVENT');
    expect(events).toHaveLength(1);
    expect(events[0]?.summary).toBe('Festival du travail social (3e édition)');
    expect(events[0]?.start.toISOString()).toBe('2024-04-02T07:00:00.000Z');
    expect(events[0]?.end?.toISOString()).toBe('2024-04-02T15:00:00.000Z');
  });

  it('format=ics of a release without event is a 422 with a French message', async () => {
    const r = await call('GET', `/api/releases/${seeds.pressRelease}/preview?format=ics`);

    expect(r.status).toBe(422);
    expect(r.type).toMatch(/^application\/json/);
    expect(jsonOf(r.text)).toMatchObject({
      error: 'render',
      field: 'event',
      message: expect.stringContaining('ne décrit pas d’événement'),
    });
  });

  it('format=web is the public web version: the release, without any per-recipient link', async () => {
    const [web, mail] = [
      await call('GET', `/api/releases/${seeds.pressRelease}/preview?format=web`),
      await call('GET', `/api/releases/${seeds.pressRelease}/preview?format=html`),
    ];

    expect(web.status).toBe(200);
    expect(web.type).toMatch(/^text\/html/);
    expect(web.text).toContain('lang="fr"');
    expect(web.text).toContain('Blois, le 6');
    // the mail preview has the footer links a recipient gets; the web version has none of them
    expect(mail.text).toContain('#desinscription');
    expect(web.text).not.toContain('#desinscription');
    expect(web.text).not.toContain('apercu@example.org');
  });

  it('format=text is the plain-text part; an unknown format is a 400 naming `format`', async () => {
    const text = await call('GET', `/api/releases/${seeds.pressRelease}/preview?format=text`);
    expect(text.status).toBe(200);
    expect(text.type).toMatch(/^text\/plain/);
    expect(text.text).toContain('Blois, le 6 mars 2023');
    expect(text.text).not.toContain('<');

    const bad = await call('GET', `/api/releases/${seeds.pressRelease}/preview?format=pdf`);
    expect(bad.status).toBe(400);
    expect(jsonOf(bad.text).field).toBe('format');
  });
});

describe('POST /api/releases/{id}/test', () => {
  it('lands exactly one mail, with both parts, both unsubscribe headers and the .ics, and creates no campaign', async () => {
    // prepare
    const domain = uniqueDomain();
    const campaignsBefore = jsonOf<{ items: unknown[] }>((await call('GET', '/api/campaigns')).text).items.length;
    // the admin token has no address of its own: the test address is on the admin's allow-list
    expect((await call('PUT', '/api/settings/test-recipients', { addresses: [`attache.presse@${domain}`] })).status).toBe(200);

    // act
    const r = await call('POST', `/api/releases/${seeds.invitation}/test`, { to: `Attache.Presse@${domain}` });

    // assess
    expect(r.status).toBe(202);
    const sent = jsonOf<{ messageId: string; to: string }>(r.text);
    expect(sent.to).toBe(`attache.presse@${domain}`);
    expect(sent.messageId).toEqual(expect.any(String));
    const mails = await outboxFor(domain);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.destination.to).toEqual([`attache.presse@${domain}`]);
    expect(plain(mail.subject)).toBe(`[TEST] ${plain(seeds.invitationTitle)}`);
    expect(mail.body.html).toContain('lang="fr"');
    expect(mail.body.text?.length).toBeGreaterThan(200);
    const header = (name: string) => mail.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
    expect(header('List-Unsubscribe')).toMatch(/^<https:\/\/communique\.example\.org\/unsubscribe\/[\w.-]+>$/);
    expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // a placeholder, not anyone's link: the public route refuses it (a click unsubscribes nobody)
    const link = header('List-Unsubscribe')?.slice(1, -1) ?? '';
    expect(mail.body.html).toContain(link);
    expect((await fetch(link.replace('https://communique.example.org', runtime.appUrl), { method: 'POST' })).status).toBe(403);
    expect(mail.attachments.map((a) => a.filename)).toEqual(['festival-du-travail-social-2024-04-02.ics']);
    expect(jsonOf<{ items: unknown[] }>((await call('GET', '/api/campaigns')).text).items).toHaveLength(campaignsBefore);
  });

  it('refuses a missing address (400 naming `to`) and a suppressed one (409, French), sending nothing', async () => {
    const domain = uniqueDomain();
    await runtime.wiring.deps.store.suppress(`parti@${domain}`, 'complaint', new Date().toISOString());
    await call('PUT', '/api/settings/test-recipients', { addresses: [`parti@${domain}`, `x@${domain}`] });

    const missing = await call('POST', `/api/releases/${seeds.pressRelease}/test`, {});
    const invalid = await call('POST', `/api/releases/${seeds.pressRelease}/test`, { to: 'pas-une-adresse' });
    const suppressed = await call('POST', `/api/releases/${seeds.pressRelease}/test`, { to: `parti@${domain}` });
    const unknown = await call('POST', '/api/releases/inconnu/test', { to: `x@${domain}` });

    expect(missing.status).toBe(400);
    expect(jsonOf(missing.text)).toMatchObject({ field: 'to', message: 'Champ « to » : adresse du destinataire du test requise' });
    expect(invalid.status).toBe(400);
    expect(jsonOf(invalid.text)).toMatchObject({ field: 'to', message: expect.stringContaining('Adresse e-mail invalide') });
    expect(suppressed.status).toBe(409);
    expect(jsonOf(suppressed.text).message).toContain('ne reçoit plus d’envois');
    expect(unknown.status).toBe(404);
    expect(await outboxFor(domain)).toEqual([]);
  });

  it('is described in the OpenAPI document, with the preview formats', async () => {
    const doc = (await (await fetch(`${runtime.appUrl}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string; schema?: { enum?: string[] } }[] }>>;
    };
    expect(Object.keys(doc.paths['/releases/{id}/test'] ?? {})).toEqual(['post']);
    const format = doc.paths['/releases/{id}/preview']?.get?.parameters?.find((p) => p.name === 'format');
    expect(format?.schema?.enum).toEqual(['html', 'text', 'ics', 'web', 'preview']);
  });
});

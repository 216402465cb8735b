import { beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../functions/app/manage-audience';
import { createRelease } from '../../functions/app/manage-releases';
import type { ConsentRecord } from '../../functions/domain/consent';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { fakeRenderer, testBrand } from '../support/fakes';

let wiring: LocalWiring;
const ua = 'Mozilla/5.0 (test)';

async function page(method: string, path: string, form?: Record<string, string | string[]>, ip = '203.0.113.7') {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form ?? {})) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  const r = await wiring.http.request(path, {
    method,
    headers: { 'user-agent': ua, 'x-test-client': ip, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? body.toString() : undefined,
  });
  return { status: r.status, text: await r.text() };
}

const events = (records: ConsentRecord[], listId?: string) => records.filter((r) => !listId || r.listId === listId).map((r) => r.event);
const linkIn = (text: string | undefined, path: string) =>
  new RegExp(`https://communique\\.example\\.org(/${path}/[\\w.-]+)`).exec(text ?? '')?.[1] ?? '';

beforeAll(async () => {
  const { tableName } = await freshTable('audience');
  wiring = buildLocalWiring(
    localConfigFor(tableName),
    { adminToken: 'admin', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
    fakeRenderer,
    { concurrency: 2, clientAddress: (c) => c.req.header('x-test-client') ?? '192.0.2.1' },
  );
  await wiring.deps.store.putBrand(testBrand);
});

describe('sign-up to unsubscribe, with the consent ledger at each step (DynamoDB Local + SES emulator)', () => {
  it('double opt-in, preference change, one-click unsubscribe, then no further mail', async () => {
    const { deps } = wiring;
    const domain = uniqueDomain();
    const email = `lea@${domain}`;
    const news = await createList(deps, { name: 'Lettre partenaires', kind: 'partners', optIn: 'double', publicSignup: true });
    // single opt-in: ticked in the preference centre, it confirms at once (a double opt-in list would wait for a mail)
    const events2 = await createList(deps, { name: 'Agenda', kind: 'public', optIn: 'single', publicSignup: true });
    const hidden = await createList(deps, { name: 'Interne', kind: 'press', optIn: 'single', publicSignup: false });

    // sign-up form: lists visible, hidden list absent
    const form = await page('GET', '/subscribe');
    expect(form.text).toContain('Lettre partenaires');
    expect(form.text).not.toContain('Interne');
    const posted = await page('POST', '/subscribe', {
      email: `  LEA@${domain.toUpperCase()} `,
      name: 'Léa',
      listIds: [news.id],
      website: '',
    });
    expect(posted.status).toBe(200);
    const subscriber = await deps.store.getSubscriberByEmail(email);
    expect(subscriber?.name).toBe('Léa');
    expect((await deps.store.getMembership(news.id, subscriber?.id ?? ''))?.status).toBe('unconfirmed');
    let ledger = await deps.store.listConsent(subscriber?.id ?? '');
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      event: 'requested',
      listId: news.id,
      source: 'form',
      lawfulBasis: 'consent',
      ip: '203.0.113.7',
      userAgent: ua,
      wordingVersion: expect.any(String),
      wording: expect.stringContaining('J’accepte'),
    });

    // the confirmation mail; a GET on its link confirms nothing, the POST does
    const [confirmation] = await outboxFor(domain);
    expect(confirmation?.subject).toContain('Confirmez');
    const confirmPath = linkIn(confirmation?.body.text, 'confirm');
    expect((await page('GET', confirmPath)).text).toContain('Je confirme');
    expect((await deps.store.getMembership(news.id, subscriber?.id ?? ''))?.status).toBe('unconfirmed');
    expect((await page('POST', confirmPath)).text).toContain('votre inscription est confirmée');
    expect((await deps.store.getMembership(news.id, subscriber?.id ?? ''))?.status).toBe('confirmed');
    expect((await page('POST', confirmPath)).text).toContain('déjà confirmée');
    ledger = await deps.store.listConsent(subscriber?.id ?? '');
    expect(events(ledger)).toEqual(['requested', 'confirmed']);

    // a campaign reaches her, with a preferences link; she adds "Agenda" there
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Lettre de mars' });
    await launchCampaign(deps, { releaseId: release.id, listIds: [news.id] });
    await wiring.queue.idle();
    const newsletter = (await outboxFor(domain)).find((m) => m.subject === 'Lettre de mars');
    const unsubscribePath = linkIn(newsletter?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value, 'unsubscribe');
    const { recipientLinks } = await import('../../functions/app/recipient-links');
    const preferencesPath = new URL(recipientLinks(deps, subscriber?.id ?? '').preferencesUrl).pathname;
    expect((await page('GET', preferencesPath)).text).toContain('Agenda');
    const saved = await page('POST', preferencesPath, { name: 'Léa M.', language: 'fr', listIds: [news.id, events2.id] });
    expect(saved.text).toContain('Préférences enregistrées');
    expect((await deps.store.getMembership(events2.id, subscriber?.id ?? ''))?.status).toBe('confirmed');
    expect((await deps.store.getSubscriber(subscriber?.id ?? ''))?.name).toBe('Léa M.');
    ledger = await deps.store.listConsent(subscriber?.id ?? '');
    expect(events(ledger, events2.id)).toEqual(['confirmed']);

    // one-click unsubscribe from the mail's header: the newsletter list only
    expect((await page('GET', unsubscribePath)).status).toBe(200);
    expect((await deps.store.getMembership(news.id, subscriber?.id ?? ''))?.status).toBe('confirmed');
    expect((await page('POST', unsubscribePath)).status).toBe(200);
    expect((await deps.store.getMembership(news.id, subscriber?.id ?? ''))?.status).toBe('unsubscribed');
    expect((await deps.store.getMembership(events2.id, subscriber?.id ?? ''))?.status).toBe('confirmed');
    ledger = await deps.store.listConsent(subscriber?.id ?? '');
    expect(events(ledger, news.id)).toEqual(['requested', 'confirmed', 'unsubscribed']);

    // no further mail from that list; an admin or import cannot put her back
    const before = (await outboxFor(domain)).length;
    const again = await createRelease(deps, { brandId: 'cd41', title: 'Lettre d’avril' });
    await expect(launchCampaign(deps, { releaseId: again.id, listIds: [news.id] })).rejects.toThrow(/Aucun destinataire/);
    await wiring.queue.idle();
    expect(await outboxFor(domain)).toHaveLength(before);
    expect((await addSubscriberToList(deps, news.id, { email, status: 'confirmed' })).outcome).toBe('suppressed');
    expect((await addSubscriberToList(deps, hidden.id, { email, consent: { source: 'import' } })).outcome).toBe('updated');
  });

  it('reveals nothing and mails at most once per address per window; honeypot and rate limit hold', async () => {
    const domain = uniqueDomain();
    const list = await createList(wiring.deps, { name: 'Public', kind: 'public', optIn: 'double', publicSignup: true });
    const a = await page('POST', '/subscribe', { email: `x@${domain}`, listIds: [list.id] }, '198.51.100.1');
    const b = await page('POST', '/subscribe', { email: `x@${domain}`, listIds: [list.id] }, '198.51.100.2');
    expect(a.text).toBe(b.text);
    expect(await outboxFor(domain)).toHaveLength(1);

    const bot = await page(
      'POST',
      '/subscribe',
      { email: `bot@${domain}`, listIds: [list.id], website: 'http://spam.example' },
      '198.51.100.3',
    );
    expect(bot.text).toBe(a.text);
    expect(await wiring.deps.store.getSubscriberByEmail(`bot@${domain}`)).toBeUndefined();

    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await page('POST', '/subscribe', { email: `r${i}@${domain}`, listIds: [list.id] }, '198.51.100.9')).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('refuses bad input with a clear page and stores nothing', async () => {
    const domain = uniqueDomain();
    const list = await createList(wiring.deps, { name: 'Public 2', kind: 'public', optIn: 'double', publicSignup: true });
    const bad = await page('POST', '/subscribe', { email: 'pas-une-adresse', listIds: [list.id] }, '192.0.2.1');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Adresse e-mail invalide');
    const html = await page(
      'POST',
      '/subscribe',
      { email: `h@${domain}`, name: '<script>alert(1)</script>', listIds: [list.id] },
      '192.0.2.2',
    );
    expect(html.status).toBe(400);
    expect(html.text).not.toContain('<script>alert(1)</script>');
    const unknown = await page('POST', '/subscribe', { email: `u@${domain}`, listIds: ['inconnue'] }, '192.0.2.3');
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Liste inconnue');
    expect(await wiring.deps.store.getSubscriberByEmail(`h@${domain}`)).toBeUndefined();
    expect(await wiring.deps.store.getSubscriberByEmail(`u@${domain}`)).toBeUndefined();
    expect((await page('GET', '/confirm/k1.e30.forged')).status).toBe(403);
    expect((await page('POST', '/preferences/k1.e30.forged')).text).toContain('Lien invalide');
  });

  it('exports a subscriber as JSON and erases them, keeping only a hash that stays suppressed', async () => {
    const { deps } = wiring;
    const domain = uniqueDomain();
    const list = await createList(deps, { name: 'Presse RGPD', kind: 'press', optIn: 'single' });
    const added = await addSubscriberToList(deps, list.id, { email: `rgpd@${domain}`, profile: { name: 'Rémi', outlet: 'Journal' } });
    const id = added.subscriber?.id ?? '';
    const headers = { authorization: 'Bearer admin' };
    const exported = (await (await wiring.http.request(`/api/subscribers/${id}/export`, { headers })).json()) as {
      subscriber: { email: string };
      consent: ConsentRecord[];
      memberships: unknown[];
    };
    expect(exported.subscriber.email).toBe(`rgpd@${domain}`);
    expect(exported.consent[0]).toMatchObject({ event: 'confirmed', lawfulBasis: 'legitimate-interest', source: 'admin' });
    expect(exported.memberships).toHaveLength(1);

    expect((await wiring.http.request(`/api/subscribers/${id}`, { method: 'DELETE', headers })).status).toBe(204);
    const after = JSON.stringify(await (await wiring.http.request(`/api/subscribers/${id}/export`, { headers })).json());
    expect(after).not.toContain('rgpd@');
    expect(after).not.toContain('Rémi');
    expect(after).toContain('"erased"');
    expect(await deps.store.getSubscriberByEmail(`rgpd@${domain}`)).toBeUndefined();
    expect((await addSubscriberToList(deps, list.id, { email: `RGPD@${domain}` })).outcome).toBe('suppressed');
    expect((await wiring.http.request('/api/subscribers/inconnu', { method: 'DELETE', headers })).status).toBe(404);
  });
});

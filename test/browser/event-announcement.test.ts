import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserStack,
  checkA11y,
  expectNoScriptErrors,
  field,
  mailsTo,
  screenshot,
  signIn,
  startBrowserStack,
  submitWith,
} from '../support/browser-stack';

let stack: BrowserStack;
let page: Page;

beforeAll(async () => {
  stack = await startBrowserStack('event-announcement');
  page = await stack.newPage();
  await page.goto('/connexion');
  await signIn(page, stack.admin);
});

afterAll(async () => {
  await stack?.stop();
});

/** French typography puts (narrow) no-break spaces before « : ; ! ? »: compare with plain spaces. */
const plain = (s: string | null | undefined) => (s ?? '').replace(/&nbsp;|&#160;|&#8239;|&#x202f;|\u00a0|\u202f/gi, ' ');
const desktopMail = async (p: Page) => plain(await p.locator('#apercu-ordinateur iframe').getAttribute('srcdoc'));
const textPart = async (p: Page) => plain(await p.locator('#apercu-texte pre').textContent());
const calendarEntry = (p: Page) => p.locator('#apercu-agenda pre').textContent();
const live = { timeout: 30_000 };

describe('a press attaché writes an event announcement from scratch, watches the preview, test-sends it', { timeout: 150_000 }, () => {
  it('starts from the list of releases: a new event announcement', async () => {
    await page.goto('/communiques');
    await checkA11y(page);

    await page.getByRole('link', { name: 'Nouvelle annonce d’événement' }).click();
    await page.waitForURL((u) => u.pathname === '/communiques/nouveau');

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Nouvelle annonce d’événement');
    await checkA11y(page);
  });

  it('the preview follows the typing: title, chapô, the event', async () => {
    await field(page, 'Titre').fill('Forum départemental des aidants');
    await field(page, 'Chapô').fill('Le Département réunit les aidants familiaux et les professionnels pour une journée d’échanges.');
    await field(page, 'Texte du communiqué (Markdown)').fill(
      'Une journée pour **s’informer** et se rencontrer.\n\nEntrée libre, sur inscription.',
    );
    await field(page, 'Nom de l’événement').fill('Forum des aidants');
    await field(page, 'Début (heure de Paris)').fill('2026-10-06T09:30');
    await field(page, 'Fin (heure de Paris)').fill('2026-10-06T17:00');
    await field(page, 'Lieu').fill('Halle aux grains');
    await field(page, 'Adresse du lieu').fill('2 place de la République, 41000 Blois');

    await expect.poll(() => desktopMail(page), live).toContain('Forum départemental des aidants');
    await expect.poll(() => desktopMail(page), live).toContain('Halle aux grains');
    expect(await textPart(page)).toContain('s’informer');
    // the calendar entry of the event, in Paris time
    await expect.poll(() => calendarEntry(page), live).toContain('BEGIN:VCALENDAR');
    expect(await calendarEntry(page)).toMatch(/SUMMARY:Forum des aidants/);
  });

  it('a programme of two rows, added in place; the preview shows them in order', async () => {
    await page.getByRole('button', { name: 'Ajouter une ligne au programme' }).click();
    await page.locator('[name="event.programme.0.title"]').waitFor();
    await page.locator('[name="event.programme.0.time"]').fill('9 h 30');
    await page.locator('[name="event.programme.0.title"]').fill('Accueil et café des aidants');

    await page.getByRole('button', { name: 'Ajouter une ligne au programme' }).click();
    await page.locator('[name="event.programme.1.title"]').waitFor();
    await page.locator('[name="event.programme.1.time"]').fill('10 h 00');
    await page.locator('[name="event.programme.1.title"]').fill('Table ronde : concilier aide et travail');
    await page.locator('[name="event.programme.1.speaker"]').fill('Marie Durand, psychologue');

    // the speaker was typed last: once it shows, the preview has caught up with the form
    await expect.poll(() => desktopMail(page), live).toContain('Marie Durand, psychologue');
    const html = await desktopMail(page);
    expect(html.indexOf('Accueil et café des aidants')).toBeGreaterThan(-1);
    expect(html.indexOf('Accueil et café des aidants')).toBeLessThan(html.indexOf('Table ronde : concilier aide et travail'));
    // nothing was saved while building it
    expect(new URL(page.url()).pathname).toBe('/communiques/nouveau');
    await checkA11y(page);
  });

  it('saves it: version 1, a draft, with its preview beside the form (screenshot for the README)', async () => {
    expect(await submitWith(page, page.getByRole('button', { name: 'Enregistrer', exact: true }).first(), '/communiques/nouveau')).toBe(
      303,
    );
    await page.waitForURL((u) => /^\/communiques\/[^/]+$/.test(u.pathname) && u.pathname !== '/communiques/nouveau');

    expect(await page.locator('#annonces').textContent()).toContain('Communiqué créé (version 1, brouillon).');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Forum départemental des aidants');
    expect(await page.locator('.release-meta').textContent()).toMatch(/Statut : brouillon — version 1/i);
    await expect.poll(() => desktopMail(page), live).toContain('Table ronde : concilier aide et travail');
    await checkA11y(page);

    await page.locator('h1').scrollIntoViewIfNeeded();
    await screenshot(page, 'editor-preview.png');
  });

  it('test-sends it to the signed-in person; the mail is in the SES emulator, marked as a test, with the programme', async () => {
    expect(await submitWith(page, page.getByRole('button', { name: `M’envoyer un test (${stack.admin.email})` }), /\/envoi-test$/)).toBe(
      303,
    );

    expect(await page.locator('#annonces').textContent()).toContain(`Mail de test envoyé à ${stack.admin.email}`);
    await expect
      .poll(async () => (await mailsTo(stack, stack.admin.email)).map((m) => m.subject), live)
      .toEqual([expect.stringContaining('Forum départemental des aidants')]);
    const [mail] = await mailsTo(stack, stack.admin.email);
    expect(mail?.subject).toMatch(/^\[TEST\]/);
    expect(mail?.subject).toContain('Forum départemental des aidants');
    expect(plain(mail?.body.html)).toContain('Accueil et café des aidants');
    expect(plain(mail?.body.text)).toContain('Table ronde : concilier aide et travail');
    // the event's calendar entry travels with it
    expect(mail?.attachments.some((a) => /calendar/.test(a.contentType) || a.filename?.endsWith('.ics'))).toBe(true);
    // a test send touches no list: nobody else got anything
    expect((await stack.outbox()).length).toBe(1);
    await checkA11y(page);
    expectNoScriptErrors(page);
  });
});

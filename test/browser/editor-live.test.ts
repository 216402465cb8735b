import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, checkA11y, expectNoScriptErrors, field, signIn, startBrowserStack } from '../support/browser-stack';

let stack: BrowserStack;
let page: Page;

beforeAll(async () => {
  stack = await startBrowserStack('editor-live');
  page = await stack.newPage();
  await page.goto('/connexion');
  await signIn(page, stack.admin);
});

afterAll(async () => {
  await stack?.stop();
});

const srcdoc = (p: Page) => p.locator('#apercu-ordinateur iframe').getAttribute('srcdoc');

describe('the editor with JavaScript: live preview, blocks by htmx, autosave', () => {
  it('previews an event announcement as it is typed, before it is saved', async () => {
    await page.goto('/communiques/nouveau?genre=evenement');
    await checkA11y(page);

    await field(page, 'Titre').fill('Journée des aidants');
    await field(page, 'Nom de l’événement').fill('Journée des aidants 2026');
    await field(page, 'Début (heure de Paris)').fill('2026-10-06T09:30');
    await field(page, 'Lieu').fill('Halle aux grains, Blois');

    await expect.poll(() => srcdoc(page), { timeout: 20_000 }).toContain('Journée des aidants');
    expect(await page.locator('#apercu-agenda pre').textContent()).toContain('BEGIN:VCALENDAR');
  });

  it('adds a programme row in place (htmx), focuses it, and the preview follows', async () => {
    await page.getByRole('button', { name: 'Ajouter une ligne au programme' }).click();
    const title = page.locator('[name="event.programme.0.title"]');
    await title.waitFor();
    await expect.poll(() => page.locator(':focus').getAttribute('name')).toBe('event.programme.0.time');

    await title.fill('Table ronde des aidants');

    await expect.poll(() => srcdoc(page), { timeout: 20_000 }).toContain('Table ronde des aidants');
    expect(new URL(page.url()).pathname).toBe('/communiques/nouveau');
  });

  it('shows an error beside the field it names while typing', async () => {
    await field(page, 'Lien d’inscription').fill('javascript:alert(1)');

    const slot = page.locator('#champ-event-registrationUrl-direct');
    await expect.poll(() => slot.textContent(), { timeout: 20_000 }).toContain('doit être une adresse http(s) ou mailto');

    await field(page, 'Lien d’inscription').fill('https://www.departement41.fr/aidants');
    await expect.poll(() => slot.textContent(), { timeout: 20_000 }).toBe('');
  });

  // axe runs on the new-release page above; here the preview's sandboxed iframes (no script may
  // run in them, axe included) make axe wait for each frame until its timeout.
  it('saves, then a draft saves itself after a pause in typing, keeping the version field current', async () => {
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).first().click();
    await page.waitForURL((u) => /^\/communiques\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('nouveau'));
    expect(await page.locator('#annonces').textContent()).toContain('Communiqué créé');
    expect(await page.locator('#version-enregistree').inputValue()).toBe('1');

    await field(page, 'Sous-titre').fill('Une journée pour celles et ceux qui aident un proche');

    await expect
      .poll(() => page.locator('#etat-enregistrement').textContent(), { timeout: 20_000 })
      .toMatch(/^Enregistré à \d+\u00a0h\u00a0\d{2} \(version 2\)/);
    expect(await page.locator('#version-enregistree').inputValue()).toBe('2');
    expectNoScriptErrors(page);
  });
});

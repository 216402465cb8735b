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

  it('two tabs on the same release: the later save shows who saved, the difference, keeps its text, and may replace theirs', async () => {
    const other = await stack.newPage();
    await signIn(other, stack.admin);
    await other.goto(new URL(page.url()).pathname);
    await field(other, 'Titre').fill('Journée des aidants : le programme');
    await other.getByRole('button', { name: 'Enregistrer', exact: true }).first().click();
    await other.waitForURL((u) => !u.pathname.endsWith('nouveau'));
    await expect.poll(() => other.locator('#annonces').textContent()).toContain('version 3');

    await field(page, 'Chapô').fill('Le Département invite les aidants à une journée d’échanges.');
    await expect
      .poll(() => page.locator('#etat-enregistrement').textContent(), { timeout: 20_000 })
      .toContain('Non enregistré automatiquement');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).first().click();

    const panel = page.getByRole('alert');
    await panel.waitFor();
    expect(await panel.textContent()).toContain('a enregistré la version 3');
    expect(await panel.locator('table').textContent()).toContain('Journée des aidants : le programme');
    expect(await field(page, 'Chapô').inputValue()).toBe('Le Département invite les aidants à une journée d’échanges.');

    await page.getByRole('button', { name: 'Enregistrer ma version à la place de la sienne' }).click();
    await expect.poll(() => page.locator('#annonces').textContent()).toContain('version 4');
    expect(await field(page, 'Titre').inputValue()).toBe('Journée des aidants');
    expectNoScriptErrors(page);
    expectNoScriptErrors(other);
  });
});

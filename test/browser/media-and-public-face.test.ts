import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, checkA11y, expectNoScriptErrors, field, signIn, startBrowserStack } from '../support/browser-stack';
import { pngBytes } from '../support/media-samples';

let stack: BrowserStack;
let page: Page;
let imageUrl = '';

beforeAll(async () => {
  stack = await startBrowserStack('media');
  page = await stack.newPage();
  await page.goto('/connexion');
  await signIn(page, stack.admin);
});

afterAll(async () => {
  await stack?.stop();
});

describe('a press attaché uploads an image, uses it in a release and as a logo; a visitor reads the public face', () => {
  it('uploads an image with its alt text to the library', async () => {
    await page.goto('/mediatheque');
    await checkA11y(page);
    await page.locator('#champ-file').setInputFiles({ name: 'Affiche festival.png', mimeType: 'image/png', buffer: Buffer.from(pngBytes) });
    await field(page, 'Texte alternatif (obligatoire pour une image)').fill('Affiche du festival du travail social');
    await field(page, 'Crédit (facultatif)').fill('© CD41');
    await page.getByRole('button', { name: 'Ajouter à la médiathèque' }).click();
    await page.waitForURL((u) => u.pathname === '/mediatheque');
    expect(await page.locator('#annonces').textContent()).toContain('« affiche-festival.png » est dans la médiathèque.');
    imageUrl = (await page.locator('td code').first().textContent()) ?? '';
    expect(imageUrl).toMatch(/\/media\/[a-z0-9-]+\/affiche-festival\.png$/);
    await checkA11y(page);
    const served = await fetch(imageUrl);
    expect(served.headers.get('content-type')).toBe('image/png');
  });

  it('uses it in a new release: the address field suggests it', async () => {
    await page.goto('/communiques/nouveau');
    expect(await page.locator(`#mediatheque-images option[value="${imageUrl}"]`).count()).toBe(1);
    await field(page, 'Titre').fill('Le festival a son affiche');
    await page.getByRole('button', { name: 'Ajouter une image' }).click();
    const url = page.locator('[name="images.0.url"]');
    await url.waitFor();
    expect(await url.getAttribute('list')).toBe('mediatheque-images');
    await url.fill(imageUrl);
    await page.locator('[name="images.0.alt"]').fill('Affiche du festival du travail social');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).first().click();
    await page.waitForURL((u) => /^\/communiques\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('nouveau'));
    expect(await page.locator('[name="images.0.url"]').inputValue()).toBe(imageUrl);
  });

  it('sets it as the brand’s logo in Réglages › Marques', async () => {
    await page.goto('/reglages/marques');
    await checkA11y(page);
    await page.locator('table a').first().click();
    await page.waitForURL((u) => /^\/reglages\/marques\/[^/]+$/.test(u.pathname));
    await checkA11y(page);
    await field(page, 'Logo').selectOption({ label: 'affiche-festival.png — Affiche du festival du travail social' });
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL((u) => /^\/reglages\/marques\/[^/]+$/.test(u.pathname));
    expect(await page.locator('#annonces').textContent()).toMatch(/Marque « .+ » enregistrée\./);
    expectNoScriptErrors(page);
  });

  it('a visitor reads the newsroom in the brand’s identity, searches it, and finds the sitemap', async () => {
    const visitor = await stack.newPage();
    await visitor.goto('/newsroom');
    await checkA11y(visitor);
    expect(await visitor.getByRole('heading', { name: 'À la une' }).count()).toBe(1);
    await field(visitor, 'Rechercher').fill('festival');
    await visitor.getByRole('button', { name: 'Filtrer' }).click();
    await visitor.waitForURL((u) => u.searchParams.get('q') === 'festival');
    await checkA11y(visitor);
    const brandLink = visitor.locator('nav.brands a').first();
    if ((await brandLink.count()) > 0) {
      await brandLink.click();
      await visitor.waitForURL((u) => /^\/newsroom\/[^/]+$/.test(u.pathname));
    }
    await checkA11y(visitor);
    const sitemap = await (await fetch(`${stack.baseUrl}/sitemap.xml`)).text();
    expect(sitemap).toContain(`<loc>${stack.baseUrl}/newsroom</loc>`);
    expect(sitemap).toMatch(/<loc>[^<]+\/releases\/[^<]+<\/loc>/);
    expectNoScriptErrors(visitor);
  });

  it('the sign-up page wears a brand and gives the GDPR information', async () => {
    const visitor = await stack.newPage();
    await visitor.goto('/subscribe');
    await checkA11y(visitor);
    expect(await visitor.getByRole('heading', { name: 'Vos données personnelles' }).count()).toBe(1);
    expect(await visitor.getByRole('link', { name: 'Mentions légales' }).count()).toBe(1);
    await visitor.getByRole('link', { name: 'Données personnelles' }).click();
    await checkA11y(visitor);
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, checkA11y, expectNoScriptErrors, field, signIn, startBrowserStack } from '../support/browser-stack';
import { pngBytes } from '../support/media-samples';

/**
 * An image from the media library in a release, seen where the press attaché checks the mail
 * before sending it: the editor's preview. The library page and the editor's address suggestion
 * are covered by media-and-public-face.test.ts; this journey follows the image into the rendered
 * mail (live while typing, then saved) and checks the browser really displays it there (decoded,
 * not a broken image: the preview's frame may load it). axe on every page.
 */
let stack: BrowserStack;
let page: Page;
let imageUrl = '';

const alt = 'Les lauréats du prix de l’innovation sociale';
const desktopPreview = (p: Page) => p.locator('#apercu-ordinateur iframe');

beforeAll(async () => {
  stack = await startBrowserStack('media-preview');
  page = await stack.newPage();
  await page.goto('/connexion');
  await signIn(page, stack.admin);
});

afterAll(async () => {
  await stack?.stop();
});

describe('an image from the media library shows in the release’s mail preview', { timeout: 150_000 }, () => {
  it('uploads the image with its alt text and credit', async () => {
    await page.goto('/mediatheque');
    await checkA11y(page);
    await page.locator('#champ-file').setInputFiles({ name: 'Laureats 2026.png', mimeType: 'image/png', buffer: Buffer.from(pngBytes) });
    await field(page, 'Texte alternatif (obligatoire pour une image)').fill(alt);
    await field(page, 'Crédit (facultatif)').fill('© Département');
    await page.getByRole('button', { name: 'Ajouter à la médiathèque' }).click();
    await page.waitForURL((u) => u.pathname === '/mediatheque');
    await checkA11y(page);
    imageUrl = (await page.locator('td code').first().textContent()) ?? '';
    expect(imageUrl).toMatch(/^http:\/\/localhost:\d+\/media\/[a-z0-9-]+\/laureats-2026\.png$/);
  });

  it('puts it in a new release: the preview shows it while typing, before any save', async () => {
    await page.goto('/communiques/nouveau');
    await checkA11y(page);
    await field(page, 'Titre').fill('Prix de l’innovation sociale : les lauréats');
    await page.getByRole('button', { name: 'Ajouter une image' }).click();
    const url = page.locator('[name="images.0.url"]');
    await url.waitFor();
    // the library's files are the suggestions of the address field
    const suggestion = page.locator(`#${await url.getAttribute('list')} option[value="${imageUrl}"]`);
    expect(await suggestion.count()).toBe(1);
    await url.fill(imageUrl);
    await page.locator('[name="images.0.alt"]').fill(alt);

    await expect.poll(() => desktopPreview(page).getAttribute('srcdoc'), { timeout: 30_000 }).toContain(imageUrl);
    expect(new URL(page.url()).pathname).toBe('/communiques/nouveau');
  });

  it('saves it; the saved release’s preview displays the image, decoded, with its alt text', async () => {
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).first().click();
    await page.waitForURL((u) => /^\/communiques\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('nouveau'));
    await checkA11y(page);
    expect(await page.locator('[name="images.0.url"]').inputValue()).toBe(imageUrl);

    const image = page.frameLocator('#apercu-ordinateur iframe').locator(`img[src="${imageUrl}"]`);
    await image.waitFor();
    expect(await image.getAttribute('alt')).toBe(alt);
    // loaded from the app (the media route) and decoded: a 1×1 PNG, not a broken-image icon
    await expect
      .poll(
        () =>
          image.evaluate((img) => {
            // no DOM types in this project's lib: the element's two properties, typed here
            const loaded = img as unknown as { complete: boolean; naturalWidth: number };
            return loaded.complete && loaded.naturalWidth;
          }),
        { timeout: 20_000 },
      )
      .toBe(1);
    expectNoScriptErrors(page);
  });
});

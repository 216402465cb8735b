import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, checkA11y, expectNoScriptErrors, field, signIn, startBrowserStack } from '../support/browser-stack';

/**
 * A press attaché narrows the demo's "Presse" list (print, radio, TV, web: local/demo-data.ts)
 * to a segment made in the workspace, watches the counts follow, and sends to it: only the
 * matching journalists get the mail. axe on every page.
 */
let stack: BrowserStack;
let page: Page;
let releaseId = '';
const h1 = () => page.getByRole('heading', { level: 1 }).textContent();

beforeAll(async () => {
  stack = await startBrowserStack('segment-send');
  page = await stack.newPage();
  await page.goto('/connexion');
  await signIn(page, stack.admin);
  const r = await fetch(`${stack.baseUrl}/api/releases`, { headers: { authorization: `Bearer ${stack.runtime.adminToken}` } });
  releaseId = ((await r.json()) as { items: { id: string }[] }).items[0]?.id ?? '';
});

afterAll(async () => {
  await stack?.stop();
});

describe('a segment made in the workspace, then a send to it', { timeout: 180_000 }, () => {
  it('creates « Audiovisuel » (radio or TV) with the count of who matches following the boxes', async () => {
    await page.goto('/audience');
    await page.getByRole('link', { name: 'Segments' }).click();
    await page.waitForURL((u) => u.pathname === '/audience/segments');
    await checkA11y(page);
    await page.getByRole('link', { name: 'Créer un segment' }).click();
    await page.waitForURL((u) => u.pathname === '/audience/segments/nouveau');

    await field(page, 'Nom du segment').fill('Audiovisuel');
    await page.getByRole('checkbox', { name: 'radio' }).check();
    await page.getByRole('checkbox', { name: 'télévision' }).check();
    await expect
      .poll(() => page.locator('#apercu-segment').textContent(), { timeout: 30_000 })
      .toContain('2 contacts joignables correspondent');
    await checkA11y(page);
    await page.getByRole('button', { name: 'Créer le segment' }).click();

    await page.waitForURL((u) => /^\/audience\/segments\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('nouveau'));
    expect(await h1()).toBe('Segment : Audiovisuel');
    expect(await page.locator('table').textContent()).toMatch(/Presse.*2 personnes.*2 hors segment/s);
    expect(await page.locator('#annonces').textContent()).toContain('Segment « Audiovisuel » créé.');
    await checkA11y(page);
  });

  it('chooses the segment in the send dialog, sees 2 recipients, confirms, and only they get the mail', async () => {
    await page.goto(`/communiques/${releaseId}/envoi`);
    const presse = page.getByRole('checkbox', { name: /^Presse/ });
    if (!(await presse.isChecked())) await presse.check();
    await field(page, 'Segment (facultatif)').selectOption({ label: 'Audiovisuel' });
    await expect
      .poll(() => page.locator('#resume-envoi').textContent(), { timeout: 30_000 })
      .toMatch(/2 destinataires distincts.*segment « Audiovisuel ».*2 hors segment/s);
    await checkA11y(page);

    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.waitForURL((u) => u.pathname === `/communiques/${releaseId}/envoi/confirmation`);
    expect(await page.locator('dl.summary').textContent()).toContain('Audiovisuel (média : radio ou télévision)');
    await checkA11y(page);
    await page.getByRole('button', { name: 'Envoyer à 2 destinataires' }).click();
    await page.waitForURL((u) => /^\/campagnes\/[^/]+$/.test(u.pathname));
    await expect.poll(() => page.locator('#progression .status').textContent(), { timeout: 90_000 }).toBe('terminée');
    expect(await page.locator('main').textContent()).toContain('Segment : « Audiovisuel »');
    await checkA11y(page);

    const sent = (await stack.outbox()).map((m) => m.destination.to[0]).sort();
    expect(sent).toEqual(['julien.robert@example.org', 'sophie.bernard@example.com']);
    expectNoScriptErrors(page);
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserStack,
  checkA11y,
  expectNoScriptErrors,
  field,
  invitePerson,
  noticeOf,
  plain,
  signIn,
  startBrowserStack,
  submitWith,
} from '../support/browser-stack';

let stack: BrowserStack;
let attache: Page;
let reviewerPage: Page;
let releaseId = '';
const seedTitle = /Festival du travail social/;
const live = { timeout: 20_000 };
const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

beforeAll(async () => {
  stack = await startBrowserStack('review-and-schedule');
  attache = await stack.newPage();
  await attache.goto('/connexion');
  await signIn(attache, stack.admin);
});

afterAll(async () => {
  await stack?.stop();
});

describe('submit, approve as a second person, schedule at a Paris time, see it on the dashboard', { timeout: 150_000 }, () => {
  it('the admin invites a reviewer, who chooses a password from the invitation mail', async () => {
    ({ page: reviewerPage } = await invitePerson(stack, attache, {
      name: 'Marc Relecteur',
      email: 'marc.relecteur@example.org',
      role: 'reviewer',
    }));

    expect(await reviewerPage.locator('#annonces').textContent()).toContain('Votre compte est actif. Bienvenue, Marc Relecteur.');
    expect(await reviewerPage.locator('.site-header').textContent()).toContain('(relecture)');
    await checkA11y(reviewerPage);
  });

  it('the attaché submits seed 001', async () => {
    await attache.goto('/communiques');
    await attache.getByRole('link', { name: seedTitle }).first().click();
    await attache.waitForURL((u) => /^\/communiques\/[^/]+$/.test(u.pathname));
    releaseId = new URL(attache.url()).pathname.split('/')[2] ?? '';

    expect(await submitWith(attache, attache.getByRole('button', { name: 'Soumettre à la relecture' }), /\/soumettre$/)).toBe(303);
    await attache.waitForURL((u) => u.pathname === `/communiques/${releaseId}`);

    await expect.poll(() => noticeOf(attache), live).toMatch(/Communiqué soumis à la relecture/);
    await checkA11y(attache);
  });

  it('the reviewer approves it from « À relire », after reading the rendered mail', async () => {
    await reviewerPage.goto('/relecture');
    await checkA11y(reviewerPage);
    await reviewerPage.getByRole('link', { name: seedTitle }).click();
    await reviewerPage.waitForURL((u) => u.pathname === `/relecture/${releaseId}`);
    expect(await reviewerPage.getByRole('heading', { name: 'Le mail, tel qu’il partira' }).count()).toBe(1);
    await checkA11y(reviewerPage);

    await reviewerPage.getByRole('button', { name: /^Approuver la version \d+$/ }).click();
    await reviewerPage.waitForURL((u) => u.pathname === '/relecture');

    expect(await reviewerPage.locator('#annonces').textContent()).toMatch(/Communiqué approuvé \(version \d+\)\./);
    expect(await reviewerPage.getByText('Aucun communiqué n’attend de relecture.').count()).toBe(1);
  });

  it('the attaché schedules it for 15 March 2027 at 10:30, Paris time, and confirms', async () => {
    await attache.goto(`/communiques/${releaseId}/envoi`);
    await attache.getByRole('checkbox', { name: /^Presse/ }).check();
    await attache.getByRole('radio', { name: /À une date et une heure/ }).check();
    await field(attache, 'Date d’envoi').fill('2027-03-15');
    await field(attache, 'Heure d’envoi (heure de Paris, fuseau Europe/Paris)').fill('10:30');
    await expect
      .poll(async () => plain(await attache.locator('#resume-envoi').textContent()), { timeout: 30_000 })
      .toContain('Envoi programmé le lundi 15 mars 2027 à 10 h 30 (heure de Paris)');
    await checkA11y(attache);

    await attache.getByRole('button', { name: 'Continuer' }).click();
    await attache.waitForURL((u) => u.pathname.endsWith('/envoi/confirmation'));
    expect(await h1(attache)).toBe('Confirmer la programmation');
    expect(plain(await attache.locator('dl.summary').textContent())).toContain('le lundi 15 mars 2027 à 10 h 30 (heure de Paris)');
    await checkA11y(attache);

    await attache.getByRole('button', { name: 'Programmer l’envoi à 4 destinataires' }).click();
    await attache.waitForURL((u) => /^\/campagnes\/[^/]+$/.test(u.pathname));
    expect(await noticeOf(attache)).toContain('Envoi programmé le lundi 15 mars 2027 à 10 h 30 (heure de Paris).');
    expect(await attache.locator('#progression .status').textContent()).toBe('programmée');
    await checkA11y(attache);
  });

  it('the dashboard lists it among the next scheduled sends, in Paris time with the zone named; nothing left yet', async () => {
    await attache.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Tableau de bord' }).click();
    await attache.waitForURL((u) => u.pathname === '/');

    const scheduled = attache.locator('section').filter({ has: attache.locator('#titre-programmes') });
    expect((await scheduled.getByRole('listitem').allTextContents()).map(plain)).toEqual([
      expect.stringMatching(/Festival du travail social.* — le lundi 15 mars 2027 à 10 h 30 \(heure de Paris\)$/),
    ]);
    await checkA11y(attache);
    // only the invitation went out: the campaign waits for its time
    expect((await stack.outbox()).map((m) => m.subject)).toEqual([expect.stringMatching(/^Invitation/)]);
    expectNoScriptErrors(attache);
    expectNoScriptErrors(reviewerPage);
  });
});

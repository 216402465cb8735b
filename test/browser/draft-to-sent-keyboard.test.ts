import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserStack,
  type Credentials,
  checkA11y,
  expectNoScriptErrors,
  field,
  invitePerson,
  type Person,
  screenshot,
  signIn,
  startBrowserStack,
} from '../support/browser-stack';
import { activate, tabTo } from './keyboard';

/**
 * Seed 001 (the demo's draft festival invitation) from draft to a finished campaign, with the
 * keyboard only: Tab / Shift+Tab to move, Enter and Space to act, typing into fields. No
 * click, no focus() from the test. The second person (the reviewer) is brought in beforehand
 * by the admin's invitation (setup, with the mouse); their part of the journey is keyboard too.
 */

let stack: BrowserStack;
let attache: Page;
let reviewerPage: Page;
let reviewer: Person;
let releaseId = '';
const seedTitle = /Festival du travail social/;

/** The 4 confirmed members of the demo's "Presse" list (local/demo-data.ts). */
const pressMembers = ['claire.martin@example.org', 'julien.robert@example.org', 'sophie.bernard@example.com', 'redaction@example.com'];

beforeAll(async () => {
  stack = await startBrowserStack('draft-to-sent-keyboard');
  const setup = await stack.newPage();
  await setup.goto('/connexion');
  await signIn(setup, stack.admin);
  ({ who: reviewer } = await invitePerson(stack, setup, { name: 'Hélène Comité', email: 'helene.comite@example.org', role: 'reviewer' }));
  await setup.context().close();

  attache = await stack.newPage();
  reviewerPage = await stack.newPage();
});

afterAll(async () => {
  await stack?.stop();
});

async function signInByKeyboard(page: Page, who: Credentials): Promise<void> {
  await page.goto('/connexion');
  await tabTo(page, field(page, 'Adresse e-mail'));
  await page.keyboard.type(who.email);
  await tabTo(page, field(page, 'Mot de passe'));
  await page.keyboard.type(who.password);
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname === '/');
}

const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

describe('seed 001 from draft to sent, keyboard only', { timeout: 180_000 }, () => {
  it('the press attaché signs in and opens seed 001 from the list of releases', async () => {
    await signInByKeyboard(attache, stack.admin);
    await checkA11y(attache);

    await activate(attache, attache.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Communiqués' }));
    await attache.waitForURL((u) => u.pathname === '/communiques');
    await checkA11y(attache);

    await activate(attache, attache.getByRole('link', { name: seedTitle }).first());
    await attache.waitForURL((u) => /^\/communiques\/[^/]+$/.test(u.pathname));
    releaseId = new URL(attache.url()).pathname.split('/')[2] ?? '';
    expect(await h1(attache)).toMatch(seedTitle);
    expect(await attache.locator('.release-meta').textContent()).toMatch(/brouillon/i);
    await checkA11y(attache);
  });

  it('submits it for review', async () => {
    await activate(attache, attache.getByRole('button', { name: 'Soumettre à la relecture' }));
    await attache.waitForLoadState();

    await expect.poll(() => attache.locator('#annonces').textContent()).toMatch(/Communiqué soumis à la relecture \(version \d+\)\./);
    expect(await attache.locator('.release-meta').textContent()).toMatch(/en relecture/i);
    await checkA11y(attache);
  });

  it('the reviewer signs in, finds it under « À relire », reads it and approves the version read', async () => {
    await signInByKeyboard(reviewerPage, reviewer);
    expect(await reviewerPage.locator('#titre-relire').count()).toBe(1);
    await checkA11y(reviewerPage);

    await activate(
      reviewerPage,
      reviewerPage
        .locator('section, div')
        .filter({ has: reviewerPage.locator('#titre-relire') })
        .getByRole('link', { name: seedTitle })
        .first(),
    );
    await reviewerPage.waitForURL((u) => u.pathname === `/relecture/${releaseId}`);
    expect(await h1(reviewerPage)).toMatch(/^Relecture : .*Festival du travail social/);
    await checkA11y(reviewerPage);

    await activate(reviewerPage, reviewerPage.getByRole('button', { name: /^Approuver la version \d+$/ }));
    await reviewerPage.waitForURL((u) => u.pathname === '/relecture');
    expect(await reviewerPage.locator('#annonces').textContent()).toMatch(/Communiqué approuvé \(version \d+\)\./);
    await checkA11y(reviewerPage);
  });

  it('the attaché opens the send dialog from the dashboard, chooses the press list and « now »', async () => {
    await activate(
      attache,
      attache.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Tableau de bord' }),
    );
    await attache.waitForURL((u) => u.pathname === '/');
    await activate(attache, attache.getByRole('link', { name: 'Envoyer ou programmer' }).first());
    await attache.waitForURL((u) => u.pathname === `/communiques/${releaseId}/envoi`);
    expect(await h1(attache)).toBe('Envoyer ou programmer');

    const presse = attache.getByRole('checkbox', { name: /^Presse/ });
    if (!(await presse.isChecked())) {
      await tabTo(attache, presse);
      await attache.keyboard.press('Space');
    }
    await expect.poll(() => presse.isChecked()).toBe(true);
    expect(await attache.getByRole('radio', { name: 'Maintenant' }).isChecked()).toBe(true);
    // the live summary counts who it reaches
    await expect.poll(() => attache.locator('#resume-envoi').textContent(), { timeout: 30_000 }).toContain('4 destinataires distincts');
    await checkA11y(attache);
    await screenshot(attache, 'send-dialog.png');
  });

  it('the confirmation repeats subject, sender, count and moment; a deliberate « Envoyer à 4 destinataires » sends', async () => {
    await activate(attache, attache.getByRole('button', { name: 'Continuer' }));
    await attache.waitForURL((u) => u.pathname === `/communiques/${releaseId}/envoi/confirmation`);
    expect(await h1(attache)).toBe('Confirmer l’envoi');
    const summary = (await attache.locator('dl.summary').textContent()) ?? '';
    expect(summary).toMatch(/Objet.*Festival du travail social/s);
    expect(summary).toContain('4 destinataires (Presse)');
    expect(summary).toContain('maintenant, dès la confirmation');
    await checkA11y(attache);

    await activate(attache, attache.getByRole('button', { name: 'Envoyer à 4 destinataires' }));
    await attache.waitForURL((u) => /^\/campagnes\/[^/]+$/.test(u.pathname));
    expect(await attache.locator('#annonces').textContent()).toContain('Envoi lancé : la campagne part maintenant.');
  });

  it('the campaign page follows the sending by itself (polling) until it is finished', async () => {
    // no reload: htmx polls the progress fragment every 2 s while the campaign runs
    await expect.poll(() => attache.locator('#progression .status').textContent(), { timeout: 90_000 }).toBe('terminée');
    expect(await attache.locator('#progression').textContent()).toContain('4 traités sur 4 destinataires (100 %)');
    await checkA11y(attache);

    // the polling refreshes the progress only; « Actualiser » brings the page (and its controls) up to date
    await activate(attache, attache.getByRole('link', { name: 'Actualiser' }));
    await attache.waitForLoadState();
    await expect.poll(() => attache.getByRole('link', { name: 'Mettre en pause' }).count()).toBe(0);
    expect(await attache.getByRole('link', { name: 'Annuler la campagne' }).count()).toBe(0);
    await screenshot(attache, 'campaign.png');

    const sent = (await stack.outbox()).filter((m) => !m.subject.startsWith('Invitation'));
    expect(sent.map((m) => m.destination.to[0]).sort()).toEqual([...pressMembers].sort());
    expect(sent.every((m) => /Festival du travail social/.test(m.subject))).toBe(true);
    expectNoScriptErrors(attache);
    expectNoScriptErrors(reviewerPage);
  });

  it('the release is now « envoyé » and no longer editable', async () => {
    await activate(attache, attache.getByRole('link', { name: 'Voir le communiqué' }));
    await attache.waitForURL((u) => u.pathname === `/communiques/${releaseId}`);

    expect(await attache.locator('.release-meta').textContent()).toMatch(/envoyé/i);
    expect(await attache.getByRole('button', { name: 'Enregistrer', exact: true }).count()).toBe(0);
    await checkA11y(attache);
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserStack,
  checkA11y,
  expectNoScriptErrors,
  noticeOf,
  plain,
  signIn,
  startBrowserStack,
  submitWith,
} from '../support/browser-stack';

let stack: BrowserStack;
let first: Page;
let second: Page;
let releaseId = '';
const seedTitle = /Festival du travail social/;
// by name: "Titre" also labels the rows of the « À propos » blocks
const title = (p: Page) => p.locator('[name="title"]');
const subtitle = (p: Page) => p.locator('[name="subtitle"]');
const saveButton = (p: Page) => p.getByRole('button', { name: 'Enregistrer', exact: true }).first();

beforeAll(async () => {
  stack = await startBrowserStack('version-conflict');
  first = await stack.newPage();
  await first.goto('/connexion');
  await signIn(first, stack.admin);
  // a second tab of the same browser: same person, same session
  second = await first.context().newPage();
});

afterAll(async () => {
  await stack?.stop();
});

describe('two tabs edit the same release: the second save does not overwrite the first', { timeout: 150_000 }, () => {
  it('both tabs open seed 001 at the same version', async () => {
    await first.goto('/communiques');
    await first.getByRole('link', { name: seedTitle }).first().click();
    await first.waitForURL((u) => /^\/communiques\/[^/]+$/.test(u.pathname));
    releaseId = new URL(first.url()).pathname.split('/')[2] ?? '';
    await second.goto(`/communiques/${releaseId}`);

    const version = await first.locator('#version-enregistree').inputValue();
    expect(await second.locator('#version-enregistree').inputValue()).toBe(version);
    await checkA11y(second);
  });

  it('the first tab saves a new title', async () => {
    await title(first).fill('3e édition du Festival du travail social : le programme');

    expect(await submitWith(first, saveButton(first), `/communiques/${releaseId}`)).toBe(303);
    await first.waitForURL((u) => u.pathname === `/communiques/${releaseId}`);
    expect(await noticeOf(first)).toMatch(/enregistr/i);
  });

  it('the second tab saves its own change: refused, it says who saved and when, shows the difference, keeps what was typed', async () => {
    await subtitle(second).fill('Un sous-titre écrit dans le second onglet.');

    expect(await submitWith(second, saveButton(second), `/communiques/${releaseId}`)).toBe(409);

    const panel = second.locator('.conflict-panel');
    expect(await panel.getByRole('heading').textContent()).toBe('Quelqu’un a enregistré ce communiqué pendant que vous l’éditiez');
    expect(plain(await panel.textContent())).toMatch(
      /Administrateur a enregistré la version \d+ .*\d+ h \d+ \(heure de Paris\)\. Vos modifications ne sont pas enregistrées/,
    );
    const diff = (await panel.locator('table').textContent()) ?? '';
    expect(diff).toContain('le programme');
    expect(diff).toContain('titre écrit dans le second onglet');
    // nothing typed is lost
    expect(await subtitle(second).inputValue()).toBe('Un sous-titre écrit dans le second onglet.');
    await checkA11y(second);

    // and the stored release is still the first tab's
    await first.reload();
    expect(await title(first).inputValue()).toBe('3e édition du Festival du travail social : le programme');
    expect(await subtitle(first).inputValue()).not.toBe('Un sous-titre écrit dans le second onglet.');
  });

  it('the second tab may then knowingly save its version over the other', async () => {
    const overwrite = second.getByRole('button', { name: 'Enregistrer ma version à la place de la sienne' });

    expect(await submitWith(second, overwrite, `/communiques/${releaseId}`)).toBe(303);

    await second.waitForURL((u) => u.pathname === `/communiques/${releaseId}`);
    expect(await subtitle(second).inputValue()).toBe('Un sous-titre écrit dans le second onglet.');
    expect(await second.locator('.conflict-panel').count()).toBe(0);
    await checkA11y(second);
    expectNoScriptErrors(first);
    expectNoScriptErrors(second);
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, checkA11y, expectNoScriptErrors, field, startBrowserStack } from '../support/browser-stack';

let stack: BrowserStack;
let page: Page;
/** The same person signed in on another device (another browser context: its own cookies). */
let otherDevice: Page;

beforeAll(async () => {
  stack = await startBrowserStack('sign-in');
  page = await stack.newPage();
});

afterAll(async () => {
  await stack?.stop();
});

const notice = (p: Page) => p.locator('#annonces');

describe('sign in, as the first admin npm start created', () => {
  it('the root path leads to the sign-in page when nobody is signed in', async () => {
    await page.goto('/');

    expect(new URL(page.url()).pathname).toBe('/connexion');
    await expect.poll(() => page.title()).toMatch(/^Connexion — Communiqué/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Connexion à l’espace de travail');
    await checkA11y(page);
  });

  it('a wrong password is refused with a French message in the error summary, which links to the field', async () => {
    await field(page, 'Adresse e-mail').fill(stack.admin.email);
    await field(page, 'Mot de passe').fill('pas le bon mot de passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();

    const summary = page.getByRole('alert');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Adresse e-mail ou mot de passe incorrect.');
    expect(await summary.getByRole('link').getAttribute('href')).toBe('#champ-email');
    // what was typed stays (the address), the password does not
    expect(await field(page, 'Adresse e-mail').inputValue()).toBe(stack.admin.email);
    expect(await field(page, 'Mot de passe').inputValue()).toBe('');
    await checkA11y(page);
  });

  it('the right password opens the dashboard, greets by name in the live region, names the role', async () => {
    await field(page, 'Mot de passe').fill(stack.admin.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL((u) => u.pathname === '/');

    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Tableau de bord');
    expect(await notice(page).textContent()).toMatch(/^Bienvenue, .+\.$/);
    expect(await page.locator('.site-header').textContent()).toContain('(administration)');
    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Tableau de bord',
      'Communiqués',
      'Campagnes',
      'Plans',
      'Audience',
      'Réglages',
    ]);
    expect(await nav.getByRole('link', { name: 'Tableau de bord' }).getAttribute('aria-current')).toBe('page');
    await checkA11y(page);
  });

  it('the session cookie is HttpOnly and SameSite=Lax', async () => {
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'communique_session');

    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  });

  it('a page asked for before sign-in is where sign-in leads back to', async () => {
    otherDevice = await stack.newPage();
    const other = otherDevice;
    await other.goto('/reglages/utilisateurs');
    expect(new URL(other.url()).pathname).toBe('/connexion');

    await field(other, 'Adresse e-mail').fill(stack.admin.email);
    await field(other, 'Mot de passe').fill(stack.admin.password);
    await other.getByRole('button', { name: 'Se connecter' }).click();

    await other.waitForURL((u) => u.pathname === '/reglages/utilisateurs');
    await checkA11y(other);
  });

  it('signing out ends the session everywhere: the other device is sent back to sign-in too', async () => {
    await otherDevice.goto('/');
    expect(new URL(otherDevice.url()).pathname).toBe('/');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL((u) => u.pathname === '/connexion');
    expect(await notice(page).textContent()).toContain('Vous êtes déconnecté, sur tous vos appareils.');
    await checkA11y(page);

    // its cookie is still there, but the session behind it has ended
    expect((await otherDevice.context().cookies()).some((c) => c.name === 'communique_session')).toBe(true);
    await otherDevice.reload();
    expect(new URL(otherDevice.url()).pathname).toBe('/connexion');
    expectNoScriptErrors(page);
    expectNoScriptErrors(otherDevice);
  });
});

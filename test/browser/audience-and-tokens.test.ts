import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, checkA11y, expectNoScriptErrors, field, signIn, startBrowserStack } from '../support/browser-stack';

let stack: BrowserStack;
let page: Page;
let token = '';
let listId = '';

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.baseUrl}/api${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });

beforeAll(async () => {
  stack = await startBrowserStack('audience');
  page = await stack.newPage();
  await page.goto('/connexion');
  await signIn(page, stack.admin);
});

afterAll(async () => {
  await stack?.stop();
});

describe('an admin manages API tokens, lists and a contact in the workspace', () => {
  it('creates an API token with a role and an expiry, shown once, which the API accepts', async () => {
    await page.goto('/reglages/jetons');
    await checkA11y(page);
    await field(page, 'Nom du jeton').fill('Site du département');
    await field(page, 'Rôle').selectOption('admin');
    await field(page, 'Validité').selectOption('30');
    await page.getByRole('button', { name: 'Créer le jeton' }).click();

    await page.getByRole('heading', { name: 'Jeton « Site du département » créé' }).waitFor();
    await checkA11y(page);
    token = await page.locator('#secret-du-jeton').inputValue();
    expect((await api('/releases')).status).toBe(200);
  });

  it('creates a press list and sees its member, added through the API with that token', async () => {
    await page.goto('/audience/listes/nouvelle');
    await checkA11y(page);
    await field(page, 'Nom de la liste').fill('Presse régionale');
    await field(page, 'Type de liste').selectOption('press');
    await field(page, 'Confirmation de l’inscription').selectOption('single');
    await page.getByRole('button', { name: 'Créer la liste' }).click();
    await page.waitForURL((u) => /^\/audience\/listes\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('nouvelle'));
    listId = new URL(page.url()).pathname.split('/').at(-1) as string;

    const added = await api(`/lists/${listId}/subscribers`, {
      method: 'POST',
      body: JSON.stringify({
        email: 'anne.leroy@nr.example.org',
        name: 'Anne Leroy',
        outlet: 'La Nouvelle République',
        mediumType: 'print',
      }),
    });
    expect(added.status).toBe(201);
    await page.reload();
    await checkA11y(page);
    expect(await page.locator('main').textContent()).toContain('1 inscrit, 0 en attente de confirmation');
  });

  it('erases the contact after the page that says what is kept; the address stays blocked, unnamed', async () => {
    await page.getByRole('link', { name: 'anne.leroy@nr.example.org' }).click();
    await page.getByRole('heading', { name: 'Anne Leroy', level: 1 }).waitFor();
    await checkA11y(page);
    await page.getByRole('link', { name: 'Effacer ce contact' }).click();
    await page.getByRole('heading', { name: 'Ce qui est conservé' }).waitFor();
    await checkA11y(page);
    await page.getByRole('button', { name: 'Effacer définitivement' }).click();

    await page.getByRole('heading', { name: 'Contact effacé', level: 1 }).waitFor();
    expect(await page.locator('#annonces').textContent()).toContain('Contact effacé.');
    expect(await page.content()).not.toContain('anne.leroy@nr.example.org');
    await page.goto('/audience/suppressions?q=anne.leroy%40nr.example.org');
    await checkA11y(page);
    expect(await page.locator('main').textContent()).toContain('est bloquée : effacement RGPD');
  });

  it('revokes the token after a confirmation page; the API refuses it from then on', async () => {
    await page.goto('/reglages/jetons');
    await page.getByRole('link', { name: 'Révoquer le jeton Site du département' }).click();
    await page.getByRole('heading', { name: 'Révoquer le jeton « Site du département » ?' }).waitFor();
    await checkA11y(page);
    await page.getByRole('button', { name: 'Révoquer le jeton' }).click();

    await page.waitForURL((u) => u.pathname === '/reglages/jetons');
    expect(await page.locator('#annonces').textContent()).toContain('l’API le refuse désormais');
    expect((await api('/releases')).status).toBe(401);
  });

  it('reads all of it in the audit log, filtered by action', async () => {
    await page.goto('/reglages/journal');
    await checkA11y(page);
    await field(page, 'Action').selectOption('token.revoked');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL((u) => u.searchParams.get('action') === 'token.revoked');

    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Jeton d’API révoqué');
    expectNoScriptErrors(page);
  });
});

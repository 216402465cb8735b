import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInLimits } from '../../functions/app/sign-in';
import { type BrowserStack, checkA11y, expectNoScriptErrors, field, startBrowserStack } from '../support/browser-stack';

let stack: BrowserStack;
let page: Page;

beforeAll(async () => {
  stack = await startBrowserStack('sign-in-limit');
  page = await stack.newPage();
});

afterAll(async () => {
  await stack?.stop();
});

/** One attempt through the form; answers the HTTP status and the error summary's text. */
async function attempt(p: Page, email: string, password: string): Promise<{ status: number; summary: string }> {
  await field(p, 'Adresse e-mail').fill(email);
  await field(p, 'Mot de passe').fill(password);
  const [response] = await Promise.all([
    p.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/connexion'),
    p.getByRole('button', { name: 'Se connecter' }).click(),
  ]);
  await p.waitForLoadState();
  const summary = p.getByRole('alert');
  return { status: response.status(), summary: (await summary.count()) > 0 ? ((await summary.textContent()) ?? '') : '' };
}

describe('the sign-in limit, per account', () => {
  it(`${signInLimits.perAccount} wrong passwords are each refused as wrong`, async () => {
    await page.goto('/connexion');
    for (let i = 0; i < signInLimits.perAccount; i++) {
      const r = await attempt(page, stack.admin.email, `mauvais mot de passe ${i}`);
      expect(r, `attempt ${i + 1}`).toEqual({ status: 400, summary: expect.stringContaining('Adresse e-mail ou mot de passe incorrect.') });
    }
  });

  it('then even the right password is refused, with a French message saying when to try again', async () => {
    const r = await attempt(page, stack.admin.email, stack.admin.password);

    expect(r.status).toBe(429);
    expect(r.summary).toMatch(/Trop de tentatives de connexion\. Par sécurité, réessayez dans \d+ minutes?\./);
    expect(new URL(page.url()).pathname).toBe('/connexion');
    expect((await page.context().cookies()).some((c) => c.name === 'communique_session')).toBe(false);
    await checkA11y(page);
  });

  it('from another browser too: the limit is the account’s, not the cookie’s', async () => {
    const elsewhere = await stack.newPage();
    await elsewhere.goto('/connexion');

    const r = await attempt(elsewhere, stack.admin.email, stack.admin.password);

    expect(r.status).toBe(429);
    expect(r.summary).toContain('Trop de tentatives de connexion.');
    expectNoScriptErrors(elsewhere);
  });

  it('another account is not blocked by it: a wrong password there is still just wrong', async () => {
    const r = await attempt(page, 'quelquun.dautre@example.org', 'un mot de passe quelconque');

    expect(r).toEqual({ status: 400, summary: expect.stringContaining('Adresse e-mail ou mot de passe incorrect.') });
    expectNoScriptErrors(page);
  });
});

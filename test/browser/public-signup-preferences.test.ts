import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, checkA11y, expectNoScriptErrors, field, mailsTo, startBrowserStack } from '../support/browser-stack';
import type { StoredEmail } from '../support/emulator-context';

/**
 * A member of the public, never signed in: signs up for the demo's « Partenaires » list (public
 * sign-up, double opt-in) on /subscribe, confirms through the link of the mail the SES emulator
 * holds, receives a campaign (launched by the press office through the API), changes their
 * preferences through the link in that mail, and unsubscribes with one click through its
 * unsubscribe link. axe on every page.
 */
const visitorEmail = 'camille.durand@asso-exemple.example.org';

let stack: BrowserStack;
let visitor: Page;
let preferencesPath = '';
let unsubscribePath = '';

const adminApi = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.baseUrl}/api${path}`, {
    ...init,
    headers: { authorization: `Bearer ${stack.runtime.adminToken}`, 'content-type': 'application/json' },
  });

/** The first mail to the visitor whose text holds a link to `path`, once it has arrived. */
async function mailWithLink(path: string): Promise<{ mail: StoredEmail; link: string }> {
  let found: { mail: StoredEmail; link: string } | undefined;
  await expect
    .poll(
      async () => {
        for (const mail of await mailsTo(stack, visitorEmail)) {
          const link = new RegExp(`https?://[^\\s"<>]+/${path}/[A-Za-z0-9._~-]+`).exec(mail.body.text ?? '')?.[0];
          if (link) found = { mail, link };
        }
        return found !== undefined;
      },
      { timeout: 60_000, interval: 250 },
    )
    .toBe(true);
  return found as { mail: StoredEmail; link: string };
}

// the label wraps the select, so its name also holds the options' text
const language = () => visitor.getByRole('combobox', { name: /^Langue/ });
const partenaires = () => visitor.getByRole('checkbox', { name: /^Partenaires/ });

beforeAll(async () => {
  stack = await startBrowserStack('public-signup');
  visitor = await stack.newPage();
});

afterAll(async () => {
  await stack?.stop();
});

describe('a visitor signs up, confirms, changes preferences and unsubscribes in one click', { timeout: 180_000 }, () => {
  it('signs up on the public page, which says what happens to the data', async () => {
    await visitor.goto('/subscribe');
    await checkA11y(visitor);
    expect(await visitor.getByRole('heading', { name: 'Vos données personnelles' }).count()).toBe(1);
    await field(visitor, 'Adresse e-mail').fill(visitorEmail);
    await field(visitor, 'Nom (facultatif)').fill('Camille Durand');
    await partenaires().check();
    await visitor.getByRole('button', { name: 'S’inscrire' }).click();
    await visitor.getByRole('heading', { name: 'Vérifiez votre messagerie', level: 1 }).waitFor();
    await checkA11y(visitor);
  });

  it('confirms through the link of the confirmation mail (GET shows a button, the POST confirms)', async () => {
    const { link } = await mailWithLink('confirm');
    await visitor.goto(new URL(link).pathname);
    await visitor.getByRole('heading', { name: 'Confirmer votre inscription', level: 1 }).waitFor();
    await checkA11y(visitor);
    await visitor.getByRole('button', { name: 'Je confirme mon inscription' }).click();
    await visitor.getByRole('heading', { name: 'Inscription confirmée', level: 1 }).waitFor();
    expect(await visitor.locator('main, body').first().textContent()).toContain('Merci : votre inscription est confirmée.');
    await checkA11y(visitor);
  });

  it('receives the next mail sent to the list, with a preferences link and a one-click unsubscribe', async () => {
    const lists = (await (await adminApi('/lists')).json()) as { items: { id: string; name: string }[] };
    const listId = lists.items.find((l) => l.name === 'Partenaires')?.id ?? '';
    const releases = (await (await adminApi('/releases')).json()) as { items: { id: string }[] };
    const launched = await adminApi('/campaigns', {
      method: 'POST',
      body: JSON.stringify({ releaseId: releases.items[0]?.id, listIds: [listId] }),
    });
    expect(launched.status).toBe(202);

    const { mail, link } = await mailWithLink('preferences');
    preferencesPath = new URL(link).pathname;
    unsubscribePath = new URL((await mailWithLink('unsubscribe')).link).pathname;
    const header = (name: string) => mail.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
    expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(header('List-Unsubscribe')).toContain('/unsubscribe/');
  });

  it('changes name and language through the preferences link; the page shows them again', async () => {
    await visitor.goto(preferencesPath);
    await visitor.getByRole('heading', { name: 'Vos préférences', level: 1 }).waitFor();
    await checkA11y(visitor);
    expect(await partenaires().isChecked()).toBe(true);
    await field(visitor, 'Nom').fill('Camille Durand-Lefèvre');
    await language().selectOption('en');
    await visitor.getByRole('button', { name: 'Enregistrer' }).click();
    await visitor.getByRole('status').filter({ hasText: 'Préférences enregistrées.' }).waitFor();
    await checkA11y(visitor);

    await visitor.goto(preferencesPath);
    expect(await field(visitor, 'Nom').inputValue()).toBe('Camille Durand-Lefèvre');
    expect(await language().inputValue()).toBe('en');
    expect(await partenaires().isChecked()).toBe(true);
  });

  it('unsubscribes with one click on the mail’s unsubscribe page; the preferences then show the list unchecked', async () => {
    await visitor.goto(unsubscribePath);
    await visitor.getByRole('heading', { name: 'Se désinscrire', level: 1 }).waitFor();
    await checkA11y(visitor);
    await visitor.getByRole('button', { name: 'Confirmer la désinscription' }).click();
    await visitor.getByRole('heading', { name: 'Désinscription confirmée', level: 1 }).waitFor();
    await checkA11y(visitor);

    await visitor.goto(preferencesPath);
    await visitor.getByRole('heading', { name: 'Vos préférences', level: 1 }).waitFor();
    expect(await partenaires().isChecked()).toBe(false);
    await checkA11y(visitor);
    expectNoScriptErrors(visitor);
  });
});

import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, checkA11y, expectNoScriptErrors, field, mailsTo, signIn, startBrowserStack } from '../support/browser-stack';

/**
 * Erasing a contact who has a history. audience-and-tokens.test.ts erases a contact added
 * through the API a moment before (no consent trail, no mail); here the person signed up on the
 * public page and confirmed (consent records with their browser), received a send, and asks
 * for their data and then their erasure. The press attaché reads the contact's file, downloads
 * the GDPR file, erases, and sees what is kept: the consent register without personal data,
 * the address blocked — a later import of a file that still holds it skips it. axe on every page.
 */
const email = 'louise.garnier@asso-exemple.example.org';
const name = 'Louise Garnier';

let stack: BrowserStack;
let admin: Page;
let contactPath = '';

const adminApi = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.baseUrl}/api${path}`, {
    ...init,
    headers: { authorization: `Bearer ${stack.runtime.adminToken}`, 'content-type': 'application/json' },
  });

async function linkInMail(path: string): Promise<string> {
  let link = '';
  await expect
    .poll(
      async () => {
        for (const m of await mailsTo(stack, email))
          link ||= new RegExp(`https?://[^\\s"<>]+/${path}/[A-Za-z0-9._~-]+`).exec(m.body.text ?? '')?.[0] ?? '';
        return link;
      },
      { timeout: 60_000, interval: 250 },
    )
    .not.toBe('');
  return link;
}

beforeAll(async () => {
  stack = await startBrowserStack('erase-history');
  admin = await stack.newPage();
  await admin.goto('/connexion');
  await signIn(admin, stack.admin);
});

afterAll(async () => {
  await stack?.stop();
});

describe('erasing a contact who signed up, confirmed and received a send', { timeout: 240_000 }, () => {
  it('the person signs up on the public page, confirms, and receives a send to the list', async () => {
    const visitor = await stack.newPage();
    await visitor.goto('/subscribe');
    await checkA11y(visitor);
    await field(visitor, 'Adresse e-mail').fill(email);
    await field(visitor, 'Nom (facultatif)').fill(name);
    await visitor.getByRole('checkbox', { name: /^Partenaires/ }).check();
    await visitor.getByRole('button', { name: 'S’inscrire' }).click();
    await visitor.getByRole('heading', { name: 'Vérifiez votre messagerie', level: 1 }).waitFor();
    await checkA11y(visitor);
    await visitor.goto(new URL(await linkInMail('confirm')).pathname);
    await checkA11y(visitor);
    await visitor.getByRole('button', { name: 'Je confirme mon inscription' }).click();
    await visitor.getByRole('heading', { name: 'Inscription confirmée', level: 1 }).waitFor();
    await checkA11y(visitor);

    const lists = (await (await adminApi('/lists')).json()) as { items: { id: string; name: string }[] };
    const releases = (await (await adminApi('/releases')).json()) as { items: { id: string }[] };
    const launched = await adminApi('/campaigns', {
      method: 'POST',
      body: JSON.stringify({ releaseId: releases.items[0]?.id, listIds: [lists.items.find((l) => l.name === 'Partenaires')?.id] }),
    });
    expect(launched.status).toBe(202);
    await linkInMail('preferences');
  });

  it('reads the contact’s file: the list, the consent trail with the browser, the release received', async () => {
    await admin.goto('/audience');
    await checkA11y(admin);
    await admin.getByRole('link', { name: 'Partenaires', exact: true }).first().click();
    await admin.waitForURL((u) => /^\/audience\/listes\/[^/]+$/.test(u.pathname));
    await checkA11y(admin);
    await field(admin, 'Rechercher (adresse, nom, média)').fill('garnier');
    await admin.getByRole('button', { name: 'Filtrer' }).first().click();
    await admin.waitForURL((u) => u.searchParams.get('q') === 'garnier');
    await admin.getByRole('link', { name: email }).click();
    await admin.getByRole('heading', { name, level: 1 }).waitFor();
    contactPath = new URL(admin.url()).pathname;
    await checkA11y(admin);

    expect(await admin.getByRole('table', { name: 'Inscriptions de ce contact' }).textContent()).toContain('Partenaires');
    const consent = admin.getByRole('table', { name: 'Registre du consentement, dans l’ordre où il a été écrit' });
    expect(await consent.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    // the browser that gave the consent is on record (the Client column)
    expect(await consent.textContent()).toMatch(/Mozilla|Chrome/);
    // the send's row turns « remis à SES » once the worker has handed it over
    const sends = admin.getByRole('table', { name: 'Envois à ce contact, les plus récents d’abord' });
    await expect
      .poll(
        async () => {
          await admin.reload();
          return (await sends.count()) > 0 ? await sends.textContent() : '';
        },
        { timeout: 60_000, interval: 500 },
      )
      .toContain('remis à SES');
    await checkA11y(admin);
  });

  it('downloads the GDPR file, which holds the address, the consent trail and the send, as JSON', async () => {
    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('link', { name: 'Télécharger le fichier RGPD de ce contact (JSON)' }).click(),
    ]);
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(email);
    const file = JSON.parse(text) as { consent: { event: string; lawfulBasis: string }[]; sends: { status: string; messageId: string }[] };
    expect(file.consent.map((r) => [r.event, r.lawfulBasis])).toEqual([
      ['requested', 'consent'],
      ['confirmed', 'consent'],
    ]);
    expect(file.sends).toEqual([expect.objectContaining({ status: 'sent', messageId: expect.stringMatching(/.+/) })]);
  });

  it('erases after the page that says what is kept; the file keeps only dates and events', async () => {
    await admin.getByRole('link', { name: 'Effacer ce contact' }).click();
    await admin.getByRole('heading', { name: `Effacer ${name} ?`, level: 1 }).waitFor();
    await checkA11y(admin);
    expect(await admin.getByRole('heading', { name: 'Ce qui est conservé' }).count()).toBe(1);
    await admin.getByRole('button', { name: 'Effacer définitivement' }).click();
    await admin.getByRole('heading', { name: 'Contact effacé', level: 1 }).waitFor();
    await checkA11y(admin);

    await admin.goto(contactPath);
    await admin.getByRole('heading', { name: 'Contact effacé', level: 1 }).waitFor();
    await checkA11y(admin);
    const main = (await admin.locator('main').textContent()) ?? '';
    expect(main).not.toContain(email);
    expect(main).not.toContain(name);
    expect(main).not.toMatch(/Mozilla|Chrome/);
    const consent = admin.getByRole('table', { name: 'Registre du consentement, dans l’ordre où il a été écrit' });
    expect(await consent.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
  });

  it('the list no longer holds the person, and the address is blocked as erased', async () => {
    await admin.goto('/audience');
    await admin.getByRole('link', { name: 'Partenaires', exact: true }).first().click();
    await admin.waitForURL((u) => /^\/audience\/listes\/[^/]+$/.test(u.pathname));
    await field(admin, 'Rechercher (adresse, nom, média)').fill('garnier');
    await admin.getByRole('button', { name: 'Filtrer' }).first().click();
    await admin.waitForURL((u) => u.searchParams.get('q') === 'garnier');
    await checkA11y(admin);
    expect(await admin.getByRole('link', { name: email }).count()).toBe(0);
    expect(await admin.locator('main').textContent()).not.toContain(name);

    await admin.goto(`/audience/suppressions?q=${encodeURIComponent(email)}`);
    await checkA11y(admin);
    expect(await admin.locator('main').textContent()).toContain('est bloquée : effacement RGPD');
  });

  it('an import of a file that still holds the address skips it and adds the other person', async () => {
    await admin.goto('/audience');
    await admin.getByRole('link', { name: 'Presse', exact: true }).first().click();
    await admin.waitForURL((u) => /^\/audience\/listes\/[^/]+$/.test(u.pathname));
    await admin.getByRole('link', { name: 'Importer des contacts (CSV)' }).click();
    await admin.waitForURL((u) => u.pathname === '/audience/import');
    const csv = `\uFEFFAdresse e-mail;Nom\r\n${email};${name}\r\npaul.mercier@example.org;Paul Mercier\r\n`;
    await field(admin, 'Fichier CSV').setInputFiles({ name: 'presse.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await checkA11y(admin);
    await admin.getByRole('button', { name: 'Lire le fichier' }).click();
    await admin.getByRole('link', { name: 'Associer les colonnes' }).waitFor();
    await checkA11y(admin);
    await admin.getByRole('link', { name: 'Associer les colonnes' }).click();
    await admin.getByRole('heading', { name: 'Importer des contacts : les colonnes', level: 1 }).waitFor();
    await checkA11y(admin);
    await admin.getByLabel(/^Colonne « Adresse e-mail »/).selectOption('email');
    await admin.getByLabel(/^Colonne « Nom »/).selectOption('name');
    await admin.getByRole('button', { name: 'Continuer' }).click();
    await admin.getByRole('heading', { name: 'Importer des contacts : la base légale', level: 1 }).waitFor();
    await checkA11y(admin);
    await admin.getByLabel('Intérêt légitime (contacts presse professionnels)').check();
    await admin.getByRole('button', { name: 'Continuer' }).click();
    await admin.getByRole('heading', { name: 'Importer des contacts : lancer l’import', level: 1 }).waitFor();
    await checkA11y(admin);
    await admin.getByRole('button', { name: 'Lancer l’import' }).click();
    await admin.getByRole('heading', { name: 'Importer des contacts : import en cours', level: 1 }).waitFor();
    await checkA11y(admin);
    await admin.getByRole('link', { name: 'Lire le compte rendu' }).click({ timeout: 60_000 });

    await admin.getByRole('heading', { name: 'Importer des contacts : compte rendu', level: 1 }).waitFor();
    await checkA11y(admin);
    const counts = admin.getByRole('table', { name: /lignes de contacts lues/ });
    expect(await counts.getByRole('row', { name: /^Créés/ }).textContent()).toContain('1');
    expect(await counts.getByRole('row', { name: /^Ignorés/ }).textContent()).toContain('1');
    expectNoScriptErrors(admin);
  });
});

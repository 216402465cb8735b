import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, checkA11y, expectNoScriptErrors, field, signIn, startBrowserStack } from '../support/browser-stack';

/**
 * The import wizard with a file as French Excel writes it (Windows-1252, `;`, quoted cells
 * holding Alt+Enter line breaks: test/fixtures/csv/presse-multiligne-cp1252.csv), then a send
 * to a segment of what was imported. The segment « Loir » (outlet contains "Loir") keeps the
 * two journalists of La Voix du Loir and L’Écho de Loir-et-Cher — the latter a multi-line cell —
 * and leaves out Le Berry Républicain. axe on every page.
 */
const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'csv', 'presse-multiligne-cp1252.csv');
const listName = 'Presse du Loir-et-Cher';

let stack: BrowserStack;
let page: Page;
let listId = '';
let releaseId = '';

beforeAll(async () => {
  stack = await startBrowserStack('import-segment');
  page = await stack.newPage();
  await page.goto('/connexion');
  await signIn(page, stack.admin);
  const r = await fetch(`${stack.baseUrl}/api/releases`, { headers: { authorization: `Bearer ${stack.runtime.adminToken}` } });
  releaseId = ((await r.json()) as { items: { id: string }[] }).items[0]?.id ?? '';
});

afterAll(async () => {
  await stack?.stop();
});

describe('a French Excel file with multi-line cells through the import wizard, then a send to a segment', { timeout: 240_000 }, () => {
  it('creates the press list the file goes into', async () => {
    await page.goto('/audience/listes/nouvelle');
    await checkA11y(page);
    await field(page, 'Nom de la liste').fill(listName);
    await field(page, 'Type de liste').selectOption('press');
    await field(page, 'Confirmation de l’inscription').selectOption('single');
    await page.getByRole('button', { name: 'Créer la liste' }).click();
    await page.waitForURL((u) => /^\/audience\/listes\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('nouvelle'));
    listId = new URL(page.url()).pathname.split('/').at(-1) as string;
    await checkA11y(page);
  });

  it('uploads the file from the list’s page: Windows-1252, « ; », a multi-line cell shown as one', async () => {
    await page.getByRole('link', { name: 'Importer des contacts (CSV)' }).click();
    await page.waitForURL((u) => u.pathname === '/audience/import');
    await checkA11y(page);
    expect(await field(page, 'Liste où importer les contacts').inputValue()).toBe(listId);
    await field(page, 'Fichier CSV').setInputFiles({
      name: 'presse-multiligne.csv',
      mimeType: 'text/csv',
      buffer: readFileSync(fixture),
    });
    await page.getByRole('button', { name: 'Lire le fichier' }).click();

    await page.getByRole('heading', { name: 'Importer des contacts : aperçu du fichier', level: 1 }).waitFor();
    await checkA11y(page);
    const facts = await page.locator('main dl').textContent();
    expect(facts).toContain('Windows-1252 (Excel français)');
    expect(facts).toContain('point-virgule (;)');
    // Four contacts, although the file has eleven physical lines: the breaks are inside cells.
    expect(facts).toMatch(/Lignes de contacts\s*4/);
    expect(await page.locator('tbody tr').count()).toBe(4);
    expect(await page.getByRole('cell', { name: 'Cheffe de service ↵ adjointe' }).count()).toBe(1);
    expect(await page.getByRole('cell', { name: 'L’Écho ↵ de Loir-et-Cher' }).count()).toBe(1);
  });

  it('maps each column to a field, chooses legitimate interest, runs it and reads the report', async () => {
    await page.getByRole('link', { name: 'Associer les colonnes' }).click();
    await page.getByRole('heading', { name: 'Importer des contacts : les colonnes', level: 1 }).waitFor();
    await checkA11y(page);
    const column = (header: string) => page.getByLabel(new RegExp(`^Colonne « ${header} »`));
    await column('Prénom').selectOption({ label: 'Prénom' });
    await column('Nom').selectOption({ label: 'Nom de famille' });
    await column('Adresse e-mail').selectOption({ label: 'Adresse e-mail' });
    await column('Fonction').selectOption({ label: 'Fonction' });
    await column('Média').selectOption({ label: 'Média' });
    await column('Société').selectOption({ label: 'Organisation' });
    await page.getByRole('button', { name: 'Continuer' }).click();

    await page.getByRole('heading', { name: 'Importer des contacts : la base légale', level: 1 }).waitFor();
    await checkA11y(page);
    await page.getByLabel('Intérêt légitime (contacts presse professionnels)').check();
    await page.getByRole('button', { name: 'Continuer' }).click();

    await page.getByRole('heading', { name: 'Importer des contacts : lancer l’import', level: 1 }).waitFor();
    await checkA11y(page);
    expect(await page.locator('main dl').textContent()).toContain('« Média » → Média');
    await page.getByRole('button', { name: 'Lancer l’import' }).click();

    // The progress fragment polls until the job is over, then offers the report.
    await page.getByRole('heading', { name: 'Importer des contacts : import en cours', level: 1 }).waitFor();
    await checkA11y(page);
    const report = page.getByRole('link', { name: 'Lire le compte rendu' });
    await report.waitFor({ timeout: 60_000 });
    expect(await page.locator('#progression-import').textContent()).toContain('Import terminé : 4 lignes traitées sur 4.');
    await report.click();

    await page.getByRole('heading', { name: 'Importer des contacts : compte rendu', level: 1 }).waitFor();
    await checkA11y(page);
    const counts = page.getByRole('table', { name: /lignes de contacts lues/ });
    expect(await counts.getByRole('row', { name: /^Créés/ }).textContent()).toContain('3');
    expect(await counts.getByRole('row', { name: /^Rejetés/ }).textContent()).toContain('1');
    const rejected = await page.getByRole('table', { name: 'Lignes rejetées' }).locator('tbody').textContent();
    expect(rejected).toContain('lucas .petit@example.org');
    expect(rejected).toContain('Adresse e-mail invalide');
    expectNoScriptErrors(page);
  });

  it('the list holds the three, and the multi-line cells became one value with spaces', async () => {
    await page.getByRole('link', { name: `Voir la liste « ${listName} »` }).click();
    await page.waitForURL((u) => u.pathname === `/audience/listes/${listId}`);
    await checkA11y(page);
    await page.getByRole('link', { name: 'anne.roy@example.org' }).click();
    await page.getByRole('heading', { name: 'Anne Claire Roy', level: 1 }).waitFor();
    await checkA11y(page);
    const profile = await page.locator('main').textContent();
    expect(profile).toContain('L’Écho de Loir-et-Cher');
    expect(profile).toContain('Rédactrice en chef');
  });

  it('makes the segment « Loir » (outlet contains « Loir »); the count follows the typing', async () => {
    await page.goto('/audience/segments/nouveau');
    await checkA11y(page);
    await field(page, 'Nom du segment').fill('Loir');
    await field(page, 'Le titre (média) contient').fill('Loir');
    // the two imported, and the demo's Radio Val de Loire (« Loire » contains « Loir »)
    await expect
      .poll(() => page.locator('#apercu-segment').textContent(), { timeout: 30_000 })
      .toContain('3 contacts joignables correspondent');
    await checkA11y(page);
    await page.getByRole('button', { name: 'Créer le segment' }).click();
    await page.waitForURL((u) => /^\/audience\/segments\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('nouveau'));
    expect(await page.locator('#annonces').textContent()).toContain('Segment « Loir » créé.');
    await checkA11y(page);
  });

  it('sends to the imported list narrowed to the segment: only its two journalists get the mail', async () => {
    await page.goto(`/communiques/${releaseId}/envoi`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    // only the imported list: uncheck whatever the dialog proposes by default
    for (const box of await page.locator('input[name="listes"]').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('checkbox', { name: new RegExp(`^${listName}`) }).check();
    await field(page, 'Segment (facultatif)').selectOption({ label: 'Loir' });
    await expect
      .poll(() => page.locator('#resume-envoi').textContent(), { timeout: 30_000 })
      .toMatch(/2 destinataires distincts avec 1 liste et le segment « Loir ».*1 hors segment/s);
    await checkA11y(page);

    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.waitForURL((u) => u.pathname === `/communiques/${releaseId}/envoi/confirmation`);
    expect(await page.locator('dl.summary').textContent()).toContain('Loir');
    await checkA11y(page);
    await page.getByRole('button', { name: 'Envoyer à 2 destinataires' }).click();
    await page.waitForURL((u) => /^\/campagnes\/[^/]+$/.test(u.pathname));
    await expect.poll(() => page.locator('#progression .status').textContent(), { timeout: 90_000 }).toBe('terminée');
    expect(await page.locator('main').textContent()).toContain('Segment : « Loir »');
    await checkA11y(page);

    const sent = (await stack.outbox()).flatMap((m) => m.destination.to).sort();
    expect(sent).toEqual(['anne.roy@example.org', 'marc.lenoir@example.org']);
    expectNoScriptErrors(page);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createList } from '../../../functions/app/manage-audience';
import { csrfFieldName, sessionCookieName } from '../../../functions/http/pages/workspace-env';
import { workspaceHarness } from '../../support/workspace-harness';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/csv', name));
const mapping = {
  'colonne-0': 'firstName',
  'colonne-1': 'lastName',
  'colonne-2': 'email',
  'colonne-3': 'role',
  'colonne-4': 'outlet',
  'colonne-5': 'organisation',
};

/** A press list, the French Excel file uploaded through the wizard, columns mapped, `basis` chosen, run to its end. */
async function importedWith(basis: 'consent' | 'legitimate-interest') {
  const h = await workspaceHarness();
  const list = await createList(h.deps, { name: 'Presse régionale', kind: 'press', optIn: 'single' });
  const pub = h.as('publisher');
  const form = new FormData();
  form.append(csrfFieldName, pub.csrfToken);
  form.append('listId', list.id);
  form.append('file', new File([fixture('presse-multiligne-cp1252.csv')], 'presse.csv', { type: 'text/csv' }));
  const posted = await h.app.request('/audience/import', {
    method: 'POST',
    body: form,
    headers: { cookie: `${sessionCookieName}=${pub.cookie}` },
  });
  const path = posted.headers.get('location') ?? '';
  await pub.post(`${path}/colonnes`, mapping);
  await pub.post(`${path}/base-legale`, { basis });
  await pub.post(`${path}/lancement`, {});
  await h.queue.drain();
  return { h, list, pub, path };
}

describe('import wizard: the chosen basis and each row’s outcome in the report', () => {
  it('records the basis the person chose (consent on a press list), not the list’s default', async () => {
    const { h, list } = await importedWith('consent');

    const members = (await h.store.listMembers(list.id)).items;
    expect(members).toHaveLength(3);
    for (const m of members) {
      expect(m.status).toBe('confirmed');
      expect(await h.store.listConsent(m.subscriberId)).toEqual([expect.objectContaining({ lawfulBasis: 'consent', event: 'imported' })]);
    }
    expect(h.mailer.sent).toEqual([]);
  });

  it('lists the created rows with their line on the page and in the CSV; a second import lists them unchanged', async () => {
    const { h, list, pub, path } = await importedWith('legitimate-interest');

    const page = await (await pub.get(`${path}/compte-rendu`)).text();
    const csv = new TextDecoder().decode(await (await pub.get(`${path}/compte-rendu.csv`)).arrayBuffer());

    expect(page).toContain('<caption>Lignes importées ou ignorées</caption>');
    const created = [...page.matchAll(/<tr><td>(\d+)<\/td><td>([^<]+)<\/td><td>créé<\/td><\/tr>/g)].map((m) => [Number(m[1]), m[2]]);
    expect(created.map(([, email]) => email).sort()).toEqual([
      'anne.roy@example.org',
      'marc.lenoir@example.org',
      'sophie.blanc@example.org',
    ]);
    for (const [line, email] of created) expect(csv).toContain(`\r\n${line};${email};créé;\r\n`);
    // Lines in file order, the rejected one among them.
    const csvLines = [...csv.matchAll(/\r\n(\d+);/g)].map((m) => Number(m[1]));
    expect(csvLines).toEqual([...csvLines].sort((a, b) => a - b));
    expect(csvLines).toContain(11);
    expect(csvLines).toHaveLength(4);

    // The same file again, into the same list: every row unchanged, with its line.
    const form = new FormData();
    form.append(csrfFieldName, pub.csrfToken);
    form.append('listId', list.id);
    form.append('file', new File([fixture('presse-multiligne-cp1252.csv')], 'presse.csv', { type: 'text/csv' }));
    const again = (
      await h.app.request('/audience/import', { method: 'POST', body: form, headers: { cookie: `${sessionCookieName}=${pub.cookie}` } })
    ).headers.get('location');
    await pub.post(`${again}/colonnes`, mapping);
    await pub.post(`${again}/base-legale`, { basis: 'legitimate-interest' });
    await pub.post(`${again}/lancement`, {});
    await h.queue.drain();
    const second = await (await pub.get(`${again}/compte-rendu`)).text();
    for (const [line, email] of created) expect(second).toContain(`<tr><td>${line}</td><td>${email}</td><td>inchangé</td></tr>`);
  });
});

import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileImportFiles } from '../../functions/adapters/local/file-import-files';
import { createList } from '../../functions/app/manage-audience';
import { csrfFieldName, sessionCookieName } from '../../functions/http/pages/workspace-env';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor } from '../support/emulator-context';
import { fakeRenderer, testBrand } from '../support/fakes';
import { workspaceHarness } from '../support/workspace-harness';

/**
 * The import wizard end to end on DynamoDB Local: a French Excel file (Windows-1252, « ; », a
 * cell over several lines) uploaded, mapped, run in the background, reported; the CSV kept in a
 * folder like DATA_DIR/imports. Sessions are the harness's; everything the wizard writes is in the table.
 */
let wiring: LocalWiring;
let folder: string;

beforeAll(async () => {
  const { tableName } = await freshTable('import-wizard');
  wiring = buildLocalWiring(
    localConfigFor(tableName),
    { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
    fakeRenderer,
  );
  await wiring.deps.store.putBrand(testBrand);
  folder = await mkdtemp(join(tmpdir(), 'import-wizard-'));
});

afterAll(async () => {
  wiring.close();
  await rm(folder, { recursive: true, force: true });
});

describe('import wizard on DynamoDB Local', () => {
  it('imports a Windows-1252 Excel file with a multi-line cell through every step, and reports each rejected line', async () => {
    // prepare
    const h = await workspaceHarness({ store: wiring.deps.store, importFiles: new FileImportFiles(folder) });
    const pub = h.as('publisher');
    const list = await createList(h.deps, { name: 'Presse du Loir-et-Cher', kind: 'press', optIn: 'single' });
    const form = new FormData();
    form.append(csrfFieldName, pub.csrfToken);
    form.append('listId', list.id);
    form.append('file', new File([readFileSync('test/fixtures/csv/presse-multiligne-cp1252.csv')], 'presse.csv', { type: 'text/csv' }));

    // act
    const uploaded = await h.app.request('/audience/import', {
      method: 'POST',
      body: form,
      headers: { cookie: `${sessionCookieName}=${pub.cookie}` },
    });
    const path = uploaded.headers.get('location') ?? '';
    const preview = await (await pub.get(path)).text();
    const mapped = await pub.post(`${path}/colonnes`, {
      'colonne-0': 'firstName',
      'colonne-1': 'lastName',
      'colonne-2': 'email',
      'colonne-3': 'role',
      'colonne-4': 'outlet',
      'colonne-5': 'organisation',
    });
    const based = await pub.post(`${path}/base-legale`, { basis: 'legitimate-interest' });
    const started = await pub.post(`${path}/lancement`, {});
    await h.queue.drain();
    const progress = await (await pub.get(`${path}/progression/etat`, { 'hx-request': 'true' })).text();
    const report = await (await pub.get(`${path}/compte-rendu`)).text();
    const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await (await pub.get(`${path}/compte-rendu.csv`)).arrayBuffer());

    // assess
    expect(uploaded.status).toBe(303);
    expect(preview).toContain('Windows-1252 (Excel français)');
    expect(preview).toContain('point-virgule (;)');
    expect(preview).toContain('<td>Cheffe de service ↵ adjointe</td>');
    expect([mapped.status, based.status, started.status]).toEqual([303, 303, 303]);
    expect(progress).toContain('Import terminé : 4 lignes traitées sur 4.');
    expect(report).toMatch(/<th scope="row">Créés<\/th>\s*<td>3<\/td>/);
    expect(report).toContain('<tr><td>11</td><td>lucas .petit@example.org</td>');
    expect(csv.startsWith('\uFEFFLigne;Adresse e-mail;Résultat;Motif\r\n')).toBe(true);
    expect(csv).toContain(';;créés;3\r\n');
    expect(csv).toContain('\r\n11;lucas .petit@example.org;rejeté;Adresse e-mail invalide');
    const members = (await wiring.deps.store.listMembers(list.id)).items;
    expect(members.map((m) => [m.email, m.status]).sort()).toEqual([
      ['anne.roy@example.org', 'confirmed'],
      ['marc.lenoir@example.org', 'confirmed'],
      ['sophie.blanc@example.org', 'confirmed'],
    ]);
    const anneId = members.find((m) => m.email === 'anne.roy@example.org')?.subscriberId ?? '';
    const anne = await wiring.deps.store.getSubscriber(anneId);
    expect(anne).toMatchObject({ name: 'Anne Claire Roy', role: 'Rédactrice en chef', outlet: 'L’Écho de Loir-et-Cher' });
    const consent = await wiring.deps.store.listConsent(anneId);
    expect(consent).toEqual([expect.objectContaining({ event: 'imported', lawfulBasis: 'legitimate-interest', listId: list.id })]);
    expect(await wiring.deps.store.getSetting(`import-mapping#${list.id}`)).toMatchObject({
      'Adresse e-mail': 'email',
      Société: 'organisation',
    });
    const files = await readdir(folder);
    const jobId = path.split('/').pop();
    expect(files.sort()).toEqual([`${jobId}.csv`, `${jobId}.rejected.json`, `${jobId}.settled.json`]);
  });
});

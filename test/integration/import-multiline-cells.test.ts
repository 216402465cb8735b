import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../functions/app/import-contacts';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor } from '../support/emulator-context';
import { fakeRenderer, testBrand } from '../support/fakes';

/** Issue 10, point 16: cells edited with Alt+Enter in Excel, through the real import on DynamoDB Local. */
let wiring: LocalWiring;

beforeAll(async () => {
  const { tableName } = await freshTable('import-multiline');
  wiring = buildLocalWiring(
    localConfigFor(tableName),
    { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
    fakeRenderer,
  );
  await wiring.deps.store.putBrand(testBrand);
});

describe('multi-line CSV cells (point 16)', () => {
  it('imports a quoted cell holding line breaks as one value, its breaks turned into spaces (Windows-1252, ;)', async () => {
    // prepare
    const headers = { authorization: 'Bearer root', 'content-type': 'application/json' };
    const list = (await (
      await wiring.http.request('/api/lists', {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'Presse', kind: 'press', optIn: 'single' }),
      })
    ).json()) as { id: string };
    const bytes = readFileSync('test/fixtures/csv/presse-multiligne-cp1252.csv');

    // act
    const response = await wiring.http.request(`/api/lists/${list.id}/import?filename=presse.csv`, {
      method: 'POST',
      headers: { authorization: 'Bearer root', 'content-type': 'text/csv; charset=windows-1252' },
      body: bytes,
    });

    // assess
    expect(response.status).toBe(200);
    const report = (await response.json()) as ImportReport;
    expect(report).toMatchObject({ rows: 4, created: 3, format: { encoding: 'windows-1252', separator: ';' } });
    expect(report.rejected).toEqual([
      { line: 11, email: 'lucas .petit@example.org', reason: expect.stringMatching(/^Adresse e-mail invalide/) },
    ]);
    const { store } = wiring.deps;
    expect(await store.getSubscriberByEmail('sophie.blanc@example.org')).toMatchObject({
      name: 'Sophie Blanc',
      role: 'Cheffe de service adjointe',
      organisation: 'Groupe Centre France',
      outlet: 'Le Berry Républicain',
    });
    expect(await store.getSubscriberByEmail('anne.roy@example.org')).toMatchObject({
      name: 'Anne Claire Roy',
      role: 'Rédactrice en chef',
      outlet: 'L’Écho de Loir-et-Cher',
    });
    expect(await store.getSubscriberByEmail('marc.lenoir@example.org')).toMatchObject({ role: 'Journaliste' });
    const members = await store.listMembers(list.id, { limit: 10 });
    expect(members.items.map((m) => m.email).sort()).toEqual([
      'anne.roy@example.org',
      'marc.lenoir@example.org',
      'sophie.blanc@example.org',
    ]);
  });
});

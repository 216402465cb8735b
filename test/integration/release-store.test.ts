import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { type Release, releaseContentSchema } from '../../functions/domain/release';
import { freshTable } from '../support/emulator-context';
import { testBrand } from '../support/fakes';

let store: DynamoStore;
const at = '2026-03-06T09:00:00.000Z';

beforeAll(async () => {
  const { client, tableName } = await freshTable('releases');
  store = new DynamoStore(client, tableName);
  await store.putBrand(testBrand);
  await store.putBrand({ ...testBrand, id: 'cd37', name: 'Conseil départemental d’Indre-et-Loire' });
});

const release = (id: string, date: string, coBrandIds: string[]): Release => ({
  id,
  status: 'draft',
  version: 1,
  content: releaseContentSchema.parse({ brandId: 'cd41', coBrandIds, title: `Communiqué ${id}`, dateline: { city: 'Blois', date } }),
  createdAt: at,
  updatedAt: at,
});
const ids = (page: { items: Release[] }) => page.items.map((r) => r.id);

describe('releases of a brand, co-brands included (DynamoDB Local)', () => {
  it('lists a co-branded release under both brands, in date order, once in the list of all', async () => {
    await store.createRelease(release('clts-1', '2024-03-15', ['cd37']));
    await store.createRelease(release('cd41-only', '2024-03-10', []));
    await store.createRelease(release('clts-0', '2023-03-06', ['cd37', 'cd41']));

    expect(ids(await store.listReleasesByBrand('cd41'))).toEqual(['clts-1', 'cd41-only', 'clts-0']);
    expect(ids(await store.listReleasesByBrand('cd37'))).toEqual(['clts-1', 'clts-0']);
    expect((await store.listReleasesByBrand('cd37')).items[0]?.content.title).toBe('Communiqué clts-1');
    expect(ids(await store.listReleases())).toEqual(['clts-1', 'cd41-only', 'clts-0']);
  });

  it('follows an edit: a co-brand dropped loses the release, one added gains it, with the current content', async () => {
    const current = (await store.getRelease('clts-1')) as Release;
    await store.updateRelease({ ...current, version: 2, content: { ...current.content, coBrandIds: [] } }, 1);
    expect(ids(await store.listReleasesByBrand('cd37'))).toEqual(['clts-0']);

    const edited = (await store.getRelease('cd41-only')) as Release;
    await store.updateRelease({ ...edited, version: 2, content: { ...edited.content, title: 'Titre revu', coBrandIds: ['cd37'] } }, 1);
    const cd37 = await store.listReleasesByBrand('cd37');
    expect(ids(cd37)).toEqual(['cd41-only', 'clts-0']);
    expect(cd37.items[0]?.content.title).toBe('Titre revu');
  });

  it('pages the co-brand listing by cursor without losing or repeating a release', async () => {
    const page1 = await store.listReleasesByBrand('cd37', { limit: 1 });
    const page2 = await store.listReleasesByBrand('cd37', { limit: 1, cursor: page1.cursor });
    expect([...ids(page1), ...ids(page2)]).toEqual(['cd41-only', 'clts-0']);
  });
});

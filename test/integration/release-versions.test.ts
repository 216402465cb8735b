import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { type Release, releaseContentSchema } from '../../functions/domain/release';
import { freshTable } from '../support/emulator-context';
import { testBrand } from '../support/fakes';
import { InMemoryStore } from '../support/in-memory-store';

const content = (title: string) => releaseContentSchema.parse({ brandId: 'cd41', title });
const alice = { id: 'u-alice', name: 'Alice Martin' };
const bruno = { id: 'u-bruno', name: 'Bruno Petit' };

describe.each([
  [
    'DynamoDB Local',
    async () => {
      const { client, tableName } = await freshTable('release-versions');
      return new DynamoStore(client, tableName);
    },
  ],
  ['the in-memory fake', async () => new InMemoryStore()],
])('the version history of a release (%s)', (_name, make) => {
  let store: DynamoStore | InMemoryStore;
  beforeAll(async () => {
    store = await make();
    await store.putBrand(testBrand);
  });

  it('lists every saved version, oldest first, with who saved it and when, and only this release’s', async () => {
    const v1: Release = {
      id: 'r1',
      status: 'draft',
      version: 1,
      updatedBy: alice,
      content: content('Un'),
      createdAt: '2024-03-01T08:00:00.000Z',
      updatedAt: '2024-03-01T08:00:00.000Z',
    };
    await store.createRelease(v1);
    await store.createRelease({ ...v1, id: 'r10', content: content('Autre') });
    await store.updateRelease({ ...v1, version: 2, updatedBy: bruno, content: content('Deux'), updatedAt: '2024-03-01T09:30:00.000Z' }, 1);
    // A release written before authors were recorded has versions without `by`.
    await store.createRelease({ ...v1, id: 'old', updatedBy: undefined });

    const history = await store.listReleaseVersions('r1');

    expect(history).toEqual([
      { version: 1, at: '2024-03-01T08:00:00.000Z', by: alice },
      { version: 2, at: '2024-03-01T09:30:00.000Z', by: bruno },
    ]);
    expect(await store.listReleaseVersions('old')).toEqual([{ version: 1, at: '2024-03-01T08:00:00.000Z' }]);
    expect(await store.listReleaseVersions('inconnu')).toEqual([]);
    expect((await store.getReleaseVersion('r1', 1))?.title).toBe('Un');
  });
});

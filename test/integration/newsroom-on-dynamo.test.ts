import { describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { listPublishedReleases } from '../../functions/app/newsroom';
import { ValidationError } from '../../functions/domain/errors';
import { type Release, type ReleaseContentInput, releaseContentSchema } from '../../functions/domain/release';
import { brands } from '../fixtures/seeds';
import { freshTable } from '../support/emulator-context';
import { ManualClock } from '../support/fakes';

/**
 * The newsroom's paging and co-brand merge on DynamoDB Local: store cursors are real
 * LastEvaluatedKeys, a co-branded release is a second index entry pointing at the release.
 * (test/unit/app/newsroom.test.ts checks the same on the in-memory fake.)
 */
async function world() {
  const { client, tableName } = await freshTable('newsroom');
  const store = new DynamoStore(client, tableName);
  for (const brand of brands) await store.putBrand(brand);
  const deps = { store, clock: new ManualClock(new Date('2026-03-06T09:00:00Z')) };
  let n = 0;
  const put = async (input: ReleaseContentInput, state: Partial<Release> = {}): Promise<Release> => {
    const release: Release = {
      id: `r${String(++n).padStart(3, '0')}`,
      status: 'draft',
      version: 1,
      content: releaseContentSchema.parse(input),
      createdAt: '2026-01-01T08:00:00.000Z',
      updatedAt: '2026-01-01T08:00:00.000Z',
      ...state,
    };
    await store.createRelease(release);
    return release;
  };
  return { deps, put };
}

const sent = (at: string) => ({ status: 'sent' as const, sentAt: at, publishedAt: at });
const titles = (releases: readonly Release[]) => releases.map((r) => r.content.title);

async function everyPage(read: (cursor?: string) => ReturnType<typeof listPublishedReleases>) {
  const seen: string[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    seen.push(...titles(page.items));
    sizes.push(page.items.length);
    cursor = page.cursor;
  } while (cursor !== undefined && sizes.length < 10);
  return { seen, sizes };
}

describe('the newsroom on DynamoDB Local', () => {
  it('pages all brands by cursor, newest first, a co-branded release once, drafts left out', async () => {
    const { deps, put } = await world();
    const all: string[] = [];
    const cd41: string[] = [];
    for (let day = 1; day <= 56; day += 1) {
      const date = new Date(Date.UTC(2025, 0, day)).toISOString().slice(0, 10);
      const brandId = day % 3 === 0 ? 'cd37' : 'cd41';
      // a cd37 release every 12 days is co-branded with cd41: on both newsrooms, once in the merged one
      const coBrandIds = brandId === 'cd37' && day % 4 === 0 ? ['cd41'] : [];
      await put({ brandId, coBrandIds, title: `Publié ${date}`, dateline: { city: 'Blois', date } }, sent(`${date}T08:00:00Z`));
      await put({ brandId, coBrandIds, title: `Brouillon ${date}`, dateline: { city: 'Blois', date } });
      all.unshift(`Publié ${date}`);
      if (brandId === 'cd41' || coBrandIds.length > 0) cd41.unshift(`Publié ${date}`);
    }

    const merged = await everyPage((cursor) => listPublishedReleases(deps, { cursor }));
    const ofCd41 = await everyPage((cursor) => listPublishedReleases(deps, { brandId: 'cd41', cursor }));

    expect(merged.sizes).toEqual([20, 20, 16]);
    expect(merged.seen).toEqual(all);
    expect(ofCd41.seen).toEqual(cd41);
    expect(ofCd41.seen.length).toBe(38 + 4); // 38 of its own, 4 co-branded by cd37 (days 12, 24, 36, 48)
  });

  it('follows an edit that drops a co-brand, and refuses a forged cursor (400)', async () => {
    const { deps, put } = await world();
    const shared = await put(
      { brandId: 'cd37', coBrandIds: ['cd41'], title: 'Commun', dateline: { city: 'Tours', date: '2026-02-01' } },
      sent('2026-02-01T08:00:00Z'),
    );
    await put({ brandId: 'cd41', title: 'Propre', dateline: { city: 'Blois', date: '2026-01-01' } }, sent('2026-01-01T08:00:00Z'));
    expect(titles((await listPublishedReleases(deps, { brandId: 'cd41' })).items)).toEqual(['Commun', 'Propre']);

    await deps.store.updateRelease({ ...shared, version: 2, content: { ...shared.content, coBrandIds: [] } }, 1);

    expect(titles((await listPublishedReleases(deps, { brandId: 'cd41' })).items)).toEqual(['Propre']);
    expect(titles((await listPublishedReleases(deps)).items)).toEqual(['Commun', 'Propre']);
    await expect(listPublishedReleases(deps, { cursor: 'pas-un-curseur' })).rejects.toBeInstanceOf(ValidationError);
  });
});

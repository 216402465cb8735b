import { describe, expect, it } from 'vitest';
import { listReleasesPage, releaseFiltersFrom } from '../../../functions/app/list-releases';
import { createRelease } from '../../../functions/app/manage-releases';
import { submitForReview } from '../../../functions/app/review-release';
import type { Actor } from '../../../functions/domain/actor';
import { fakeDeps, testBrand } from '../../support/fakes';

const alice: Actor = { id: 'u-alice', name: 'Alice', role: 'editor' };

async function world() {
  const ctx = fakeDeps();
  await ctx.store.putBrand(testBrand);
  await ctx.store.putBrand({ ...testBrand, id: 'cd37', name: 'Indre-et-Loire' });
  const at = (date: string, title: string, brandId = 'cd41', coBrandIds: string[] = []) =>
    createRelease(ctx.deps, { brandId, coBrandIds, title, dateline: { city: 'Blois', date } }, alice);
  return { ...ctx, at };
}

describe('listReleasesPage', () => {
  it('pages newest first by a keyset cursor: a release created meanwhile neither repeats nor hides one', async () => {
    const w = await world();
    for (let d = 1; d <= 5; d++) await w.at(`2024-01-0${d}`, `Jour ${d}`);

    const first = await listReleasesPage(w.deps, {}, { limit: 2 });
    await w.at('2024-01-09', 'Plus récent, créé entre deux pages');
    const second = await listReleasesPage(w.deps, {}, { limit: 2, cursor: first.cursor });
    const third = await listReleasesPage(w.deps, {}, { limit: 2, cursor: second.cursor });

    expect(first.items.map((r) => r.content.title)).toEqual(['Jour 5', 'Jour 4']);
    expect(second.items.map((r) => r.content.title)).toEqual(['Jour 3', 'Jour 2']);
    expect(third.items.map((r) => r.content.title)).toEqual(['Jour 1']);
    expect(third.cursor).toBeUndefined();
  });

  it('filters by status, brand (co-brands included, once) and title words, accents and case ignored', async () => {
    const w = await world();
    const joint = await w.at('2024-03-01', 'Festival du travail social', 'cd41', ['cd37']);
    await w.at('2024-03-02', 'Élections départementales');
    await w.at('2024-03-03', 'Routes de Touraine', 'cd37');
    await submitForReview(w.deps, alice, joint.id);

    const titles = async (query: Record<string, string>) =>
      (await listReleasesPage(w.deps, releaseFiltersFrom(query))).items.map((r) => r.content.title);

    expect(await titles({})).toEqual(['Routes de Touraine', 'Élections départementales', 'Festival du travail social']);
    expect(await titles({ statut: 'in_review' })).toEqual(['Festival du travail social']);
    expect(await titles({ marque: 'cd37' })).toEqual(['Routes de Touraine', 'Festival du travail social']);
    expect(await titles({ q: 'ELECTIONS depart' })).toEqual(['Élections départementales']);
    expect(await titles({ statut: 'nimporte', genre: 'quoi' })).toHaveLength(3);
  });
});

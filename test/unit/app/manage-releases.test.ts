import { describe, expect, it } from 'vitest';
import { createRelease, duplicateRelease, updateRelease } from '../../../functions/app/manage-releases';
import { ForbiddenError } from '../../../functions/domain/actor';
import { ConflictError, NotFoundError } from '../../../functions/domain/errors';
import { fakeDeps, testBrand } from '../../support/fakes';

async function world() {
  const ctx = fakeDeps();
  await ctx.store.putBrand(testBrand);
  return ctx;
}

describe('a sent release is never edited: it is duplicated', () => {
  it('refuses the edit, naming the way out, and the duplicate is a new draft with the same content', async () => {
    const { deps, store } = await world();
    const original = await createRelease(deps, { brandId: 'cd41', title: 'Festival du travail social', body: 'Texte' });
    const edited = await updateRelease(deps, original.id, { brandId: 'cd41', title: 'Festival du travail social', body: 'Texte corrigé' });
    await store.updateRelease(
      { ...edited, status: 'sent', sentAt: '2026-03-06T09:00:00Z', publishedAt: '2026-03-06T09:00:00Z' },
      edited.version,
    );

    await expect(updateRelease(deps, original.id, { brandId: 'cd41', title: 'Autre' })).rejects.toThrow(/déjà été envoyé : dupliquez-le/);
    const copy = await duplicateRelease(deps, original.id);

    expect(copy.id).not.toBe(original.id);
    expect(copy).toMatchObject({ status: 'draft', version: 1 });
    expect(copy.publishedAt).toBeUndefined();
    expect(copy.content).toEqual(edited.content);
    expect((await updateRelease(deps, copy.id, { brandId: 'cd41', title: 'Festival, 4e édition' })).version).toBe(2);
    expect((await store.getRelease(original.id))?.status).toBe('sent');
    const month = deps.clock.now().toISOString().slice(0, 7);
    expect((await store.listAudit(month)).find((e) => e.action === 'release.duplicated')).toMatchObject({
      entityId: copy.id,
      detail: `copie de ${original.id} (version 2)`,
    });
  });

  it('refuses an unknown release and a role that may not write', async () => {
    const { deps } = await world();
    const original = await createRelease(deps, { brandId: 'cd41', title: 'Titre' });

    await expect(duplicateRelease(deps, 'inconnu')).rejects.toBeInstanceOf(NotFoundError);
    await expect(duplicateRelease(deps, original.id, { id: 'r1', name: 'Relectrice', role: 'reviewer' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(updateRelease(deps, original.id, { brandId: 'cd41', title: 'Titre' }, 7)).rejects.toBeInstanceOf(ConflictError);
  });
});

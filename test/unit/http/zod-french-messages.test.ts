import { describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../../functions/http/app';
import { fakeDeps, testBrand } from '../../support/fakes';

describe('zod’s built-in messages are French (domain/zod-locale.ts)', () => {
  it('the API answers a too-short title and a missing field with zod’s French messages', async () => {
    const ctx = fakeDeps();
    await ctx.store.putBrand(testBrand);
    const app = buildHttpApp(ctx.deps, { adminToken: 'root', health: async () => ({}), logError: (e) => console.error(e) });
    const post = (body: unknown) =>
      app.request('/api/releases', {
        method: 'POST',
        headers: { authorization: 'Bearer root', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const empty = await post({ brandId: 'cd41', title: '   ' });
    const emptyBody = (await empty.json()) as { message: string; issues: { field: string; message: string }[] };
    const missing = (await (await post({ title: 'Sans marque' })).json()) as { issues: { field: string; message: string }[] };

    expect(empty.status).toBe(400);
    expect(emptyBody.issues).toContainEqual({ field: 'title', message: 'Trop petit : chaîne de caractères doit avoir >=1 caractères' });
    expect(emptyBody.message).toContain('Champ « title » : Trop petit');
    expect(JSON.stringify(missing.issues)).toContain('Entrée invalide : chaîne de caractères attendu, indéfini reçu');
    expect(JSON.stringify([emptyBody, missing])).not.toMatch(/Too small|Invalid input|expected string/);
  });
});

import { describe, expect, it } from 'vitest';
import { bootstrapAdmin } from '../../../functions/domain/actor';
import { buildHttpApp } from '../../../functions/http/app';
import { csrfFieldName, sessionCookieName } from '../../../functions/http/pages/workspace-env';
import { fakeDeps } from '../../support/fakes';
import { pdfBytes, pngBytes, textBytes } from '../../support/media-samples';
import { workspaceHarness } from '../../support/workspace-harness';

const form = (file: [Uint8Array, string, string], fields: Record<string, string>) => {
  const f = new FormData();
  f.append('file', new File([file[0] as Uint8Array<ArrayBuffer>], file[1], { type: file[2] }));
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
};

describe('media uploads in the audit log', () => {
  it('an upload through /mediatheque writes media.uploaded naming the person, shown in French in the journal', async () => {
    // prepare
    const h = await workspaceHarness();
    const ed = h.as('editor');
    const body = form([pngBytes, 'Affiche festival.png', 'image/png'], { alt: 'Affiche du festival', [csrfFieldName]: ed.csrfToken });

    // act
    const res = await h.app.request('/mediatheque', { method: 'POST', body, headers: { cookie: `${sessionCookieName}=${ed.cookie}` } });
    const refused = await h.app.request('/mediatheque', {
      method: 'POST',
      body: form([textBytes, 'photo.jpg', 'image/jpeg'], { alt: 'Photo', [csrfFieldName]: ed.csrfToken }),
      headers: { cookie: `${sessionCookieName}=${ed.cookie}` },
    });

    // assess
    expect(res.status).toBe(303);
    expect(refused.status).toBe(400);
    const item = (await h.deps.media.listMedia()).items[0];
    const entries = (await h.store.listAudit(h.clock.now().toISOString().slice(0, 7))).filter((e) => e.entity === 'media');
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'media.uploaded',
        entityId: item?.id,
        actorId: ed.user.id,
        actorName: ed.user.name,
        detail: `affiche-festival.png (image/png, ${pngBytes.length} o)`,
      }),
    ]);
    const journal = await (await h.as('admin').get('/reglages/journal')).text();
    expect(journal).toContain('Fichier ajouté à la médiathèque');
    expect(journal).toContain('fichier de la médiathèque');
  });

  it('an upload through POST /api/media writes media.uploaded naming the token’s actor', async () => {
    // prepare
    const { deps, store, clock } = fakeDeps();
    const app = buildHttpApp(deps, { adminToken: 'root', health: async () => ({}), logError: (e) => console.error(e) });

    // act
    const res = await app.request('/api/media', {
      method: 'POST',
      body: form([pdfBytes, 'Dossier de presse.pdf', 'application/pdf'], {}),
      headers: { authorization: 'Bearer root' },
    });

    // assess
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const entries = await store.listAudit(clock.now().toISOString().slice(0, 7));
    expect(entries.filter((e) => e.entity === 'media')).toEqual([
      expect.objectContaining({
        action: 'media.uploaded',
        entityId: id,
        actorId: bootstrapAdmin.id,
        actorName: bootstrapAdmin.name,
        detail: `dossier-de-presse.pdf (application/pdf, ${pdfBytes.length} o)`,
      }),
    ]);
  });
});

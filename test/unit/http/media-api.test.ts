import { describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../../functions/http/app';
import { fakeDeps } from '../../support/fakes';
import { jpegBytes, pdfBytes, pngBytes, textBytes } from '../../support/media-samples';

function setup() {
  const ctx = fakeDeps();
  const app = buildHttpApp(ctx.deps, { adminToken: 'root', health: async () => ({}), logError: (e) => console.error(e) });
  const post = (fields: Record<string, string | Blob | [Uint8Array, string, string]>, token = 'root') => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) {
      if (Array.isArray(v)) form.append(k, new File([v[0] as Uint8Array<ArrayBuffer>], v[1], { type: v[2] }));
      else form.append(k, v);
    }
    return app.request('/api/media', { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  };
  return { ...ctx, app, post };
}

describe('POST /api/media', () => {
  it('stores an image with its alt text and answers 201 {id, url, contentType, size}; the url serves it', async () => {
    const { post, app } = setup();
    const res = await post({ file: [pngBytes, 'Affiche été.png', 'image/png'], alt: 'Affiche du festival' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; url: string; contentType: string; size: number };
    expect(body.contentType).toBe('image/png');
    expect(body.size).toBe(pngBytes.length);
    expect(body.url).toBe(`https://communique.example.org/media/${body.id}/affiche-ete.png`);

    const served = await app.request(new URL(body.url).pathname);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('cache-control')).toContain('max-age=31536000');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(Buffer.from(pngBytes));
  });

  it('reads the type from the content: a PDF sent as image/jpeg named .jpg is stored as a PDF', async () => {
    const res = await setup().post({ file: [pdfBytes, 'photo.jpg', 'image/jpeg'] });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { url: string; contentType: string };
    expect(body.contentType).toBe('application/pdf');
    expect(body.url).toMatch(/\/photo\.pdf$/);
  });

  it('refuses a text file named .jpg with a French 400, and stores nothing', async () => {
    const { post, deps } = setup();
    const res = await post({ file: [textBytes, 'photo.jpg', 'image/jpeg'], alt: 'Une photo' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/Type de fichier refusé/);
    expect((await deps.media.listMedia()).items).toEqual([]);
  });

  it('refuses an image without alt text', async () => {
    const res = await setup().post({ file: [jpegBytes, 'photo.jpg', 'image/jpeg'] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'alt', message: expect.stringMatching(/Texte alternatif obligatoire/) });
  });

  it('refuses a file over 10 MB with 413 and a French message', async () => {
    const big = new Uint8Array(10 * 1024 * 1024 + 300 * 1024);
    big.set(pdfBytes);
    const res = await setup().post({ file: [big, 'dossier.pdf', 'application/pdf'] });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { message: string }).message).toMatch(/trop volumineux.*10 Mo/);
  });

  it('refuses a request without a file, and one without a token', async () => {
    const { post } = setup();
    const missing = await post({ alt: 'rien' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toMatch(/Aucun fichier reçu/);
    expect((await post({ file: [pdfBytes, 'a.pdf', 'application/pdf'] }, 'wrong')).status).toBe(401);
  });

  it('serves nothing for an unknown id or a name that is not the stored one', async () => {
    const { post, app } = setup();
    const body = (await (await post({ file: [pdfBytes, 'dossier.pdf', 'application/pdf'] })).json()) as { id: string };
    expect((await app.request(`/media/${body.id}/autre.pdf`)).status).toBe(404);
    expect((await app.request('/media/20260101t000000-zz/dossier.pdf')).status).toBe(404);
    expect((await app.request(`/media/${body.id}/dossier.pdf`)).headers.get('content-type')).toBe('application/pdf');
  });

  it('is described in /api/openapi.json as multipart with its 201 and 413 answers', async () => {
    const { app } = setup();
    const doc = (await (await app.request('/api/openapi.json')).json()) as {
      paths: Record<string, { post?: { requestBody?: { content?: Record<string, unknown> }; responses?: Record<string, unknown> } }>;
    };
    const post = doc.paths['/media']?.post;
    expect(Object.keys(post?.requestBody?.content ?? {})).toEqual(['multipart/form-data']);
    expect(Object.keys(post?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '413']));
  });
});

import { describe, expect, it } from 'vitest';
import { releaseContentSchema } from '../../../functions/domain/release';
import { csrfFieldName, sessionCookieName } from '../../../functions/http/pages/workspace-env';
import { pdfBytes, pngBytes, textBytes } from '../../support/media-samples';
import { type SignedIn, workspaceHarness } from '../../support/workspace-harness';

type Harness = Awaited<ReturnType<typeof workspaceHarness>>;

/** Posts the library's multipart form as this person (with the CSRF field unless told otherwise). */
function upload(h: Harness, who: SignedIn, file: [Uint8Array, string, string] | undefined, fields: Record<string, string>, csrf = true) {
  const form = new FormData();
  if (file) form.append('file', new File([file[0] as Uint8Array<ArrayBuffer>], file[1], { type: file[2] }));
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (csrf) form.append(csrfFieldName, who.csrfToken);
  return h.app.request('/mediatheque', { method: 'POST', body: form, headers: { cookie: `${sessionCookieName}=${who.cookie}` } });
}

describe('Médiathèque (/mediatheque)', () => {
  it('shows the upload form and the empty library to an editor', async () => {
    const h = await workspaceHarness();
    const res = await h.as('editor').get('/mediatheque');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<h1>Médiathèque</h1>');
    expect(page).toContain('enctype="multipart/form-data"');
    expect(page).toContain(`name="${csrfFieldName}"`);
    expect(page).toContain('La médiathèque est vide pour le moment.');
  });

  it('uploads an image with its alt text, then lists it with its URL (post/redirect/get)', async () => {
    const h = await workspaceHarness();
    const ed = h.as('editor');
    const res = await upload(h, ed, [pngBytes, 'Affiche festival.png', 'image/png'], { alt: 'Affiche du festival', credit: '© CD41' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/mediatheque');
    const page = await (await ed.get('/mediatheque')).text();
    expect(page).toContain('affiche-festival.png');
    expect(page).toContain('alt="Affiche du festival"');
    expect(page).toContain('Crédit : © CD41');
    expect(page).toMatch(/https:\/\/communique\.example\.org\/media\/[a-z0-9-]+\/affiche-festival\.png/);
  });

  it('refuses a text file named .jpg with the French message beside the file field, nothing stored', async () => {
    const h = await workspaceHarness();
    const res = await upload(h, h.as('editor'), [textBytes, 'photo.jpg', 'image/jpeg'], { alt: 'Photo' });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('Il y a un problème');
    expect(page).toContain('href="#champ-file"');
    expect(page).toContain('Type de fichier refusé');
    expect(page).toContain('value="Photo"');
    expect((await h.deps.media.listMedia()).items).toHaveLength(0);
  });

  it('refuses an image without alt text, pointing at the alt field', async () => {
    const h = await workspaceHarness();
    const res = await upload(h, h.as('editor'), [pngBytes, 'a.png', 'image/png'], { alt: '' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('href="#champ-alt"');
  });

  it('refuses a file over 10 MB with 413 and a French page', async () => {
    const h = await workspaceHarness();
    const big = new Uint8Array(10 * 1024 * 1024 + 300 * 1024);
    big.set(pdfBytes);
    const res = await upload(h, h.as('editor'), [big, 'dossier.pdf', 'application/pdf'], {});
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/Fichier trop volumineux.*10 Mo/s);
    expect((await h.deps.media.listMedia()).items).toHaveLength(0);
  });

  it('takes a PDF without alt text', async () => {
    const h = await workspaceHarness();
    expect((await upload(h, h.as('publisher'), [pdfBytes, 'Dossier de presse.pdf', 'application/pdf'], {})).status).toBe(303);
    expect((await h.deps.media.listMedia()).items[0]).toMatchObject({ filename: 'dossier-de-presse.pdf', kind: 'document' });
  });

  it('refuses an upload without the CSRF field (403, nothing stored)', async () => {
    const h = await workspaceHarness();
    const res = await upload(h, h.as('editor'), [pdfBytes, 'a.pdf', 'application/pdf'], {}, false);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Formulaire expiré');
    expect((await h.deps.media.listMedia()).items).toHaveLength(0);
  });

  it('is closed to a reviewer (403) and to who is not signed in (sign-in page)', async () => {
    const h = await workspaceHarness();
    expect((await h.as('reviewer').get('/mediatheque')).status).toBe(403);
    const rv = h.as('reviewer');
    expect((await upload(h, rv, [pdfBytes, 'a.pdf', 'application/pdf'], {})).status).toBe(403);
    const anonymous = await h.app.request('/mediatheque');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/connexion/);
  });

  it('the release editor suggests the library’s files in the image and attachment address fields', async () => {
    const h = await workspaceHarness();
    const ed = h.as('editor');
    await upload(h, ed, [pngBytes, 'affiche.png', 'image/png'], { alt: 'Affiche du festival' });
    await upload(h, ed, [pdfBytes, 'programme.pdf', 'application/pdf'], {});
    const page = await (await ed.get('/communiques/nouveau')).text();
    const [image, pdf] = (await h.deps.media.listMedia()).items.sort((a, b) => a.kind.localeCompare(b.kind)).reverse();
    const imageUrl = `https://communique.example.org/media/${image?.id}/affiche.png`;
    const pdfUrl = `https://communique.example.org/media/${pdf?.id}/programme.pdf`;
    const images = /<datalist id="mediatheque-images">(.*?)<\/datalist>/s.exec(page)?.[1] ?? '';
    const files = /<datalist id="mediatheque-fichiers">(.*?)<\/datalist>/s.exec(page)?.[1] ?? '';
    expect(images).toContain(`value="${imageUrl}"`);
    expect(images).toContain('affiche.png — Affiche du festival');
    expect(images).not.toContain(pdfUrl);
    expect(files).toContain(`value="${pdfUrl}"`);
    expect(page).toContain('href="/mediatheque"');

    await h.store.createRelease({
      id: 'r-img',
      status: 'draft',
      version: 1,
      content: releaseContentSchema.parse({ brandId: 'cd41', title: 'Avec image', images: [{ url: imageUrl, alt: 'Affiche' }] }),
      createdAt: '2026-03-06T09:00:00.000Z',
      updatedAt: '2026-03-06T09:00:00.000Z',
    });
    const editor = await (await ed.get('/communiques/r-img')).text();
    expect(editor).toMatch(
      /<input[^>]*name="images\.0\.url"[^>]*list="mediatheque-images"|<input[^>]*list="mediatheque-images"[^>]*name="images\.0\.url"/,
    );
  });
});

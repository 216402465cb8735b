import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileMediaStore } from '../../../functions/adapters/local/file-media-store';
import type { MediaItem } from '../../../functions/domain/media';
import { pdfBytes, pngBytes } from '../../support/media-samples';

const item = (id: string, over: Partial<MediaItem> = {}): MediaItem => ({
  id,
  filename: 'affiche.png',
  contentType: 'image/png',
  kind: 'image',
  size: pngBytes.length,
  alt: 'Affiche du festival',
  uploadedAt: '2026-03-06T09:00:00.000Z',
  uploadedBy: { id: 'u-editor', name: 'Personne editor' },
  ...over,
});

describe('FileMediaStore (local media library under DATA_DIR)', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'media-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps the bytes and the description, and finds them again after a restart', async () => {
    await new FileMediaStore(root).putMedia(item('20260306t090000-aaaa'), pngBytes);
    const reopened = new FileMediaStore(root);
    expect(await reopened.getMedia('20260306t090000-aaaa')).toEqual(item('20260306t090000-aaaa'));
    expect(Buffer.from((await reopened.readMedia('20260306t090000-aaaa')) ?? [])).toEqual(Buffer.from(pngBytes));
    expect(await readdir(join(root, '20260306t090000-aaaa'))).toEqual(['affiche.png', 'media.json']);
  });

  it('answers undefined for unknown ids and for ids that would leave the folder', async () => {
    const store = new FileMediaStore(root);
    expect(await store.getMedia('20260306t090000-none')).toBeUndefined();
    expect(await store.readMedia('../../etc')).toBeUndefined();
  });

  it('lists newest first, by pages', async () => {
    const store = new FileMediaStore(root);
    await store.putMedia(item('20260306t090000-aaaa'), pngBytes);
    await store.putMedia(
      item('20260306t090100-bbbb', { filename: 'dossier.pdf', kind: 'document', contentType: 'application/pdf' }),
      pdfBytes,
    );
    await store.putMedia(item('20260306t090200-cccc'), pngBytes);
    const first = await store.listMedia({ limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual(['20260306t090200-cccc', '20260306t090100-bbbb']);
    const second = await store.listMedia({ limit: 2, cursor: first.cursor });
    expect(second.items.map((i) => i.id)).toEqual(['20260306t090000-aaaa']);
    expect(second.cursor).toBeUndefined();
  });

  it('lists nothing before the first upload', async () => {
    expect(await new FileMediaStore(join(root, 'absent')).listMedia()).toEqual({ items: [] });
  });
});

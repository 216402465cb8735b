import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMediaId, type MediaItem } from '../../domain/media';
import type { MediaStore, Page } from '../../ports';

const META = 'media.json';

/**
 * The media library of the local runtime: `<root>/<id>/<filename>` and `<root>/<id>/media.json`
 * (root = `$DATA_DIR/media`). Ids sort by upload time, so a listing is the folder names read
 * backwards; the cursor is the last id shown.
 */
export class FileMediaStore implements MediaStore {
  constructor(private readonly root: string) {}

  async putMedia(item: MediaItem, bytes: Uint8Array): Promise<void> {
    if (!isMediaId(item.id)) throw new Error(`invalid media id: ${item.id}`);
    const dir = join(this.root, item.id);
    // The description goes last, through a rename: a folder without it is an upload that did not finish.
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, item.filename), bytes);
    await writeFile(join(dir, `${META}.tmp`), JSON.stringify(item));
    await rename(join(dir, `${META}.tmp`), join(dir, META));
  }

  async getMedia(id: string): Promise<MediaItem | undefined> {
    if (!isMediaId(id)) return undefined;
    try {
      return JSON.parse(await readFile(join(this.root, id, META), 'utf8')) as MediaItem;
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async readMedia(id: string): Promise<Uint8Array | undefined> {
    const item = await this.getMedia(id);
    return item ? new Uint8Array(await readFile(join(this.root, id, item.filename))) : undefined;
  }

  async listMedia(options: { limit?: number; cursor?: string } = {}): Promise<Page<MediaItem>> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
    let names: string[];
    try {
      names = (await readdir(this.root)).filter(isMediaId).sort().reverse();
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { items: [] };
      throw e;
    }
    const after = options.cursor;
    const from = after === undefined ? names : names.filter((n) => n < after);
    const items: MediaItem[] = [];
    let last: string | undefined;
    for (const name of from) {
      if (items.length === limit) return { items, ...(last ? { cursor: last } : {}) };
      const item = await this.getMedia(name);
      if (item) items.push(item);
      last = name;
    }
    return { items };
  }
}

import type { MediaItem } from '../../functions/domain/media';
import type { MediaStore, Page } from '../../functions/ports';

/** The media library in memory, for route and use-case tests (the file and S3 stores have their own tests). */
export class InMemoryMediaStore implements MediaStore {
  readonly items = new Map<string, { item: MediaItem; bytes: Uint8Array }>();

  async putMedia(item: MediaItem, bytes: Uint8Array) {
    if (this.items.has(item.id)) throw new Error(`media id reused: ${item.id}`);
    this.items.set(item.id, { item: structuredClone(item), bytes: new Uint8Array(bytes) });
  }
  async getMedia(id: string) {
    return this.items.get(id)?.item;
  }
  async readMedia(id: string) {
    return this.items.get(id)?.bytes;
  }
  async listMedia(options: { limit?: number; cursor?: string } = {}): Promise<Page<MediaItem>> {
    const limit = options.limit ?? 50;
    const ids = [...this.items.keys()]
      .sort()
      .reverse()
      .filter((id) => options.cursor === undefined || id < options.cursor);
    const shown = ids.slice(0, limit);
    const items = shown.map((id) => this.items.get(id)?.item as MediaItem);
    return ids.length > limit ? { items, cursor: shown.at(-1) as string } : { items };
  }
}

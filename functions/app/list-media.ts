import { type Actor, assertCan } from '../domain/actor';
import { type MediaItem, type MediaKind, mediaUrl } from '../domain/media';
import type { Page } from '../ports';
import type { AppDeps } from './deps';

export interface MediaView extends MediaItem {
  readonly url: string;
}

/** The library, newest first, for whoever writes releases (the editor picks from it). */
export async function listMedia(
  deps: Pick<AppDeps, 'media' | 'publicBaseUrl'>,
  actor: Actor,
  options: { kind?: MediaKind; limit?: number; cursor?: string } = {},
): Promise<Page<MediaView>> {
  assertCan(actor, 'release:write');
  const page = await deps.media.listMedia({ limit: options.limit ?? 50, cursor: options.cursor });
  const items = page.items
    .filter((i) => options.kind === undefined || i.kind === options.kind)
    .map((i) => ({ ...i, url: mediaUrl(deps.publicBaseUrl, i) }));
  return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
}

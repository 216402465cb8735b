import { type Actor, assertCan } from '../domain/actor';
import { checkMediaUpload, type MediaItem, type MediaUpload, mediaUrl, newMediaId, safeFilename } from '../domain/media';
import type { AppDeps } from './deps';

export interface UploadedMedia {
  readonly item: MediaItem;
  /** Where the file is served: the URL mails and pages use. */
  readonly url: string;
}

/**
 * Adds a file to the media library: checked (size, type read from its content, alt text for
 * images) before anything is stored. Who may write releases may upload what goes in them.
 */
export async function uploadMedia(
  deps: Pick<AppDeps, 'media' | 'clock' | 'newId' | 'publicBaseUrl'>,
  actor: Actor,
  upload: MediaUpload,
): Promise<UploadedMedia> {
  assertCan(actor, 'release:write');
  const type = checkMediaUpload(upload);
  const now = deps.clock.now();
  const alt = upload.alt?.trim();
  const credit = upload.credit?.trim();
  const item: MediaItem = {
    id: newMediaId(now, deps.newId()),
    filename: safeFilename(upload.originalName, type),
    contentType: type.contentType,
    kind: type.kind,
    size: upload.bytes.length,
    ...(alt ? { alt } : {}),
    ...(credit ? { credit } : {}),
    uploadedAt: now.toISOString(),
    uploadedBy: { id: actor.id, name: actor.name },
  };
  await deps.media.putMedia(item, upload.bytes);
  return { item, url: mediaUrl(deps.publicBaseUrl, item) };
}

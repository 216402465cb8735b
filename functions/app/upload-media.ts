import { type Actor, assertCan } from '../domain/actor';
import { checkMediaUpload, formatBytes, type MediaItem, type MediaUpload, mediaUrl, newMediaId, safeFilename } from '../domain/media';
import { audit } from './audit-log';
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
  deps: Pick<AppDeps, 'media' | 'store' | 'clock' | 'newId' | 'publicBaseUrl'>,
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
  await auditMediaUpload(deps, actor, item);
  return { item, url: mediaUrl(deps.publicBaseUrl, item) };
}

/** The audit line of an upload (page, API or direct S3 upload): who added which file. */
export async function auditMediaUpload(deps: Pick<AppDeps, 'store' | 'clock'>, actor: Actor, item: MediaItem): Promise<void> {
  await audit(deps, actor, 'media.uploaded', 'media', item.id, `${item.filename} (${item.contentType}, ${formatBytes(item.size)})`);
}

import { type Actor, assertCan } from '../domain/actor';
import { ValidationError } from '../domain/errors';
import { checkMediaFile, isMediaId, MEDIA_MAX_BYTES, type MediaItem, mediaUrl, newMediaId, safeFilename } from '../domain/media';
import type { MediaStore } from '../ports';
import type { AppDeps } from './deps';
import type { UploadedMedia } from './upload-media';
import { auditMediaUpload } from './upload-media';

/** A form posted straight to the store: its address, its hidden fields, the names the alt text and credit fields must have. */
export interface DirectMediaForm {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly altField: string;
  readonly creditField: string;
}

/** What the store received through a direct upload: its size, its first bytes (enough for the magic numbers), the form's texts. */
export interface IncomingMedia {
  readonly originalName: string;
  readonly size: number;
  readonly head: Uint8Array;
  readonly alt?: string;
  readonly credit?: string;
}

/**
 * A media store that takes uploads straight from the browser (AWS: a presigned S3 POST, so a
 * file above Lambda's 6 MB request limit never crosses API Gateway). Locally absent: the
 * library's own multipart form takes the file.
 */
export interface DirectMediaUploads {
  presignMediaUpload(id: string, options: { redirectUrl: string; maxBytes: number }): Promise<DirectMediaForm>;
  /** The upload under this id's incoming prefix, by the key S3's redirect names; undefined when absent or not this id's. */
  readIncomingMedia(id: string, key: string): Promise<IncomingMedia | undefined>;
  /** Makes the checked upload the library's file `item` (its final key, its type), then lists it. */
  adoptIncomingMedia(item: MediaItem, key: string): Promise<void>;
}

export function directMediaUploadsOf(media: MediaStore): DirectMediaUploads | undefined {
  const m = media as Partial<DirectMediaUploads>;
  return m.presignMediaUpload && m.readIncomingMedia && m.adoptIncomingMedia ? (media as MediaStore & DirectMediaUploads) : undefined;
}

/** Where S3 sends the browser back after a direct upload. */
export const directUploadReturnPath = (id: string) => `/mediatheque/televerse/${encodeURIComponent(id)}`;

/** A presigned form for a media id minted now; undefined when the store takes no direct uploads (local). */
export async function directMediaForm(
  deps: Pick<AppDeps, 'media' | 'clock' | 'newId' | 'publicBaseUrl'>,
  actor: Actor,
): Promise<DirectMediaForm | undefined> {
  const direct = directMediaUploadsOf(deps.media);
  if (!direct) return undefined;
  assertCan(actor, 'release:write');
  const id = newMediaId(deps.clock.now(), deps.newId());
  return direct.presignMediaUpload(id, {
    redirectUrl: `${deps.publicBaseUrl.replace(/\/$/, '')}${directUploadReturnPath(id)}`,
    maxBytes: MEDIA_MAX_BYTES,
  });
}

/**
 * Registers a file the browser sent straight to S3, with the same checks as a multipart upload
 * (size, type by its first bytes, alt text for an image): a refused file is not registered (the
 * bucket's lifecycle rule removes it). Once only: a second visit finds the file registered.
 */
export async function registerDirectMediaUpload(
  deps: Pick<AppDeps, 'media' | 'store' | 'clock' | 'publicBaseUrl'>,
  actor: Actor,
  id: string,
  key: string,
): Promise<UploadedMedia & { readonly again: boolean }> {
  assertCan(actor, 'release:write');
  const direct = directMediaUploadsOf(deps.media);
  if (!direct) throw new ValidationError('Ce dépôt direct n’est pas disponible ici : utilisez le formulaire de la médiathèque.', 'file');
  const notArrived = () => new ValidationError('Le fichier n’est pas arrivé : choisissez-le à nouveau.', 'file');
  if (!isMediaId(id)) throw notArrived();
  const known = await deps.media.getMedia(id);
  if (known) return { item: known, url: mediaUrl(deps.publicBaseUrl, known), again: true };
  const incoming = await direct.readIncomingMedia(id, key);
  if (!incoming) throw notArrived();
  const type = checkMediaFile(incoming);
  const alt = incoming.alt?.trim();
  const credit = incoming.credit?.trim();
  const item: MediaItem = {
    id,
    filename: safeFilename(incoming.originalName, type),
    contentType: type.contentType,
    kind: type.kind,
    size: incoming.size,
    ...(alt ? { alt } : {}),
    ...(credit ? { credit } : {}),
    uploadedAt: deps.clock.now().toISOString(),
    uploadedBy: { id: actor.id, name: actor.name },
  };
  await direct.adoptIncomingMedia(item, key);
  await auditMediaUpload(deps, actor, item);
  return { item, url: mediaUrl(deps.publicBaseUrl, item), again: false };
}

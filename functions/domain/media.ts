import { DomainError, ValidationError } from './errors';

/** Largest file the library takes: a print-quality photo or a press kit PDF, not a video. */
export const MEDIA_MAX_BYTES = 10 * 1024 * 1024;

export type MediaKind = 'image' | 'document';

export interface MediaType {
  readonly contentType: string;
  readonly extension: string;
  readonly kind: MediaKind;
}

/** One file of the media library. `filename` is the safe name of its URL (`/media/<id>/<filename>`). */
export interface MediaItem {
  readonly id: string;
  readonly filename: string;
  readonly contentType: string;
  readonly kind: MediaKind;
  readonly size: number;
  /** Required for images: mails and pages show it to who cannot see the picture. */
  readonly alt?: string;
  /** Photo credit (« © Département »), shown under the image. */
  readonly credit?: string;
  readonly uploadedAt: string;
  readonly uploadedBy: { readonly id: string; readonly name: string };
}

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);
const ascii = (s: string) => [...s].map((ch) => ch.charCodeAt(0));

/**
 * The type of a file from its first bytes (its magic number), never from its name or the
 * browser's claim: a text file named photo.jpg is refused. Only what the library takes is
 * recognised: JPEG, PNG, WebP, GIF and PDF.
 */
export function detectMediaType(bytes: Uint8Array): MediaType | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { contentType: 'image/jpeg', extension: 'jpg', kind: 'image' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { contentType: 'image/png', extension: 'png', kind: 'image' };
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a')))
    return { contentType: 'image/gif', extension: 'gif', kind: 'image' };
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8))
    return { contentType: 'image/webp', extension: 'webp', kind: 'image' };
  if (startsWith(bytes, ascii('%PDF-'))) return { contentType: 'application/pdf', extension: 'pdf', kind: 'document' };
  return undefined;
}

export class MediaTooLargeError extends DomainError {
  constructor(readonly size: number) {
    super(
      'too_large',
      `Fichier trop volumineux (${formatBytes(size)}) : la médiathèque accepte au plus ${formatBytes(MEDIA_MAX_BYTES)} par fichier.`,
    );
  }
}

export const unsupportedTypeMessage =
  'Type de fichier refusé : la médiathèque accepte les images JPEG, PNG, WebP ou GIF et les documents PDF (le type est lu dans le contenu du fichier, pas dans son nom).';

/** « 2,4 Mo », « 830 ko »: sizes as the French read them. */
export function formatBytes(size: number): string {
  if (size < 1024) return `${size} o`;
  if (size < 1024 * 1024) return `${Math.round(size / 1024)} ko`;
  return `${(size / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
}

/**
 * The file's name in its URL: accents folded, anything but letters, digits and dashes turned
 * into dashes, and the extension of the type found in its content (not the one it came with).
 */
export function safeFilename(original: string, type: MediaType): string {
  const base = original
    .replace(/^.*[\\/]/, '')
    .replace(/\.[^.]*$/, '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${base || 'fichier'}.${type.extension}`;
}

export const isMediaId = (id: string) => /^[a-z0-9][a-z0-9-]{5,63}$/.test(id);
export const isMediaFilename = (name: string) => /^[a-z0-9-]{1,80}\.(jpg|png|gif|webp|pdf)$/.test(name);

/**
 * A media id that sorts by upload time (newest last, so listings read it backwards), then a
 * random part so that two uploads in the same second never collide.
 */
export function newMediaId(at: Date, random: string): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').toLowerCase();
  const tail = random
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 12);
  return `${stamp}-${tail || '0'}`;
}

export const mediaPath = (item: Pick<MediaItem, 'id' | 'filename'>) =>
  `/media/${encodeURIComponent(item.id)}/${encodeURIComponent(item.filename)}`;
export const mediaUrl = (base: string, item: Pick<MediaItem, 'id' | 'filename'>) => `${base.replace(/\/$/, '')}${mediaPath(item)}`;

export interface MediaUpload {
  readonly bytes: Uint8Array;
  readonly originalName: string;
  readonly alt?: string;
  readonly credit?: string;
}

/**
 * The checks on an upload, before anything is stored: size, type by content, alt text for
 * images. Returns the type found.
 */
export function checkMediaUpload(upload: MediaUpload): MediaType {
  return checkMediaFile({ head: upload.bytes, size: upload.bytes.length, alt: upload.alt, credit: upload.credit });
}

/**
 * The same checks on a file known by its size and first bytes only (a direct upload to S3,
 * read back by a ranged GET: the magic numbers fit in the first 32 bytes).
 */
export function checkMediaFile(file: { head: Uint8Array; size: number; alt?: string; credit?: string }): MediaType {
  if (file.size > MEDIA_MAX_BYTES) throw new MediaTooLargeError(file.size);
  if (file.size === 0) throw new ValidationError('Fichier vide : choisissez un fichier à envoyer.', 'file');
  const type = detectMediaType(file.head);
  if (!type) throw new ValidationError(unsupportedTypeMessage, 'file');
  const alt = file.alt?.trim() ?? '';
  if (type.kind === 'image' && alt === '')
    throw new ValidationError('Texte alternatif obligatoire pour une image : décrivez ce qu’elle montre.', 'alt');
  if (alt.length > 300) throw new ValidationError('Texte alternatif trop long (300 caractères au plus).', 'alt');
  if ((file.credit?.trim().length ?? 0) > 200) throw new ValidationError('Crédit trop long (200 caractères au plus).', 'credit');
  return type;
}

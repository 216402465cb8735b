import { CopyObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { DirectMediaForm, DirectMediaUploads, IncomingMedia } from '../../app/direct-media-upload';
import { isMediaId, type MediaItem } from '../../domain/media';
import type { MediaStore, Page } from '../../ports';
import type { DynamoMediaIndex } from '../dynamodb/media-store';

/** Where a file lives in the bucket: the same path as its public URL, so CloudFront could serve it directly. */
export const mediaObjectKey = (item: Pick<MediaItem, 'id' | 'filename'>) => `media/${item.id}/${item.filename}`;

/** Where a direct upload lands before it is checked (expired after a day by the bucket's lifecycle rule). */
export const incomingMediaPrefix = (id: string) => `media/incoming/${id}/`;
/** The form fields S3 keeps as `x-amz-meta-alt` / `x-amz-meta-credit`: the texts typed beside the file. */
export const UPLOAD_ALT_FIELD = 'x-amz-meta-alt';
export const UPLOAD_CREDIT_FIELD = 'x-amz-meta-credit';
/** How long the upload form may wait before its policy expires. */
const UPLOAD_EXPIRES_SECONDS = 15 * 60;
/** Enough for every magic number detectMediaType knows (WebP's is the furthest: bytes 8-11). */
const HEAD_BYTES = 32;

/**
 * S3 returns a non-ASCII metadata value RFC 2047-encoded (`=?UTF-8?B?…?=` or `=?UTF-8?Q?…?=`),
 * and French alt texts have accents: decoded here, other values kept as they are.
 */
export function decodeMetadataValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=\s*/gi, (_all, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

/**
 * The media library in AWS: the bytes in a private S3 bucket (MEDIA_BUCKET), what is known of
 * each file in the table. The file goes first and the index last, so a listed file always exists.
 */
export class S3MediaStore implements MediaStore, DirectMediaUploads {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly index: DynamoMediaIndex,
  ) {}

  async putMedia(item: MediaItem, bytes: Uint8Array): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: mediaObjectKey(item),
        Body: bytes,
        ContentType: item.contentType,
        ContentLength: bytes.length,
        // Ids are never reused: the object may be cached for good.
        CacheControl: 'public, max-age=31536000, immutable',
        ServerSideEncryption: 'AES256',
      }),
    );
    await this.index.put(item);
  }

  getMedia(id: string): Promise<MediaItem | undefined> {
    return this.index.get(id);
  }

  async readMedia(id: string): Promise<Uint8Array | undefined> {
    const item = await this.index.get(id);
    if (!item) return undefined;
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: mediaObjectKey(item) }));
      return out.Body ? await out.Body.transformToByteArray() : undefined;
    } catch (e: unknown) {
      if (e instanceof NoSuchKey) return undefined;
      throw e;
    }
  }

  listMedia(options?: { limit?: number; cursor?: string }): Promise<Page<MediaItem>> {
    return this.index.list(options);
  }

  /**
   * A form the browser posts straight to S3 (files above Lambda's 6 MB request limit never reach
   * the api): the file under `media/incoming/<id>/<its name>`, 1 byte to `maxBytes`, the alt text
   * and credit as metadata, encrypted, then S3 answers 303 to `redirectUrl` with `?bucket=…&key=…&etag=…`.
   */
  async presignMediaUpload(id: string, options: { redirectUrl: string; maxBytes: number }): Promise<DirectMediaForm> {
    if (!isMediaId(id)) throw new Error(`invalid media id: ${id}`);
    const { url, fields } = await createPresignedPost(this.s3, {
      Bucket: this.bucket,
      Key: `${incomingMediaPrefix(id)}\${filename}`,
      Conditions: [
        ['starts-with', '$key', incomingMediaPrefix(id)],
        ['content-length-range', 1, options.maxBytes],
        ['starts-with', `$${UPLOAD_ALT_FIELD}`, ''],
        ['starts-with', `$${UPLOAD_CREDIT_FIELD}`, ''],
        ['eq', '$success_action_redirect', options.redirectUrl],
        ['eq', '$x-amz-server-side-encryption', 'AES256'],
      ],
      Fields: { success_action_redirect: options.redirectUrl, 'x-amz-server-side-encryption': 'AES256' },
      Expires: UPLOAD_EXPIRES_SECONDS,
    });
    return { url, fields, altField: UPLOAD_ALT_FIELD, creditField: UPLOAD_CREDIT_FIELD };
  }

  /** The upload's size, first 32 bytes and texts (one ranged GET: the file itself stays in S3). */
  async readIncomingMedia(id: string, key: string): Promise<IncomingMedia | undefined> {
    if (!isMediaId(id) || !key.startsWith(incomingMediaPrefix(id))) return undefined;
    const originalName = key.slice(incomingMediaPrefix(id).length);
    if (!originalName || originalName.includes('/')) return undefined;
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${HEAD_BYTES - 1}` }));
      if (!out.Body) return undefined;
      const head = await out.Body.transformToByteArray();
      // `bytes 0-31/<total>`: the whole object's size, not the range's.
      const total = /\/(\d+)$/.exec(out.ContentRange ?? '')?.[1];
      const size = total ? Number(total) : (out.ContentLength ?? head.length);
      const metadata = out.Metadata ?? {};
      return { originalName, size, head, alt: decodeMetadataValue(metadata.alt), credit: decodeMetadataValue(metadata.credit) };
    } catch (e: unknown) {
      if (e instanceof NoSuchKey || (e as { name?: string }).name === 'NoSuchKey') return undefined;
      throw e;
    }
  }

  /** Copies the checked upload to the file's own key with the type read from its content, then lists it. */
  async adoptIncomingMedia(item: MediaItem, key: string): Promise<void> {
    if (!key.startsWith(incomingMediaPrefix(item.id))) throw new Error(`not an upload of media ${item.id}: ${key}`);
    await this.s3.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: mediaObjectKey(item),
        CopySource: `${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
        MetadataDirective: 'REPLACE',
        ContentType: item.contentType,
        CacheControl: 'public, max-age=31536000, immutable',
        ServerSideEncryption: 'AES256',
      }),
    );
    await this.index.put(item);
  }
}

import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { MediaItem } from '../../domain/media';
import type { MediaStore, Page } from '../../ports';
import type { DynamoMediaIndex } from '../dynamodb/media-store';

/** Where a file lives in the bucket: the same path as its public URL, so CloudFront could serve it directly. */
export const mediaObjectKey = (item: Pick<MediaItem, 'id' | 'filename'>) => `media/${item.id}/${item.filename}`;

/**
 * The media library in AWS: the bytes in a private S3 bucket (MEDIA_BUCKET), what is known of
 * each file in the table. The file goes first and the index last, so a listed file always exists.
 */
export class S3MediaStore implements MediaStore {
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
}

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoMediaIndex } from '../../functions/adapters/dynamodb/media-store';
import { mediaObjectKey, S3MediaStore } from '../../functions/adapters/s3/s3-media-store';
import type { MediaItem } from '../../functions/domain/media';
import { freshTable } from '../support/emulator-context';
import { pngBytes } from '../support/media-samples';

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

describe('media index on DynamoDB Local', () => {
  let index: DynamoMediaIndex;
  beforeEach(async () => {
    const { client, tableName } = await freshTable('media');
    index = new DynamoMediaIndex(client, tableName);
  });

  it('keeps each file’s description, lists newest first by pages, and never reuses an id', async () => {
    for (const id of ['20260306t090000-aaaa', '20260306t090200-cccc', '20260306t090100-bbbb']) await index.put(item(id));
    expect(await index.get('20260306t090100-bbbb')).toEqual(item('20260306t090100-bbbb'));
    expect(await index.get('20260306t000000-none')).toBeUndefined();
    const first = await index.list({ limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual(['20260306t090200-cccc', '20260306t090100-bbbb']);
    const second = await index.list({ limit: 2, cursor: first.cursor });
    expect(second.items.map((i) => i.id)).toEqual(['20260306t090000-aaaa']);
    await expect(index.put(item('20260306t090000-aaaa', { filename: 'autre.png' }))).rejects.toBeInstanceOf(
      ConditionalCheckFailedException,
    );
    expect((await index.get('20260306t090000-aaaa'))?.filename).toBe('affiche.png');
  });

  it('S3 store (S3 mocked: no S3 emulator here): the object goes first, private and typed, the index last; reads come back', async () => {
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).resolves({});
    const stored = item('20260306t090000-dddd');
    s3.on(GetObjectCommand, { Bucket: 'media-bucket', Key: mediaObjectKey(stored) }).resolves({
      // The SDK's stream body, as far as the store uses it.
      Body: { transformToByteArray: async () => new Uint8Array(pngBytes) } as never,
    });
    const store = new S3MediaStore(new S3Client({ region: 'eu-west-3' }), 'media-bucket', index);
    await store.putMedia(stored, pngBytes);
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      Bucket: 'media-bucket',
      Key: 'media/20260306t090000-dddd/affiche.png',
      ContentType: 'image/png',
      ServerSideEncryption: 'AES256',
    });
    expect(put?.ACL).toBeUndefined();
    expect((await store.listMedia()).items.map((i) => i.id)).toEqual(['20260306t090000-dddd']);
    expect(Buffer.from((await store.readMedia(stored.id)) ?? [])).toEqual(Buffer.from(pngBytes));

    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
    expect(await store.readMedia(stored.id)).toBeUndefined();
    expect(await store.readMedia('20260306t000000-none')).toBeUndefined();
    s3.restore();
  });

  it('S3 store: when the upload to S3 fails, nothing is indexed (no listed file without bytes)', async () => {
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).rejects(new Error('AccessDenied'));
    const store = new S3MediaStore(new S3Client({ region: 'eu-west-3' }), 'media-bucket', index);
    await expect(store.putMedia(item('20260306t090000-eeee'), pngBytes)).rejects.toThrow('AccessDenied');
    expect(await store.getMedia('20260306t090000-eeee')).toBeUndefined();
    s3.restore();
  });
});

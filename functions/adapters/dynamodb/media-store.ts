import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { MediaItem } from '../../domain/media';
import type { Page } from '../../ports';
import { decodeCursor, encodeCursor } from './keys';
import { fullItemsOf } from './table-access';

/**
 * What the table knows of each media file (the bytes live in S3):
 * - by id: pk = `MEDIA#<id>`, sk = `#MEDIA`;
 * - the library: gsi1pk = `MEDIA`, gsi1sk = `<id>` (ids sort by upload time, read backwards).
 * One partition for the whole library is fine at a press office's scale (thousands of files).
 */
export const mediaKeys = {
  item: (id: string) => ({ pk: `MEDIA#${id}`, sk: '#MEDIA' }),
  library: 'MEDIA',
} as const;

const storage = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'type'];
const strip = (item: Record<string, unknown>): MediaItem => {
  const copy = { ...item };
  for (const a of storage) delete copy[a];
  return copy as unknown as MediaItem;
};

export class DynamoMediaIndex {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Refuses an id already taken: a media's URL, once given out, always serves the same file. */
  async put(item: MediaItem): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...mediaKeys.item(item.id), type: 'media', gsi1pk: mediaKeys.library, gsi1sk: item.id, ...item },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(id: string): Promise<MediaItem | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: mediaKeys.item(id) }));
    return out.Item ? strip(out.Item) : undefined;
  }

  async list(options: { limit?: number; cursor?: string } = {}): Promise<Page<MediaItem>> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': mediaKeys.library },
        ScanIndexForward: false,
        Limit: Math.min(Math.max(options.limit ?? 50, 1), 200),
        ExclusiveStartKey: decodeCursor(options.cursor),
      }),
    );
    const cursor = encodeCursor(out.LastEvaluatedKey);
    // gsi1 holds keys, email and id only (see gsi1Projection): the items are read back by key.
    const items = await fullItemsOf(this.doc, this.tableName, out.Items ?? []);
    return { items: items.map(strip), ...(cursor ? { cursor } : {}) };
  }
}

import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type Projection,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { GSI1 } from './table-access';

/**
 * What gsi1 holds of an item: its keys, and the two attributes its queries filter on inside the
 * index (`email`: the suppressions search; `id`: finding an API token by id). Everything else a
 * gsi1 query returns is read back from the table by key (TableAccess.query, `fullItemsOf`).
 *
 * Why not ALL: an update of a projected attribute rewrites the item's index entry too. Recipient
 * items are in gsi1 (the sends of a subscriber, for access and erasure), and every claim and
 * settle changes their `status`, `claimedAt`, `messageId`, `updatedAt`: with ALL each of those
 * writes cost a second write on the index. Neither `email` nor `id` changes on a recipient, so
 * its index entry is written once, at the snapshot, and never again.
 */
export const GSI1_PROJECTED_ATTRIBUTES = ['email', 'id'] as const;
export const gsi1Projection: Projection = { ProjectionType: 'INCLUDE', NonKeyAttributes: [...GSI1_PROJECTED_ATTRIBUTES] };

/** The table as the store expects it. Mirrors infra/constructs/data.ts (test/infra/table-definition.test.ts checks both). */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI1,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: gsi1Projection,
      },
    ],
  };
}

/** Used by the local runtime and the tests to create the table. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'exists'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return 'exists';
  } catch (e: unknown) {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  }
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
  return 'created';
}

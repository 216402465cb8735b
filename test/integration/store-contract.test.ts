import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { storeContract } from '../contract/store-contract';
import { freshTable } from '../support/emulator-context';
import { InMemoryStore } from '../support/in-memory-store';

/** The same contract, against the fake and against DynamoStore on DynamoDB Local (a fresh table per case). */
storeContract('InMemoryStore', async () => {
  const store = new InMemoryStore('contract-pepper-0123456789');
  return { store, dump: async () => JSON.stringify(store, (_k, v) => (v instanceof Map ? [...v] : v instanceof Set ? [...v] : v)) };
});

storeContract('DynamoStore on DynamoDB Local', async () => {
  const { client, tableName } = await freshTable('contract');
  const store = new DynamoStore(client, tableName, { addressPepper: 'contract-pepper-0123456789' });
  return { store, dump: () => scanTable(client, tableName) };
});

/** Every item of the table, raw (DynamoDB JSON), as one string. */
export async function scanTable(client: import('@aws-sdk/client-dynamodb').DynamoDBClient, tableName: string): Promise<string> {
  const items: unknown[] = [];
  let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const r = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start);
  return JSON.stringify(items);
}

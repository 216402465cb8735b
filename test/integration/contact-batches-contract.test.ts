import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { contactBatchesContract } from '../contract/contact-batches-contract';
import { freshTable } from '../support/emulator-context';
import { InMemoryStore } from '../support/in-memory-store';

/** The import's bulk store methods, against the fake and against DynamoStore on DynamoDB Local (a fresh table per case). */
contactBatchesContract('InMemoryStore', async () => new InMemoryStore('contract-pepper-0123456789'));

contactBatchesContract('DynamoStore on DynamoDB Local', async () => {
  const { client, tableName } = await freshTable('contact-batches');
  return new DynamoStore(client, tableName, { addressPepper: 'contract-pepper-0123456789' });
});

import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { launchCampaign } from '../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../functions/app/manage-audience';
import { createRelease } from '../../functions/app/manage-releases';
import { buildStoreAndMailer } from '../../functions/worker-wiring';
import { freshTable, localConfigFor, uniqueDomain } from '../support/emulator-context';
import { fakeDeps, testBrand } from '../support/fakes';

/**
 * gsi1 projects keys, `email` and `id` only (table-definition.ts): a claim or a settle, which
 * changes a recipient's status and message id, must not rewrite its index entry. DynamoDB
 * Local reports the capacity each write consumed per index (ReturnConsumedCapacity INDEXES).
 */
interface Consumed {
  command: string;
  recipientUpdate: boolean;
  table: number;
  gsi1: number;
}

/** Asks every write for its consumed capacity by index, and keeps it with what the write was. */
function recordConsumedCapacity(client: DynamoDBClient): Consumed[] {
  const seen: Consumed[] = [];
  const writes = ['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand'];
  // The document client's commands reach this step unmarshalled (`sk: 'RCPT#…'`), the plain client's marshalled.
  const sk = (key: unknown) => {
    const v = (key as { sk?: unknown } | undefined)?.sk;
    return typeof v === 'string' ? v : String((v as { S?: string } | undefined)?.S ?? '');
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName ?? '';
      if (!writes.includes(command)) return next(args);
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'INDEXES';
      const updates =
        command === 'UpdateItemCommand'
          ? [sk(input.Key)]
          : command === 'TransactWriteItemsCommand'
            ? (input.TransactItems as { Update?: { Key: unknown } }[]).map((i) => (i.Update ? sk(i.Update.Key) : ''))
            : [''];
      const result = await next(args);
      const out = result.output as { ConsumedCapacity?: unknown };
      const list = (Array.isArray(out.ConsumedCapacity) ? out.ConsumedCapacity : [out.ConsumedCapacity]).filter(Boolean) as {
        Table?: { CapacityUnits?: number };
        GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
      }[];
      seen.push({
        command,
        recipientUpdate: updates.length > 0 && updates.every((s) => s.startsWith('RCPT#')),
        table: list.reduce((n, c) => n + (c.Table?.CapacityUnits ?? 0), 0),
        gsi1: list.reduce((n, c) => n + (c.GlobalSecondaryIndexes?.gsi1?.CapacityUnits ?? 0), 0),
      });
      return result;
    },
    { step: 'initialize', name: 'recordConsumedCapacity' },
  );
  return seen;
}

describe('gsi1 projection on DynamoDB Local', () => {
  it('is created INCLUDE with email and id', async () => {
    const { client, tableName } = await freshTable('gsi1');
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.GlobalSecondaryIndexes?.[0]?.Projection).toEqual({ ProjectionType: 'INCLUDE', NonKeyAttributes: ['email', 'id'] });
  });

  it('claims and settles of a campaign write the recipients and never their gsi1 entries; the sends of a subscriber still read whole', async () => {
    const { tableName } = await freshTable('gsi1');
    const { dynamo, store, mailer } = buildStoreAndMailer(localConfigFor(tableName));
    const ctx = fakeDeps({ store, mailer, batchSize: 3 });
    const { deps, queue } = ctx;
    await store.putBrand(testBrand);
    const release = await createRelease(deps, { brandId: testBrand.id, title: 'Index', body: 'Texte.' });
    const list = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
    const domain = uniqueDomain();
    const ids: string[] = [];
    for (const local of ['a', 'b', 'c', 'd', 'e']) {
      const { subscriber } = await addSubscriberToList(deps, list.id, { email: `${local}@${domain}` });
      ids.push(subscriber?.id ?? '');
    }
    const seen = recordConsumedCapacity(dynamo);

    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [list.id] });
    await queue.drain();

    expect((await store.getCampaign(campaign.id))?.status).toBe('finished');
    const ledger = seen.filter((s) => s.recipientUpdate);
    // Each recipient was claimed and settled (in groups, some with the campaign's counters).
    expect(ledger.length).toBeGreaterThanOrEqual(2);
    expect(ledger.reduce((n, s) => n + s.table, 0)).toBeGreaterThanOrEqual(ids.length);
    expect(ledger.reduce((n, s) => n + s.gsi1, 0)).toBe(0);
    // The measure is live: the snapshot's first write of each recipient does reach gsi1.
    expect(seen.filter((s) => !s.recipientUpdate).reduce((n, s) => n + s.gsi1, 0)).toBeGreaterThanOrEqual(ids.length);

    const sends = await store.listSendsOf(ids[0] ?? '');
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({ campaignId: campaign.id, status: 'sent', email: `a@${domain}` });
    expect(sends[0]?.messageId).toBeTruthy();
  });
});

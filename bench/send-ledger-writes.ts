/**
 * What one ledger write costs per recipient on DynamoDB Local, by the shape of the request:
 * the conditional `pending -> sending` claim as single `UpdateItem`s, as `TransactWriteItems`
 * of G conditional updates, and as PartiQL `BatchExecuteStatement`s of 25 conditional UPDATEs.
 * Prints, per recipient, the CPU of this process (the AWS SDK: marshalling, signing, HTTP) and
 * of DynamoDB Local's JVM, and the wall time, with 8 requests in flight; and, for comparison, the
 * snapshot's blind `BatchWriteItem`s and a batch's `BatchGetItem` of its recipients. Asserts nothing.
 *
 *   npx tsx bench/send-ledger-writes.ts [--items 4000] [--quick]
 */

import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchExecuteStatementCommand, DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoStore } from '../functions/adapters/dynamodb/dynamo-store';
import { keys } from '../functions/adapters/dynamodb/keys';
import { ensureTable } from '../functions/adapters/dynamodb/table-definition';
import { dynamoCpuMs, fmt, intOption, machineNote, startBenchEnv, table } from './support/send-env';

const usage = 'npx tsx bench/send-ledger-writes.ts [--items N] [--quick]';
const { values } = parseArgs({ options: { items: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const items = intOption(values.items ?? (values.quick ? '1000' : '4000'), 'items', usage);

const env = await startBenchEnv({ ses: false });
let exitCode = 0;
try {
  const client = new DynamoDBClient({
    endpoint: env.dynamo.endpoint,
    region: 'eu-west-3',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tableName = 'bench-ledger-writes';
  await ensureTable(client, tableName);
  const doc = DynamoDBDocumentClient.from(client);
  const store = new DynamoStore(client, tableName);
  const at = new Date().toISOString();
  let run = 0;
  /** A fresh campaign ledger of `items` pending recipients; returns their ids. */
  const freshLedger = async () => {
    const campaignId = `lw-${run++}`;
    const ids = Array.from({ length: items }, (_, i) => `s${i}`);
    await store.addRecipients(
      campaignId,
      ids.map((id) => ({
        campaignId,
        subscriberId: id,
        email: `${id}@example.org`,
        listIds: ['l'],
        status: 'pending' as const,
        updatedAt: at,
      })),
      'new',
    );
    return { campaignId, ids };
  };
  const claim = {
    UpdateExpression: 'SET #s = :sending, updatedAt = :at, claimedAt = :at',
    ConditionExpression: '#s = :pending',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':sending': 'sending', ':pending': 'pending', ':at': at },
  };
  const inGroups = async (ids: string[], size: number, work: (group: string[]) => Promise<void>) => {
    const groups: string[][] = [];
    for (let i = 0; i < ids.length; i += size) groups.push(ids.slice(i, i + size));
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let g = next++; g < groups.length; g = next++) await work(groups[g]!);
      }),
    );
  };
  const shapes: [string, (campaignId: string, ids: string[]) => Promise<void>][] = [
    [
      'UpdateItem, one recipient each',
      (c, ids) =>
        inGroups(
          ids,
          1,
          async ([id]) => void (await doc.send(new UpdateCommand({ TableName: tableName, Key: keys.recipient(c, id!), ...claim }))),
        ),
    ],
    ...[10, 25, 50, 100].map((g): [string, (c: string, ids: string[]) => Promise<void>] => [
      `TransactWriteItems of ${g}`,
      (c, ids) =>
        inGroups(
          ids,
          g,
          async (group) =>
            void (await doc.send(
              new TransactWriteCommand({
                TransactItems: group.map((id) => ({ Update: { TableName: tableName, Key: keys.recipient(c, id), ...claim } })),
              }),
            )),
        ),
    ]),
    [
      'BatchExecuteStatement (PartiQL) of 25',
      (c, ids) =>
        inGroups(ids, 25, async (group) => {
          const r = await doc.send(
            new BatchExecuteStatementCommand({
              Statements: group.map((id) => ({
                Statement: `UPDATE "${tableName}" SET "status" = 'sending' SET updatedAt = ? SET claimedAt = ? WHERE pk = ? AND sk = ? AND "status" = 'pending'`,
                Parameters: [at, at, keys.recipient(c, id).pk, keys.recipient(c, id).sk],
              })),
            }),
          );
          const failed = (r.Responses ?? []).filter((x) => x.Error);
          if (failed.length > 0)
            throw new Error(`${failed.length} PartiQL updates failed: ${failed[0]?.Error?.Code} ${failed[0]?.Error?.Message}`);
        }),
    ],
  ];
  // warm-up: each shape once on a small ledger
  for (const [, work] of shapes) {
    const { campaignId, ids } = await freshLedger();
    await work(campaignId, ids.slice(0, 200));
  }
  const rows: string[][] = [];
  /** CPU of this process and of DynamoDB Local, and wall time, per item, of `work`. */
  const measure = async (label: string, work: () => Promise<void>) => {
    const jvm0 = dynamoCpuMs(env);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await work();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const jvm1 = dynamoCpuMs(env);
    const per = (x: number) => ((x * 1000) / items).toFixed(0);
    rows.push([
      label,
      per((cpu.user + cpu.system) / 1000),
      jvm0 === undefined || jvm1 === undefined ? 'n/a' : per(jvm1 - jvm0),
      per(ms),
      fmt(items / (ms / 1000)),
    ]);
  };
  // What else a campaign asks of DynamoDB per recipient: the snapshot's blind writes, a batch's reads.
  let ledger = { campaignId: '', ids: [] as string[] };
  await measure('BatchWriteItem of 25 new items (snapshot)', async () => void (ledger = await freshLedger()));
  await measure('BatchGetItem of 50 recipients (batch start)', () =>
    inGroups(ledger.ids, 50, async (group) => void (await store.getRecipients(ledger.campaignId, group))),
  );
  for (const [label, work] of shapes) {
    const { campaignId, ids } = await freshLedger();
    const jvm0 = dynamoCpuMs(env);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await work(campaignId, ids);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const jvm1 = dynamoCpuMs(env);
    const tally = await store.tallyLedger(campaignId);
    if (tally.counts.sending !== items) throw new Error(`${label}: ${tally.counts.sending} claimed of ${items}`);
    const per = (x: number) => ((x * 1000) / items).toFixed(0);
    rows.push([
      label,
      per((cpu.user + cpu.system) / 1000),
      jvm0 === undefined || jvm1 === undefined ? 'n/a' : per(jvm1 - jvm0),
      per(ms),
      fmt(items / (ms / 1000)),
    ]);
  }
  console.log(`ledger writes on DynamoDB Local: ${fmt(items)} conditional claims per shape, 8 requests in flight; ${machineNote()}\n`);
  console.log(table(['shape', 'this process µs/item', 'DynamoDB Local µs/item', 'wall µs/item', 'items/s'], rows));
  client.destroy();
} catch (e: unknown) {
  console.error('ledger writes failed:', e);
  exitCode = 1;
} finally {
  await env.stop();
}
process.exit(exitCode);

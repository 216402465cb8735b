/**
 * Where an import's DynamoDB Local CPU goes, phase by phase (issue 13 point 1: why rows/s stays
 * under a quarter of a plain BatchWriteItem loop's items/s). N new contacts go through the
 * store's import calls one phase at a time, on a fresh table of their own DynamoDB Local (in
 * memory), in chunks of 500 rows as `importContacts` sends them:
 *   - lookup: `lookupContacts` (address guard and the suppression under its two keys, BatchGetItem);
 *   - subscriber: `writeContacts` of the subscribers alone (address guard + subscriber, conditional,
 *     in TransactWriteItems);
 *   - membership: `writeContacts` of the memberships alone (read, then conditional puts and the
 *     list's counter in TransactWriteItems);
 *   - consent: `writeContacts` of the consent records alone (BatchWriteItem);
 * then the yardstick: a plain BatchWriteItem loop (25 items a request) of as many items.
 * Each phase runs twice (the second on new contacts, after the JIT warmed up on the first); the
 * second is printed: DynamoDB Local's CPU (from /proc) and wall time per row. Figures are printed,
 * never asserted.
 *
 *   npx tsx bench/import-phases.ts [--rows 10000] [--quick]
 */

import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStore } from '../functions/adapters/dynamodb/dynamo-store';
import { ensureTable } from '../functions/adapters/dynamodb/table-definition';
import type { ConsentRecord } from '../functions/domain/consent';
import type { ContactWrite } from '../functions/domain/contact-row-rules';
import { dynamoCpuMs, fmt, intOption, machineNote, startBenchEnv, table } from './support/send-env';

const usage = 'npx tsx bench/import-phases.ts [--rows N] [--quick]';
const { values } = parseArgs({ options: { rows: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const rows = intOption(values.rows ?? (values.quick ? '2000' : '10000'), 'rows', usage);
const CHUNK = 500;

const env = await startBenchEnv({ ses: false });
const client = new DynamoDBClient({
  endpoint: env.dynamo.endpoint,
  region: 'eu-west-3',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
let exitCode = 0;
try {
  const tableName = `bench-phases-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  const store = new DynamoStore(client, tableName);
  const doc = DynamoDBDocumentClient.from(client);
  const at = new Date().toISOString();
  const listId = randomUUID();
  await store.createList({
    id: listId,
    name: 'Presse — bench',
    description: '',
    kind: 'press',
    optIn: 'single',
    publicSignup: false,
    createdAt: at,
  });

  const inChunks = async <T>(all: readonly T[], work: (chunk: readonly T[]) => Promise<unknown>) => {
    for (let i = 0; i < all.length; i += CHUNK) await work(all.slice(i, i + CHUNK));
  };
  const measure = async (work: () => Promise<unknown>) => {
    const jvm0 = dynamoCpuMs(env);
    const t0 = performance.now();
    await work();
    const jvm1 = dynamoCpuMs(env);
    return {
      jvmUs: jvm0 === undefined || jvm1 === undefined ? Number.NaN : ((jvm1 - jvm0) * 1000) / rows,
      wallUs: ((performance.now() - t0) * 1000) / rows,
    };
  };

  const phases = async (prefix: string) => {
    const ids = Array.from({ length: rows }, (_, i) => `${prefix}-${i}`);
    const email = (id: string) => `${id}@bench.example.org`;
    const expectWritten = (results: readonly string[]) => {
      if (results.some((r) => r !== 'written')) throw new Error(`a write was refused: ${results.find((r) => r !== 'written')}`);
    };
    const consent = (id: string): ConsentRecord => ({
      subscriberId: id,
      listId,
      event: 'imported',
      at,
      source: 'import',
      lawfulBasis: 'legitimate-interest',
    });
    const writes = {
      subscriber: (id: string): ContactWrite => ({
        subscriber: { mode: 'create', value: { id, email: email(id), tags: [], language: 'fr', createdAt: at, updatedAt: at } },
      }),
      membership: (id: string): ContactWrite => ({
        membership: { listId, subscriberId: id, email: email(id), status: 'confirmed', updatedAt: at },
      }),
      consent: (id: string): ContactWrite => ({ consent: consent(id) }),
    };
    return {
      lookup: await measure(() => inChunks(ids, (c) => store.lookupContacts(listId, c.map(email)))),
      subscriber: await measure(() => inChunks(ids, async (c) => expectWritten(await store.writeContacts(c.map(writes.subscriber))))),
      membership: await measure(() => inChunks(ids, async (c) => expectWritten(await store.writeContacts(c.map(writes.membership))))),
      consent: await measure(() => inChunks(ids, async (c) => expectWritten(await store.writeContacts(c.map(writes.consent))))),
      loop: await measure(() =>
        inChunks(ids, async (c) => {
          for (let i = 0; i < c.length; i += 25) {
            let pending: Record<string, unknown>[] = c
              .slice(i, i + 25)
              .map((id) => ({ PutRequest: { Item: { pk: `LOOP#${id}`, sk: '#LOOP', type: 'loop', email: email(id), at } } }));
            while (pending.length > 0) {
              const r = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
              pending = (r.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
            }
          }
        }),
      ),
    };
  };

  await phases('warm');
  const r = await phases('run');
  const importJvm = r.lookup.jvmUs + r.subscriber.jvmUs + r.membership.jvmUs + r.consent.jvmUs;
  console.log(`import phases on DynamoDB Local: ${fmt(rows)} new contacts, chunks of ${CHUNK}, one request at a time; ${machineNote()}`);
  console.log(
    table(
      ['phase', 'DynamoDB Local µs/row', 'wall µs/row', 'in loop items'],
      [
        ['lookup (guard, suppression x2)', r.lookup],
        ['subscriber + address guard (txn)', r.subscriber],
        ['membership + list counter (read, txn)', r.membership],
        ['consent record (batch)', r.consent],
        ['plain BatchWriteItem loop, per item', r.loop],
      ].map(([name, m]) => {
        const f = m as { jvmUs: number; wallUs: number };
        return [name as string, fmt(f.jvmUs), fmt(f.wallUs), (f.jvmUs / r.loop.jvmUs).toFixed(2)];
      }),
    ),
  );
  console.log(
    `\nimport, all phases: ${fmt(importJvm)} µs of DynamoDB Local per row = ${(importJvm / r.loop.jvmUs).toFixed(1)} loop items (the target, rows/s >= 0.25 x loop items/s, needs <= 4 when both are bound by DynamoDB Local)`,
  );
  console.log(`FIGURE import DynamoDB Local CPU per row, in loop items: ${(importJvm / r.loop.jvmUs).toFixed(1)} (target <= 4)`);
} catch (e: unknown) {
  console.error('import phases failed:', e);
  exitCode = 1;
} finally {
  client.destroy();
  await env.stop();
}
process.exit(exitCode);

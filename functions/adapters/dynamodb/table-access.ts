import { createHash, randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { deliveryCounters } from '../../domain/campaign';
import { addressKey } from '../../domain/email-hash';
import { inParallel } from '../../domain/in-parallel';
import { decodeCursor, encodeCursor } from './keys';

export { inParallel } from '../../domain/in-parallel';

/** BatchGetItem requests of one `batchGet` in flight at once. */
const BATCH_GETS_IN_FLIGHT = 4;
export type Item = Record<string, unknown>;

/**
 * The one secondary index (overloaded: lists, brands, campaigns, memberships and sends of a
 * subscriber, …). Its projection is in table-definition.ts, kept out of the functions' bundles.
 */
export const GSI1 = 'gsi1';
export type Key = { pk: string; sk: string };

/** Attributes the store adds to every item; stripped before handing an entity back. */
export const snapshotLeaseAttributes = ['snapshotOwner', 'snapshotLeaseUntil', 'snapshotAttempts'];
const storageAttributes = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'type',
  'c_sending',
  'c_sent',
  'c_failed',
  'c_skipped',
  ...snapshotLeaseAttributes,
  ...deliveryCounters.map((c) => `d_${c}`),
];
export const strip = <T>(item: Item): T => {
  const copy: Item = { ...item };
  for (const a of storageAttributes) delete copy[a];
  return copy as T;
};

export type ConditionalUpdate = Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'> & { UpdateExpression: string };

export const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException ||
  (e instanceof TransactionCanceledException && (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));

/**
 * A `ClientRequestToken` for one logical attempt of a transaction. When the SDK retries a
 * `TransactWriteItems` whose answer was lost after it committed, the retry carries the same
 * token and DynamoDB (for 10 minutes) answers it as the success it was, instead of cancelling it
 * on the conditions the first attempt itself changed.
 *
 * `call` is drawn once per store call (random), the other parts name the attempt within it (a
 * round, a chunk). Not derived from the items alone: two workers making the very same claim with
 * the same clock reading would send the same request, and must not both be told they won it.
 * At most 36 characters, as DynamoDB requires.
 */
export function transactionToken(call: string, ...attempt: readonly (string | number)[]): string {
  return createHash('sha256')
    .update([call, ...attempt].join('\u0000'))
    .digest('base64url')
    .slice(0, 36);
}

/** A fresh call id for `transactionToken`. */
export const newCallId = (): string => randomUUID();

/** Further sends of a transaction whose answer was lost, after the SDK's own retries. */
const LOST_ANSWER_RETRIES = 3;

/**
 * An error after which the transaction may or may not have committed: the answer timed out or
 * the connection dropped, DynamoDB answered 5xx, or the same token's first request is still in
 * progress. (A cancellation or a validation error is an answer, and final.)
 */
function isLostAnswer(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const { code, $metadata } = e as { code?: string; $metadata?: { httpStatusCode?: number } };
  return (
    ['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'TransactionInProgressException', 'InternalServerError'].includes(
      e.name,
    ) ||
    ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED'].includes(code ?? '') ||
    ($metadata?.httpStatusCode ?? 0) >= 500
  );
}

/** The table and the helpers every per-port module of the DynamoDB adapter shares. */
export class TableAccess {
  readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly tableName: string,
    private readonly addressPepper: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    addressKey(addressPepper, ''); // a pepper too short fails here, at start
  }

  /** The keyed HMAC an address (or a rate-limit key) is stored under: see `addressKey`. */
  hmac(value: string): string {
    return addressKey(this.addressPepper, value);
  }

  async get<T>(key: Key): Promise<T | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return r.Item ? strip<T>(r.Item) : undefined;
  }

  /** A query on the table or on gsi1; gsi1's answers are the whole items, read back by key (see gsi1Projection). */
  async query(input: Omit<QueryCommandInput, 'TableName'>, cursor?: string): Promise<{ items: Item[]; cursor?: string }> {
    const r = await this.doc.send(new QueryCommand({ TableName: this.tableName, ...input, ExclusiveStartKey: decodeCursor(cursor) }));
    const items = input.IndexName === GSI1 ? await fullItemsOf(this.doc, this.tableName, r.Items ?? []) : (r.Items ?? []);
    return { items, cursor: encodeCursor(r.LastEvaluatedKey) };
  }

  async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const all: Item[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.query(input, cursor);
      all.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    return all;
  }

  /** BatchGetItem over any number of keys: chunks of 100, unprocessed keys retried. */
  async batchGet(wanted: readonly Key[]): Promise<Item[]> {
    const out: Item[] = [];
    const chunks: Key[][] = [];
    for (let i = 0; i < wanted.length; i += 100) chunks.push(wanted.slice(i, i + 100));
    // A few requests in flight: thousands of keys (a snapshot's names, an audience count's lookups) in a fraction of the time.
    await inParallel(chunks, BATCH_GETS_IN_FLIGHT, async (chunk) => {
      let pending: Item[] | undefined = chunk;
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1_000, 20 * 2 ** attempt)));
        const r = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
        out.push(...(r.Responses?.[this.tableName] ?? []));
        pending = r.UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined;
      }
    });
    return out;
  }

  /** BatchWriteItem of up to 25 puts; unprocessed items are retried with a short backoff. */
  async batchWrite(items: readonly Item[]): Promise<void> {
    let pending: Record<string, unknown>[] = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) {
        if (attempt > 8) throw new Error(`BatchWriteItem: ${pending.length} item(s) still unprocessed after ${attempt} attempts`);
        await new Promise((r) => setTimeout(r, Math.min(2_000, 25 * 2 ** attempt)));
      }
      const r = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
      pending = (r.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
    }
  }

  /**
   * TransactWriteItems, always with a `ClientRequestToken` (see `transactionToken`): `token`
   * names the logical attempt. The SDK's own retries of the call reuse it; when the answer is
   * still lost after those (a network that drops answers, a 5xx), the store sends the same
   * request with the same token again, a few times: within DynamoDB's 10 minutes, a transaction
   * that did commit is then answered as the success it was, instead of this call failing and
   * leaving its claims to reconciliation.
   */
  async transact(items: NonNullable<TransactWriteCommandInput['TransactItems']>, token: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: token }));
        return;
      } catch (e: unknown) {
        if (!isLostAnswer(e) || attempt >= LOST_ANSWER_RETRIES) throw e;
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt * (0.5 + Math.random())));
      }
    }
  }

  /**
   * A conditional UpdateItem: false when its condition does not hold. A write refused because
   * the item is in a transaction in progress (`TransactionConflictException`: a worker's group
   * claim or settle) was not applied, and is tried again a few times.
   */
  async conditionally(input: ConditionalUpdate): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.doc.send(new UpdateCommand({ TableName: this.tableName, ...input }));
        return true;
      } catch (e: unknown) {
        if (isConditionFailure(e)) return false;
        if (e instanceof TransactionConflictException && attempt < 4) {
          await new Promise((r) => setTimeout(r, 10 * 2 ** attempt * (0.5 + Math.random())));
          continue;
        }
        throw e;
      }
    }
  }
}

/**
 * The whole items behind gsi1 entries, which hold only keys, `email` and `id` (gsi1Projection):
 * BatchGetItem by `pk`/`sk`, 100 at a time, in the index's order. An item deleted between the
 * index read and this one is left out, as a later index read would leave it out.
 */
export async function fullItemsOf(doc: DynamoDBDocumentClient, tableName: string, entries: readonly Item[]): Promise<Item[]> {
  if (entries.length === 0) return [];
  const id = (i: Item) => `${String(i.pk)}\u0000${String(i.sk)}`;
  const found = new Map<string, Item>();
  for (let i = 0; i < entries.length; i += 100) {
    let pending: Item[] | undefined = entries.slice(i, i + 100).map((e) => ({ pk: e.pk, sk: e.sk }));
    while (pending && pending.length > 0) {
      const r = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
      for (const item of r.Responses?.[tableName] ?? []) found.set(id(item), item);
      pending = r.UnprocessedKeys?.[tableName]?.Keys as Item[] | undefined;
    }
  }
  return entries.map((e) => found.get(id(e))).filter((i): i is Item => i !== undefined);
}

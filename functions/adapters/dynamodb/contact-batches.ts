import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Membership, Subscriber } from '../../domain/audience';
import type { ConsentRecord } from '../../domain/consent';
import type { ContactLookup, ContactWrite, ContactWriteResult } from '../../domain/contact-row-rules';
import { emailHash } from '../../domain/email-hash';
import { keys } from './keys';
import { putMembershipsCounted } from './membership-counts';
import { type Item, inParallel, type Key, newCallId, strip, type TableAccess, transactionToken } from './table-access';

/**
 * The audience's bulk reads and writes (imports), for DynamoAudienceStore. A chunk of a few
 * hundred contacts costs a handful of requests: `BatchGetItem`s of 100 keys, `TransactWriteItems`
 * of up to 100 conditional puts (the address guards, which keep one subscriber per address even
 * against a sign-up at the same moment, and profile replacements, which must not bring an erased
 * subscriber back), and `BatchWriteItem`s of 25 for memberships and consent records, which need
 * no condition. Unprocessed keys and items are retried with backoff; nothing is dropped silently.
 */

/** Requests of one kind in flight at once: what a plain BatchWriteItem loop uses to fill DynamoDB Local. */
const IN_FLIGHT = 8;
const TRANSACTION_ITEMS = 100;
const MAX_ATTEMPTS = 10;

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(2_000, 20 * 2 ** attempt) * (0.5 + Math.random())));

/** BatchGetItem over any number of keys, 100 a request, several in flight; unprocessed keys retried with backoff. */
async function batchGet(table: TableAccess, wanted: readonly Key[]): Promise<Item[]> {
  const chunks: Key[][] = [];
  for (let i = 0; i < wanted.length; i += 100) chunks.push(wanted.slice(i, i + 100));
  const out: Item[] = [];
  await inParallel(chunks, IN_FLIGHT, async (chunk) => {
    let pending: Item[] = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`BatchGetItem: ${pending.length} key(s) still unprocessed after ${attempt} attempts`);
        await backoff(attempt);
      }
      const r = await table.doc.send(new BatchGetCommand({ RequestItems: { [table.tableName]: { Keys: pending, ConsistentRead: true } } }));
      out.push(...(r.Responses?.[table.tableName] ?? []));
      pending = (r.UnprocessedKeys?.[table.tableName]?.Keys ?? []) as Item[];
    }
  });
  return out;
}

export async function lookupContacts(table: TableAccess, listId: string, emails: readonly string[]): Promise<Map<string, ContactLookup>> {
  const byHmac = new Map<string, string>();
  const byLegacyHash = new Map<string, string>();
  const first: Key[] = [];
  for (const email of new Set(emails)) {
    const hmac = table.hmac(email);
    const legacy = emailHash(email);
    byHmac.set(hmac, email);
    byLegacyHash.set(legacy, email);
    // Suppressions kept before they were keyed by HMAC are honoured too (see suppressionOf).
    first.push(keys.email(email), keys.suppression(hmac), keys.suppression(legacy));
  }
  const found = new Map<string, { -readonly [K in keyof ContactLookup]: ContactLookup[K] }>();
  const entry = (email: string) => {
    let e = found.get(email);
    if (!e) found.set(email, (e = {}));
    return e;
  };
  const guards = new Map<string, string>();
  for (const item of await batchGet(table, first)) {
    const pk = String(item.pk);
    if (pk.startsWith('EMAIL#')) guards.set(String(item.subscriberId), pk.slice('EMAIL#'.length));
    else {
      const hash = pk.slice('SUPPRESSED#'.length);
      const email = byHmac.get(hash) ?? byLegacyHash.get(hash);
      if (email) entry(email).suppression ??= { reason: String(item.reason), at: String(item.at) };
    }
  }
  // The subscribers behind the guards, and their memberships of this list (none for a suppressed address: it is skipped anyway).
  const second: Key[] = [];
  for (const [subscriberId, email] of guards) {
    if (found.get(email)?.suppression) continue;
    second.push(keys.subscriber(subscriberId), keys.membership(listId, subscriberId));
  }
  const subscribers = new Map<string, Subscriber>();
  const memberships = new Map<string, Membership>();
  for (const item of await batchGet(table, second)) {
    if (item.type === 'subscriber') subscribers.set(String(item.id), strip<Subscriber>(item));
    else memberships.set(String(item.subscriberId), strip<Membership>(item));
  }
  for (const [subscriberId, email] of guards) {
    const e = entry(email);
    if (e.suppression) continue;
    const subscriber = subscribers.get(subscriberId);
    if (!subscriber) {
      e.claimedWithoutSubscriber = true;
      continue;
    }
    e.subscriber = subscriber;
    const membership = memberships.get(subscriberId);
    if (membership) e.membership = membership;
  }
  return found;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export async function writeContacts(table: TableAccess, writes: readonly ContactWrite[]): Promise<ContactWriteResult[]> {
  const { tableName } = table;
  const results: ContactWriteResult[] = writes.map(() => 'written');

  // 1. Subscriber writes that need a condition, in transactions of up to 100 items (a row's guard
  //    and subscriber together). A cancelled transaction names the items whose condition failed:
  //    their rows are marked and the transaction sent again without them.
  const groups: { index: number; items: TransactItem[] }[][] = [];
  let group: { index: number; items: TransactItem[] }[] = [];
  let size = 0;
  writes.forEach((w, index) => {
    if (!w.subscriber) return;
    const s = w.subscriber.value;
    const subscriberItem = { ...keys.subscriber(s.id), type: 'subscriber', ...s };
    const items: TransactItem[] =
      w.subscriber.mode === 'create'
        ? [
            {
              Put: {
                TableName: tableName,
                Item: { ...keys.email(s.email), type: 'email', subscriberId: s.id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: tableName, Item: subscriberItem } },
          ]
        : [
            {
              Put: {
                TableName: tableName,
                Item: subscriberItem,
                ConditionExpression: 'attribute_exists(pk) AND email = :e',
                ExpressionAttributeValues: { ':e': s.email },
              },
            },
          ];
    if (size + items.length > TRANSACTION_ITEMS) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push({ index, items });
    size += items.length;
  });
  if (group.length > 0) groups.push(group);

  const call = newCallId();
  await inParallel(groups, IN_FLIGHT, async (rows) => {
    let pending = rows;
    for (let attempt = 0; pending.length > 0; attempt++) {
      try {
        await table.transact(
          pending.flatMap((r) => r.items),
          transactionToken(call, 'import', rows[0]?.index ?? 0, attempt),
        );
        return;
      } catch (e: unknown) {
        if (!(e instanceof TransactionCanceledException) || attempt >= MAX_ATTEMPTS) throw e;
        const reasons = e.CancellationReasons ?? [];
        const failed = new Set<number>();
        let at = 0;
        for (const r of pending) {
          if (r.items.some((_, i) => reasons[at + i]?.Code === 'ConditionalCheckFailed')) failed.add(r.index);
          at += r.items.length;
        }
        for (const index of failed) results[index] = writes[index]?.subscriber?.mode === 'create' ? 'address-taken' : 'subscriber-changed';
        pending = pending.filter((r) => !failed.has(r.index));
        // Cancelled for another reason (a concurrent transaction on an item, throttling): the same again, a little later.
        if (failed.size === 0) await backoff(attempt);
      }
    }
  });

  // 2. Memberships of the rows written (or with nothing to write first), each conditioned on the status it had and
  //    counted in the same transaction as the list's counter (see membership-counts.ts). A blind BatchWriteItem cannot
  //    say which puts created or changed a status, so it could not keep the counts exact against a concurrent sign-up.
  const memberships: Membership[] = [];
  writes.forEach((w, index) => {
    if (results[index] === 'written' && w.membership) memberships.push(w.membership);
  });
  await putMembershipsCounted(table, memberships);

  // 3. Consent records of the same rows, append-only, in batches of 25.
  const puts: Item[] = [];
  writes.forEach((w, index) => {
    if (results[index] === 'written' && w.consent) puts.push(consentItem(w.consent));
  });
  const batches: Item[][] = [];
  for (let i = 0; i < puts.length; i += 25) batches.push(puts.slice(i, i + 25));
  // TableAccess.batchWrite retries a batch's UnprocessedItems with backoff, and throws if some stay unprocessed.
  await inParallel(batches, IN_FLIGHT, (batch) => table.batchWrite(batch));
  return results;
}

// Append-only: a fresh key per record (as appendConsent), so a batch put never replaces one.
const consentItem = (record: ConsentRecord): Item => ({
  ...keys.consent(record.subscriberId, record.at, randomUUID().slice(0, 8)),
  type: 'consent',
  ...record,
});

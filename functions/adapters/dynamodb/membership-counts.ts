import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Membership } from '../../domain/audience';
import { type SubscriptionStatus, subscriptionStatuses } from '../../domain/subscription-status';
import { gsi, keys } from './keys';
import { type Item, inParallel, isConditionFailure, newCallId, type TableAccess, transactionToken } from './table-access';

/**
 * Members of a list counted by status, kept in one item per list (`LIST#<id>` / `#COUNTS`, one
 * number attribute per status) instead of walking every member at each read.
 *
 * Exact by construction: every write of a membership goes through this module, in the SAME
 * `TransactWriteItems` as the counter's `ADD`, and the membership write is conditioned on the
 * status it had when read (`attribute_not_exists` when there was none). A write that raced
 * another is cancelled whole and decided again on a fresh read, so a count moves exactly when a
 * membership is created, changes status or goes; a write that changes no status leaves the
 * counter alone. A transaction that is sent again (lost answer) carries the same token and is
 * answered as the success it was; a whole import sent again re-reads the previous statuses, so
 * nothing is counted twice.
 *
 * Tables from before the counters: the counter item is missing until the first read or counted
 * write needs it, which walks the list once (consistent reads) and puts the figures only if the
 * item is still absent. This is exact because every counted write requires the counter item to
 * exist (`attribute_exists` on its `ADD`): while it is missing no counted write can commit, so
 * the walk sees a list that does not move under it; a late backfiller's put fails on the
 * condition and is dropped.
 */

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Counts = Record<SubscriptionStatus, number>;

const attribute = (status: SubscriptionStatus) => `n_${status}`;
const MAX_ATTEMPTS = 40;
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(500, 5 * 2 ** attempt) * (0.5 + Math.random())));

export async function readMembershipCounts(table: TableAccess, listId: string): Promise<Counts> {
  const r = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: keys.listCounts(listId), ConsistentRead: true }));
  return r.Item ? countsOf(r.Item) : backfillMembershipCounts(table, listId);
}

const countsOf = (item: Item): Counts =>
  Object.fromEntries(subscriptionStatuses.map((s) => [s, Number(item[attribute(s)] ?? 0)])) as Counts;

const countsItem = (listId: string, counts: Counts): Item => ({
  ...keys.listCounts(listId),
  type: 'list-counts',
  ...Object.fromEntries(subscriptionStatuses.map((s) => [attribute(s), counts[s]])),
});

/** A new list's counter item: written with the list itself. */
export const emptyMembershipCounts = (listId: string): Item => countsItem(listId, { unconfirmed: 0, confirmed: 0, unsubscribed: 0 });

/** The one-time walk for a list without its counter item (see above); the counts in force afterwards. */
export async function backfillMembershipCounts(table: TableAccess, listId: string): Promise<Counts> {
  const items = await table.queryAll({
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :m)',
    ProjectionExpression: '#s',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':p': keys.list(listId).pk, ':m': 'MEMBER#' },
    ConsistentRead: true,
  });
  const counts: Counts = { unconfirmed: 0, confirmed: 0, unsubscribed: 0 };
  for (const i of items) if (typeof i.status === 'string' && i.status in counts) counts[i.status as SubscriptionStatus]++;
  try {
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: countsItem(listId, counts),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return counts;
  } catch (e: unknown) {
    if (!isConditionFailure(e)) throw e;
    // Another backfill (or this one's own lost answer) came first: its figures are the exact ones.
    const r = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: keys.listCounts(listId), ConsistentRead: true }));
    if (!r.Item) throw new Error(`membership counts of list ${listId}: put refused but no item`);
    return countsOf(r.Item);
  }
}

/** The counter's `ADD` for these status changes, or none when they cancel out. */
function counterUpdate(
  table: TableAccess,
  listId: string,
  changes: readonly (readonly [SubscriptionStatus | undefined, SubscriptionStatus | undefined])[],
): TransactItem | undefined {
  const delta = new Map<SubscriptionStatus, number>();
  for (const [before, after] of changes) {
    if (before === after) continue;
    if (before) delta.set(before, (delta.get(before) ?? 0) - 1);
    if (after) delta.set(after, (delta.get(after) ?? 0) + 1);
  }
  const moved = [...delta].filter(([, n]) => n !== 0);
  if (moved.length === 0) return undefined;
  return {
    Update: {
      TableName: table.tableName,
      Key: keys.listCounts(listId),
      UpdateExpression: `ADD ${moved.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(moved.map(([s], i) => [`#c${i}`, attribute(s)])),
      ExpressionAttributeValues: Object.fromEntries(moved.map(([, n], i) => [`:c${i}`, n])),
    },
  };
}

/** What to do with one membership, decided on its current item (undefined: none). */
export type MembershipChange =
  | { readonly put: Membership }
  | { readonly update: { readonly status: SubscriptionStatus; readonly set: Readonly<Record<string, unknown>> } }
  | { readonly delete: true };

const statusOf = (item: Item | undefined): SubscriptionStatus | undefined =>
  typeof item?.status === 'string' && (subscriptionStatuses as readonly string[]).includes(item.status)
    ? (item.status as SubscriptionStatus)
    : undefined;

export const membershipItem = (m: Membership): Item => ({
  ...keys.membership(m.listId, m.subscriberId),
  gsi1pk: gsi.listsOfSubscriber(m.subscriberId),
  gsi1sk: `LIST#${m.listId}`,
  type: 'membership',
  ...m,
});

/** The membership's write, conditioned on the status it was decided on. */
function membershipWrite(
  table: TableAccess,
  listId: string,
  subscriberId: string,
  previous: Item | undefined,
  change: MembershipChange,
): TransactItem {
  const Key = keys.membership(listId, subscriberId);
  const before = statusOf(previous);
  // The status it was decided on: the write fails (and is decided again) if it changed, or if the item came or went.
  const ConditionExpression = !previous
    ? 'attribute_not_exists(pk)'
    : before
      ? '#st = :prev'
      : 'attribute_exists(pk) AND attribute_not_exists(#st)';
  const names: Record<string, string> = previous ? { '#st': 'status' } : {};
  const values: Record<string, unknown> = before ? { ':prev': before } : {};
  const withNames = Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {};
  const withValues = Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {};
  if ('put' in change)
    return { Put: { TableName: table.tableName, Item: membershipItem(change.put), ConditionExpression, ...withNames, ...withValues } };
  if ('delete' in change) return { Delete: { TableName: table.tableName, Key, ConditionExpression, ...withNames, ...withValues } };
  const set = { ...change.update.set, status: change.update.status };
  const fields = Object.keys(set);
  return {
    Update: {
      TableName: table.tableName,
      Key,
      UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = :f${i}`).join(', ')}`,
      ConditionExpression,
      ExpressionAttributeNames: { ...names, ...Object.fromEntries(fields.map((f, i) => [`#f${i}`, f])) },
      ExpressionAttributeValues: { ...values, ...Object.fromEntries(fields.map((f, i) => [`:f${i}`, set[f as keyof typeof set]])) },
    },
  };
}

const statusAfter = (change: MembershipChange): SubscriptionStatus | undefined =>
  'put' in change ? change.put.status : 'delete' in change ? undefined : change.update.status;

/**
 * One membership written with its count: `decide` sees the current item (consistent read) and
 * says what to write; it is asked again whenever the item changed before the write committed.
 */
export async function changeMembership(
  table: TableAccess,
  listId: string,
  subscriberId: string,
  decide: (current: Item | undefined) => MembershipChange | undefined,
): Promise<void> {
  const call = newCallId();
  for (let attempt = 0; ; attempt++) {
    const r = await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: keys.membership(listId, subscriberId), ConsistentRead: true }),
    );
    const change = decide(r.Item);
    if (!change) return;
    const before = statusOf(r.Item);
    const counter = counterUpdate(table, listId, [[before, statusAfter(change)]]);
    const items = [membershipWrite(table, listId, subscriberId, r.Item, change), ...(counter ? [counter] : [])];
    const outcome = await tryTransact(table, items, transactionToken(call, 'membership', attempt));
    if (outcome === 'done') return;
    if (attempt >= MAX_ATTEMPTS) throw new Error(`membership ${listId}/${subscriberId}: still contended after ${attempt + 1} attempts`);
    if (outcome.failed.has(1)) await backfillMembershipCounts(table, listId);
    else if (!outcome.failed.has(0)) await backoff(attempt);
  }
}

/** 'done', or the positions whose condition failed (none: cancelled on a conflict, to send again later). */
async function tryTransact(table: TableAccess, items: TransactItem[], token: string): Promise<'done' | { failed: Set<number> }> {
  try {
    await table.transact(items, token);
    return 'done';
  } catch (e: unknown) {
    if (!(e instanceof TransactionCanceledException)) throw e;
    const reasons = e.CancellationReasons ?? [];
    const failed = new Set<number>();
    reasons.forEach((r, i) => {
      if (r.Code === 'ConditionalCheckFailed') failed.add(i);
    });
    if (reasons.some((r) => r.Code && !['None', 'ConditionalCheckFailed', 'TransactionConflict', 'ThrottlingError'].includes(r.Code)))
      throw e;
    return { failed };
  }
}

/** Memberships written a transaction at a time: 99 membership puts and the counter's one ADD. */
const MEMBERS_PER_TRANSACTION = 99;
const IN_FLIGHT = 4;

/**
 * Bulk membership puts (imports), exact like `changeMembership`: per list, chunks of up to 99
 * puts, each conditioned on the status read just before (one consistent `BatchGetItem`), with
 * the chunk's net change of the counts as ONE `ADD` in the same transaction. A chunk whose
 * statuses moved meanwhile (a sign-up, an unsubscribe) is cancelled whole, re-read and sent
 * again; it never counts half.
 */
export async function putMembershipsCounted(table: TableAccess, memberships: readonly Membership[]): Promise<void> {
  const chunks: Membership[][] = [];
  const byList = new Map<string, Membership[]>();
  for (const m of memberships) byList.set(m.listId, [...(byList.get(m.listId) ?? []), m]);
  for (const members of byList.values()) {
    let chunk: Membership[] = [];
    let seen = new Set<string>();
    for (const m of members) {
      // One item at most once per transaction: a second write of the same membership goes in the next chunk.
      if (chunk.length >= MEMBERS_PER_TRANSACTION || seen.has(m.subscriberId)) {
        chunks.push(chunk);
        chunk = [];
        seen = new Set();
      }
      chunk.push(m);
      seen.add(m.subscriberId);
    }
    if (chunk.length > 0) chunks.push(chunk);
  }
  const call = newCallId();
  const numbered = chunks.map((chunk, index) => ({ chunk, index }));
  await inParallel(numbered, IN_FLIGHT, async ({ chunk, index }) => {
    const listId = (chunk[0] as Membership).listId;
    for (let attempt = 0; ; attempt++) {
      const current = new Map<string, Item>();
      for (const item of await table.batchGet(chunk.map((m) => keys.membership(listId, m.subscriberId))))
        current.set(String(item.subscriberId), item);
      const counter = counterUpdate(
        table,
        listId,
        chunk.map((m) => [statusOf(current.get(m.subscriberId)), m.status] as const),
      );
      const items = [
        ...chunk.map((m) => membershipWrite(table, listId, m.subscriberId, current.get(m.subscriberId), { put: m })),
        ...(counter ? [counter] : []),
      ];
      const outcome = await tryTransact(table, items, transactionToken(call, 'import-members', index, attempt));
      if (outcome === 'done') return;
      if (attempt >= MAX_ATTEMPTS) throw new Error(`import memberships of list ${listId}: still contended after ${attempt + 1} attempts`);
      if (counter && outcome.failed.has(chunk.length)) await backfillMembershipCounts(table, listId);
      else if (outcome.failed.size === 0) await backoff(attempt);
    }
  });
}

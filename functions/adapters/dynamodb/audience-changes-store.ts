import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SubscriptionStatus } from '../../domain/audience';
import type { QueuedRecipient, SendContext } from '../../ports';
import type { Item, TableAccess } from './table-access';

/**
 * The audience change log: one small item per change that can stop a mail already in a
 * campaign's ledger (a suppression, a membership leaving `confirmed`, a membership removed), in
 * one partition per hour (`CHANGES#<yyyy-mm-ddThh>`), sorted by the writer's time. A send batch
 * reads what changed since its snapshot in one query per hour spanned, instead of reading each
 * recipient's suppression and membership items (issue 13). Nothing in it names an address: a
 * suppression is logged under the address's HMAC (the suppression item's own key), so an
 * erasure leaves no plain address here either.
 *
 * Times are the writing adapter's wall clock (not the callers' `at`, which may be an SES
 * event's time): the snapshot's mark and the log's keys come from the same kind of clock, and
 * readers allow `SKEW_MS` between machines.
 */

/** Kept a week (DynamoDB TTL): longer than any send message waits in its queue. */
const KEEP_S = 7 * 24 * 3600;
/** Clock difference tolerated between a writer and the snapshot's mark: read that much earlier. */
const SKEW_MS = 60_000;
/**
 * A batch whose snapshot is older than this reads its recipients' items as before rather than
 * one query per hour since (a campaign paced at 1 mail/s takes about a day for 100,000).
 */
export const CHANGE_LOG_SPAN_MS = 48 * 3600_000;

export type AudienceChange =
  | { readonly kind: 'suppressed'; readonly addressKey: string }
  | {
      readonly kind: 'membership';
      readonly subscriberId: string;
      readonly listId: string;
      readonly status: SubscriptionStatus | 'removed';
    };

const hourKey = (ms: number) => `CHANGES#${new Date(ms).toISOString().slice(0, 13)}`;

/** Where the log stands now: a change written after this mark is found by `sendContextSince`. */
export const changeLogMark = (nowMs: number = Date.now()) => new Date(nowMs).toISOString();

/** Appends one change (before the change itself is written: a crash in between only skips someone who was leaving). */
export async function recordAudienceChange(table: TableAccess, change: AudienceChange, nowMs: number = Date.now()): Promise<void> {
  const at = new Date(nowMs).toISOString();
  const item: Item =
    change.kind === 'suppressed' ? { a: change.addressKey } : { s: change.subscriberId, l: change.listId, st: change.status };
  await table.doc.send(
    new PutCommand({
      TableName: table.tableName,
      Item: { pk: hourKey(nowMs), sk: `${at}#${randomBytes(4).toString('hex')}`, ...item, ttl: Math.floor(nowMs / 1000) + KEEP_S },
    }),
  );
}

/** Every change logged since `since` (ISO, minus the skew allowance), oldest first. */
export async function audienceChangesSince(table: TableAccess, since: string, nowMs: number = Date.now()): Promise<AudienceChange[]> {
  const fromMs = Date.parse(since) - SKEW_MS;
  const from = new Date(fromMs).toISOString();
  const changes: AudienceChange[] = [];
  const firstHour = Math.floor(fromMs / 3600_000);
  const lastHour = Math.floor((nowMs + SKEW_MS) / 3600_000);
  for (let hour = firstHour; hour <= lastHour; hour++) {
    const items = await table.queryAll({
      KeyConditionExpression: 'pk = :p AND sk >= :from',
      ExpressionAttributeValues: { ':p': hourKey(hour * 3600_000), ':from': from },
      ConsistentRead: true,
    });
    for (const it of items) {
      if (typeof it.a === 'string') changes.push({ kind: 'suppressed', addressKey: it.a });
      else if (typeof it.s === 'string' && typeof it.l === 'string' && typeof it.st === 'string')
        changes.push({ kind: 'membership', subscriberId: it.s, listId: it.l, status: it.st as SubscriptionStatus | 'removed' });
    }
  }
  return changes;
}

/**
 * A batch's send context from its message and the changes since its snapshot: suppressed when
 * the address's HMAC was suppressed since; still confirmed while one of its snapshot lists has
 * no later change, or its last change is back to `confirmed`; the names the snapshot read.
 */
export function sendContextFromChanges(
  recipients: readonly QueuedRecipient[],
  changes: readonly AudienceChange[],
  addressKey: (email: string) => string,
): SendContext {
  const suppressedKeys = new Set<string>();
  const lastStatus = new Map<string, string>(); // `${listId}#${subscriberId}` -> last status logged
  for (const c of changes) {
    if (c.kind === 'suppressed') suppressedKeys.add(c.addressKey);
    else lastStatus.set(`${c.listId}#${c.subscriberId}`, c.status);
  }
  const suppressed = new Set<string>();
  const stillConfirmed = new Set<string>();
  const names = new Map<string, string>();
  for (const r of recipients) {
    if (suppressedKeys.size > 0 && suppressedKeys.has(addressKey(r.email))) suppressed.add(r.email);
    if (
      r.listIds.some((l) => {
        const status = lastStatus.get(`${l}#${r.subscriberId}`);
        return status === undefined || status === 'confirmed';
      })
    )
      stillConfirmed.add(r.subscriberId);
    if (r.name) names.set(r.subscriberId, r.name);
  }
  return { suppressed, stillConfirmed, names };
}

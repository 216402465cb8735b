import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Campaign,
  type CampaignCounts,
  type CampaignStatus,
  type CountsDelta,
  deliveryCounters,
  emptyCounts,
  type LedgerTally,
  type Recipient,
  type RecipientStatus,
} from '../../domain/campaign';
import { emailHash } from '../../domain/email-hash';
import type { CampaignStore, Page, QueuedRecipient, RecipientOutcome, RecipientSettlement, SendContext } from '../../ports';
import type { CompiledMail } from '../../render/compiled-mail';
import { audienceChangesSince, CHANGE_LOG_SPAN_MS, changeLogMark, sendContextFromChanges } from './audience-changes-store';
import { gsi, keys } from './keys';
import {
  type ConditionalUpdate,
  type Item,
  inParallel,
  isConditionFailure,
  newCallId,
  strip,
  type TableAccess,
  transactionToken,
} from './table-access';

const countedStates = ['sending', 'sent', 'failed', 'skipped'] as const;

export function toCampaign(item: Item): Campaign {
  const counts = emptyCounts();
  // Never shown below zero (a claim made outside a worker's batch, as tests do, is not announced).
  for (const s of countedStates) counts[s] = Math.max(0, Number(item[`c_${s}`] ?? 0));
  const total = item.total === undefined ? undefined : Number(item.total);
  counts.pending = total === undefined ? 0 : Math.max(0, total - counts.sending - counts.sent - counts.failed - counts.skipped);
  const delivery: NonNullable<Campaign['delivery']> = {};
  for (const d of deliveryCounters) delivery[d] = Number(item[`d_${d}`] ?? 0);
  return { ...strip<Campaign>(item), counts, delivery };
}

/** Items per `TransactWriteItems` of the ledger (DynamoDB allows 100; 50 costs as little per item here). */
const TRANSACTION_ITEMS = 50;

/** `pending -> sending`, with when it was claimed. */
const claimUpdate = (campaignId: string, subscriberId: string, at: string): ConditionalUpdate => ({
  Key: keys.recipient(campaignId, subscriberId),
  UpdateExpression: 'SET #s = :sending, updatedAt = :at, claimedAt = :at',
  ConditionExpression: '#s = :pending',
  ExpressionAttributeNames: { '#s': 'status' },
  ExpressionAttributeValues: { ':sending': 'sending', ':pending': 'pending', ':at': at },
});

/** `sending -> outcome` (sent with its message id; failed, skipped or back to pending with the error). */
function settleUpdate(campaignId: string, subscriberId: string, outcome: RecipientOutcome, at: string): ConditionalUpdate {
  const sent = outcome.status === 'sent';
  return {
    Key: keys.recipient(campaignId, subscriberId),
    UpdateExpression: `SET #s = :to, updatedAt = :at, ${sent ? 'messageId = :d' : '#e = :d'}`,
    ConditionExpression: '#s = :sending',
    ExpressionAttributeNames: { '#s': 'status', ...(sent ? {} : { '#e': 'error' }) },
    ExpressionAttributeValues: { ':to': outcome.status, ':sending': 'sending', ':at': at, ':d': sent ? outcome.messageId : outcome.error },
  };
}

/**
 * Campaigns and their ledger: the campaign item (status, counters, snapshot lease), its compiled
 * mail, and one recipient item per address, claimed and settled by conditional writes.
 */
export class DynamoCampaignStore implements CampaignStore {
  constructor(private readonly table: TableAccess) {}

  async createCampaign(campaign: Campaign, mail: CompiledMail): Promise<{ created: boolean; campaign: Campaign }> {
    const { tableName } = this.table;
    const { counts: _counts, ...rest } = campaign;
    const items = [
      {
        Put: {
          TableName: tableName,
          Item: {
            ...keys.campaign(campaign.id),
            gsi1pk: gsi.campaigns,
            gsi1sk: `${campaign.createdAt}#${campaign.id}`,
            type: 'campaign',
            ...rest,
            c_sending: 0,
            c_sent: 0,
            c_failed: 0,
            c_skipped: 0,
            // 0, not absent: a campaign created before snapshot leases existed never counts as a first attempt.
            snapshotAttempts: 0,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Put: { TableName: tableName, Item: { ...keys.compiledMail(campaign.id), type: 'compiled-mail', mail } } },
    ];
    try {
      await this.table.transact(items, transactionToken(newCallId(), 'create-campaign'));
      return { created: true, campaign };
    } catch (e: unknown) {
      if (!isConditionFailure(e)) throw e;
      const existing = await this.getCampaign(campaign.id);
      if (!existing) throw e;
      return { created: false, campaign: existing };
    }
  }

  async getCampaign(id: string): Promise<Campaign | undefined> {
    const r = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: keys.campaign(id), ConsistentRead: true }));
    return r.Item ? toCampaign(r.Item) : undefined;
  }

  async getCompiledMail(campaignId: string): Promise<CompiledMail | undefined> {
    return (await this.table.get<{ mail: CompiledMail }>(keys.compiledMail(campaignId)))?.mail;
  }

  async listCampaigns(options: { limit?: number; cursor?: string } = {}): Promise<Page<Campaign>> {
    const page = await this.table.query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': gsi.campaigns },
        ScanIndexForward: false,
        Limit: options.limit ?? 50,
      },
      options.cursor,
    );
    return { items: page.items.map(toCampaign), cursor: page.cursor };
  }

  async setCampaignStatus(id: string, to: CampaignStatus, from: readonly CampaignStatus[], at: string, reason?: string): Promise<boolean> {
    const names: Record<string, string> = { '#s': 'status' };
    const values: Record<string, unknown> = { ':to': to, ':at': at, ...(reason ? { ':r': reason } : {}) };
    from.forEach((s, i) => (values[`:f${i}`] = s));
    const stamp =
      to === 'running'
        ? ', startedAt = if_not_exists(startedAt, :at)'
        : to === 'finished' || to === 'cancelled'
          ? ', finishedAt = :at'
          : '';
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.campaign(id),
          UpdateExpression: `SET #s = :to, updatedAt = :at${stamp}${reason ? ', statusReason = :r' : ''}${reason ? '' : ' REMOVE statusReason'}`,
          ConditionExpression: `#s IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (e: unknown) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async replaceCompiledMail(campaignId: string, mail: CompiledMail): Promise<void> {
    await this.table.doc.send(
      new PutCommand({ TableName: this.table.tableName, Item: { ...keys.compiledMail(campaignId), type: 'compiled-mail', mail } }),
    );
  }

  async rescheduleCampaign(id: string, schedule: { sendAt: string; localSendAt: string; timeZone: string }, at: string): Promise<boolean> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.campaign(id),
          // `timeZone` is a reserved word of DynamoDB expressions: named, or every reschedule fails.
          UpdateExpression: 'SET sendAt = :s, localSendAt = :l, #tz = :z, updatedAt = :at',
          ConditionExpression: '#st = :scheduled',
          ExpressionAttributeNames: { '#st': 'status', '#tz': 'timeZone' },
          ExpressionAttributeValues: {
            ':s': schedule.sendAt,
            ':l': schedule.localSendAt,
            ':z': schedule.timeZone,
            ':at': at,
            ':scheduled': 'scheduled',
          },
        }),
      );
      return true;
    } catch (e: unknown) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  // --- the snapshot lease ------------------------------------------------------------------

  async acquireSnapshotLease(
    campaignId: string,
    owner: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<{ acquired: true; firstAttempt: boolean } | { acquired: false }> {
    try {
      const r = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.campaign(campaignId),
          UpdateExpression: 'SET snapshotOwner = :o, snapshotLeaseUntil = :until ADD snapshotAttempts :one',
          ConditionExpression:
            '#s = :running AND attribute_not_exists(#t) AND (attribute_not_exists(snapshotLeaseUntil) OR snapshotLeaseUntil < :now)',
          ExpressionAttributeNames: { '#s': 'status', '#t': 'total' },
          ExpressionAttributeValues: { ':o': owner, ':until': nowMs + leaseMs, ':one': 1, ':running': 'running', ':now': nowMs },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return { acquired: true, firstAttempt: r.Attributes?.snapshotAttempts === 0 };
    } catch (e: unknown) {
      if (isConditionFailure(e)) return { acquired: false };
      throw e;
    }
  }

  async renewSnapshotLease(campaignId: string, owner: string, untilMs: number): Promise<boolean> {
    return this.table.conditionally({
      Key: keys.campaign(campaignId),
      UpdateExpression: 'SET snapshotLeaseUntil = :until',
      ConditionExpression: 'snapshotOwner = :o',
      ExpressionAttributeValues: { ':o': owner, ':until': untilMs },
    });
  }

  async completeSnapshot(campaignId: string, owner: string, total: number): Promise<boolean> {
    return this.table.conditionally({
      Key: keys.campaign(campaignId),
      UpdateExpression: 'SET #t = :t REMOVE snapshotOwner, snapshotLeaseUntil, snapshotProgress',
      ConditionExpression: 'snapshotOwner = :o',
      ExpressionAttributeNames: { '#t': 'total' },
      ExpressionAttributeValues: { ':o': owner, ':t': total },
    });
  }

  async releaseSnapshotLease(campaignId: string, owner: string): Promise<void> {
    await this.table.conditionally({
      Key: keys.campaign(campaignId),
      UpdateExpression: 'REMOVE snapshotOwner, snapshotLeaseUntil',
      ConditionExpression: 'snapshotOwner = :o',
      ExpressionAttributeValues: { ':o': owner },
    });
  }

  // --- the ledger --------------------------------------------------------------------------

  async addRecipients(
    campaignId: string,
    recipients: readonly Recipient[],
    mode: 'new' | 'unless-present' = 'unless-present',
  ): Promise<number> {
    const item = (r: Recipient): Item => ({
      ...keys.recipient(campaignId, r.subscriberId),
      gsi1pk: gsi.listsOfSubscriber(r.subscriberId),
      gsi1sk: `RCPT#${campaignId}`,
      type: 'recipient',
      ...r,
    });
    if (mode === 'new') {
      // A first snapshot attempt: the ledger is empty, so BatchWriteItem (no condition) is safe.
      const chunks: Item[][] = [];
      for (let i = 0; i < recipients.length; i += 25) chunks.push(recipients.slice(i, i + 25).map(item));
      await inParallel(chunks, 8, (chunk) => this.table.batchWrite(chunk));
      return recipients.length;
    }
    let added = 0;
    // Conditional puts: a re-run snapshot must not reset a recipient already claimed or sent.
    await inParallel(recipients, 16, async (r) => {
      try {
        await this.table.doc.send(
          new PutCommand({ TableName: this.table.tableName, Item: item(r), ConditionExpression: 'attribute_not_exists(pk)' }),
        );
        added++;
      } catch (e: unknown) {
        if (!isConditionFailure(e)) throw e;
      }
    });
    return added;
  }

  /** Both keys of each address: the HMAC one, and the plain SHA-256 one suppressions were kept under before. */
  async findSuppressed(emails: readonly string[]): Promise<Set<string>> {
    const byPk = new Map(
      emails.flatMap((e) =>
        [keys.suppression(this.table.hmac(e)), keys.suppression(emailHash(e))].map((key) => [key.pk, { key, email: e }] as const),
      ),
    );
    const items = await this.table.batchGet([...byPk.values()].map((v) => v.key));
    return new Set(items.map((it) => byPk.get(String(it.pk))?.email).filter((e): e is string => e !== undefined));
  }

  getRecipient(campaignId: string, subscriberId: string): Promise<Recipient | undefined> {
    return this.table.get<Recipient>(keys.recipient(campaignId, subscriberId));
  }

  async countRecipients(campaignId: string): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)',
          ExpressionAttributeValues: { ':p': keys.campaign(campaignId).pk, ':r': 'RCPT#' },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      count += r.Count ?? 0;
      start = r.LastEvaluatedKey;
    } while (start);
    return count;
  }

  async loadSendContext(recipients: readonly Recipient[]): Promise<SendContext> {
    const wanted: { pk: string; sk: string }[] = [];
    for (const r of recipients) {
      // the plain SHA-256 key too: suppressions kept before they were keyed by HMAC
      wanted.push(keys.suppression(this.table.hmac(r.email)), keys.suppression(emailHash(r.email)), keys.subscriber(r.subscriberId));
      for (const l of r.listIds) wanted.push(keys.membership(l, r.subscriberId));
    }
    const unique = [...new Map(wanted.map((k) => [`${k.pk}|${k.sk}`, k])).values()];
    const items = await this.table.batchGet(unique);
    const byKey = new Map(items.map((it) => [`${String(it.pk)}|${String(it.sk)}`, it]));
    const suppressed = new Set<string>();
    const stillConfirmed = new Set<string>();
    const names = new Map<string, string>();
    for (const r of recipients) {
      const s = keys.suppression(this.table.hmac(r.email));
      const legacy = keys.suppression(emailHash(r.email));
      if (byKey.has(`${s.pk}|${s.sk}`) || byKey.has(`${legacy.pk}|${legacy.sk}`)) suppressed.add(r.email);
      const sub = keys.subscriber(r.subscriberId);
      const name = byKey.get(`${sub.pk}|${sub.sk}`)?.name;
      if (typeof name === 'string') names.set(r.subscriberId, name);
      if (
        r.listIds.some((l) => {
          const m = keys.membership(l, r.subscriberId);
          return byKey.get(`${m.pk}|${m.sk}`)?.status === 'confirmed';
        })
      )
        stillConfirmed.add(r.subscriberId);
    }
    return { suppressed, stillConfirmed, names };
  }

  async listSendsOf(subscriberId: string): Promise<Recipient[]> {
    const items = await this.table.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :r)',
      ExpressionAttributeValues: { ':p': gsi.listsOfSubscriber(subscriberId), ':r': 'RCPT#' },
    });
    return items.map((i) => strip<Recipient>(i));
  }

  async getRecipients(campaignId: string, subscriberIds: readonly string[]): Promise<Recipient[]> {
    const items = await this.table.batchGet(subscriberIds.map((id) => keys.recipient(campaignId, id)));
    return items.map((it) => strip<Recipient>(it));
  }

  async listRecipients(
    campaignId: string,
    options: { limit?: number; cursor?: string; status?: RecipientStatus } = {},
  ): Promise<Page<Recipient>> {
    const values: Record<string, unknown> = { ':p': keys.campaign(campaignId).pk, ':r': 'RCPT#' };
    if (options.status) values[':s'] = options.status;
    const page = await this.table.query(
      {
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)',
        FilterExpression: options.status ? '#s = :s' : undefined,
        ExpressionAttributeNames: options.status ? { '#s': 'status' } : undefined,
        ExpressionAttributeValues: values,
        Limit: options.limit ?? 100,
      },
      options.cursor,
    );
    return { items: page.items.map((i) => strip<Recipient>(i)), cursor: page.cursor };
  }

  async claimRecipient(campaignId: string, subscriberId: string, at: string): Promise<boolean> {
    return this.table.conditionally(claimUpdate(campaignId, subscriberId, at));
  }

  async settleRecipient(campaignId: string, subscriberId: string, outcome: RecipientOutcome, at: string): Promise<boolean> {
    return this.table.conditionally(settleUpdate(campaignId, subscriberId, outcome, at));
  }

  async claimRecipients(campaignId: string, subscriberIds: readonly string[], at: string): Promise<Set<string>> {
    return this.updateEach(subscriberIds.map((id) => ({ id, update: claimUpdate(campaignId, id, at) })));
  }

  async settleRecipients(campaignId: string, settlements: readonly RecipientSettlement[], at: string): Promise<Set<string>> {
    return this.updateEach(
      settlements.map((s) => ({ id: s.subscriberId, update: settleUpdate(campaignId, s.subscriberId, s.outcome, at) })),
    );
  }

  /**
   * Conditional updates of distinct items, each applied at most once, in `TransactWriteItems` of
   * up to 50 (one request, where DynamoDB Local spends a quarter of the CPU per item that single
   * `UpdateItem`s cost it, and the SDK a sixteenth: see bench/send-ledger-writes.ts). A
   * transaction is all or nothing: when it is cancelled, its `CancellationReasons` (one per
   * item, in order) tell which conditions failed (those items are left out: taken, or settled
   * by someone else) and which items only conflicted with another write in progress (tried
   * again). After a few rounds, what is left is written one item at a time. Returns the ids
   * whose update was applied by this call.
   *
   * Each transaction carries a `ClientRequestToken` of this call, round and chunk: the SDK's
   * retry of a transaction that committed but whose answer was lost is then answered as the
   * success it was, instead of being cancelled on conditions the first attempt itself changed
   * (which would report those claims as taken by someone else, and leave them stuck in `sending`).
   */
  private async updateEach(entries: readonly { id: string; update: ConditionalUpdate }[]): Promise<Set<string>> {
    const call = newCallId();
    const done = new Set<string>();
    if (new Set(entries.map((e) => e.id)).size !== entries.length) throw new Error('an item may appear once in a group write');
    let remaining = [...entries];
    let conflicted = false;
    for (let round = 0; remaining.length > 1 && round < 4; round++) {
      // Another transaction held some of these items: give it a moment (a failed condition needs none).
      if (conflicted) await new Promise((r) => setTimeout(r, 10 * 2 ** round * (0.5 + Math.random())));
      conflicted = false;
      const again: typeof remaining = [];
      for (let i = 0; i < remaining.length; i += TRANSACTION_ITEMS) {
        const chunk = remaining.slice(i, i + TRANSACTION_ITEMS);
        const items = chunk.map((e) => ({ Update: { TableName: this.table.tableName, ...e.update } }));
        try {
          await this.table.transact(items, transactionToken(call, round, i));
          for (const e of chunk) done.add(e.id);
        } catch (e: unknown) {
          if (!(e instanceof TransactionCanceledException)) throw e;
          const reasons = e.CancellationReasons ?? [];
          // Reasons not given item by item: let the single writes below sort it out.
          if (reasons.length !== chunk.length) again.push(...chunk);
          else {
            chunk.forEach((entry, j) => reasons[j]?.Code !== 'ConditionalCheckFailed' && again.push(entry));
            conflicted ||= reasons.some((r) => r.Code !== 'ConditionalCheckFailed' && r.Code !== 'None');
          }
        }
      }
      remaining = again;
    }
    for (const e of remaining) if (await this.table.conditionally(e.update)) done.add(e.id);
    return done;
  }

  async addToCounts(campaignId: string, delta: CountsDelta, when: 'running' | 'unfinished'): Promise<Campaign | undefined> {
    const changed = countedStates.filter((s) => (delta[s] ?? 0) !== 0);
    const holds = (c: Campaign | undefined) =>
      c && (when === 'running' ? c.status === 'running' : c.status !== 'finished' && !c.countsFinalAt) ? c : undefined;
    if (changed.length === 0) return holds(await this.getCampaign(campaignId));
    const values: Record<string, unknown> = when === 'running' ? { ':running': 'running' } : { ':finished': 'finished' };
    for (const s of changed) values[`:${s}`] = delta[s];
    try {
      const r = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: keys.campaign(campaignId),
          UpdateExpression: `ADD ${changed.map((s) => `c_${s} :${s}`).join(', ')}`,
          ConditionExpression:
            when === 'running' ? '#s = :running' : 'attribute_exists(pk) AND #s <> :finished AND attribute_not_exists(countsFinalAt)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return r.Attributes ? toCampaign(r.Attributes) : undefined;
    } catch (e: unknown) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  async tallyLedger(campaignId: string): Promise<LedgerTally> {
    const counts: CampaignCounts = emptyCounts();
    const claims: { subscriberId: string; claimedAt: string }[] = [];
    let recipients = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)',
          ProjectionExpression: 'subscriberId, #s, claimedAt, updatedAt',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':p': keys.campaign(campaignId).pk, ':r': 'RCPT#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const it of r.Items ?? []) {
        const status = it.status as RecipientStatus;
        recipients++;
        counts[status] = (counts[status] ?? 0) + 1;
        if (status === 'sending') claims.push({ subscriberId: String(it.subscriberId), claimedAt: String(it.claimedAt ?? it.updatedAt) });
      }
      start = r.LastEvaluatedKey;
    } while (start);
    return { recipients, counts, claims };
  }

  async finishCampaign(campaignId: string, tally: Pick<LedgerTally, 'recipients' | 'counts'>, at: string): Promise<boolean> {
    return this.table.conditionally({
      Key: keys.campaign(campaignId),
      UpdateExpression:
        'SET #s = :finished, finishedAt = :at, updatedAt = :at, c_sending = :sending, c_sent = :sent, c_failed = :failed, c_skipped = :skipped REMOVE statusReason',
      ConditionExpression: '#s = :running AND #t = :total',
      ExpressionAttributeNames: { '#s': 'status', '#t': 'total' },
      ExpressionAttributeValues: {
        ':finished': 'finished',
        ':running': 'running',
        ':at': at,
        ':total': tally.recipients,
        ':sending': tally.counts.sending,
        ':sent': tally.counts.sent,
        ':failed': tally.counts.failed,
        ':skipped': tally.counts.skipped,
      },
    });
  }

  async closeCancelledCounts(campaignId: string, tally: Pick<LedgerTally, 'counts'>, at: string): Promise<boolean> {
    return this.table.conditionally({
      Key: keys.campaign(campaignId),
      UpdateExpression:
        'SET countsFinalAt = :at, updatedAt = :at, c_sending = :sending, c_sent = :sent, c_failed = :failed, c_skipped = :skipped',
      ConditionExpression: '#s = :cancelled AND attribute_not_exists(countsFinalAt)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':cancelled': 'cancelled',
        ':at': at,
        ':sending': tally.counts.sending,
        ':sent': tally.counts.sent,
        ':failed': tally.counts.failed,
        ':skipped': tally.counts.skipped,
      },
    });
  }

  /**
   * The pending recipients of a campaign whose ledger has not changed since `quietSince` and
   * holds no claim: what no queue message covers any more. Undefined as soon as the ledger shows
   * life (a change since then, or a claim): the read stops there, so on a healthy campaign it
   * costs about one page.
   */
  async uncoveredPending(campaignId: string, quietSince: string): Promise<string[] | undefined> {
    const pending: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)',
          ProjectionExpression: 'subscriberId, #s, updatedAt',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':p': keys.campaign(campaignId).pk, ':r': 'RCPT#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const it of r.Items ?? []) {
        if (it.status === 'sending' || String(it.updatedAt) >= quietSince) return undefined;
        if (it.status === 'pending') pending.push(String(it.subscriberId));
      }
      start = r.LastEvaluatedKey;
    } while (start);
    return pending;
  }

  /**
   * Notes that the sweep queued a running campaign's uncovered recipients again; false (nothing
   * written) when it did so after `notSince` already, or when the campaign changed status after
   * it (a resume queued them itself), or is not running: at most one requeue per period.
   */
  async markUncoveredRequeue(campaignId: string, at: string, notSince: string): Promise<boolean> {
    return this.table.conditionally({
      Key: keys.campaign(campaignId),
      UpdateExpression: 'SET uncoveredRequeueAt = :at',
      ConditionExpression:
        '#s = :running AND (attribute_not_exists(uncoveredRequeueAt) OR uncoveredRequeueAt < :since) AND (attribute_not_exists(updatedAt) OR updatedAt < :since)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':running': 'running', ':at': at, ':since': notSince },
    });
  }

  /**
   * `failed -> pending` for these recipients, each only if it is still `failed` (a sent one is
   * never touched); returns the ids moved. The caller takes them off the `failed` counter.
   */
  async reopenFailedRecipients(campaignId: string, subscriberIds: readonly string[], at: string): Promise<Set<string>> {
    return this.updateEach(
      subscriberIds.map((id) => ({
        id,
        update: {
          Key: keys.recipient(campaignId, id),
          UpdateExpression: 'SET #s = :pending, updatedAt = :at, #e = :why',
          ConditionExpression: '#s = :failed',
          ExpressionAttributeNames: { '#s': 'status', '#e': 'error' },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':failed': 'failed',
            ':at': at,
            ':why': 'renvoi demandé après un échec passager',
          },
        },
      })),
    );
  }

  /** Where the audience change log stands (see audience-changes-store.ts). */
  audienceChangesMark(): string {
    return changeLogMark();
  }

  async loadSendContextSince(since: string, recipients: readonly QueuedRecipient[]): Promise<SendContext> {
    const sinceMs = Date.parse(since);
    if (Number.isNaN(sinceMs) || Date.now() - sinceMs > CHANGE_LOG_SPAN_MS) {
      // Older than the log is read for: each recipient's items, as before, and the names the message carries.
      const read = await this.loadSendContext(
        recipients.map((r) => ({ ...r, campaignId: '', status: 'pending' as const, updatedAt: since })),
      );
      return { ...read, names: sendContextFromChanges(recipients, [], (e) => e).names };
    }
    const fromLog = sendContextFromChanges(recipients, await audienceChangesSince(this.table, since), (e) => this.table.hmac(e));
    // The log says who may have changed, not what holds now: a suppression lifted or a membership
    // confirmed again since (an erased person who signed up again, within the log's skew
    // allowance) leaves an entry that no later one cancels. Those few are read from their items.
    const flagged = recipients.filter((r) => fromLog.suppressed.has(r.email) || !fromLog.stillConfirmed.has(r.subscriberId));
    if (flagged.length === 0) return fromLog;
    const read = await this.loadSendContext(flagged.map((r) => ({ ...r, campaignId: '', status: 'pending' as const, updatedAt: since })));
    const suppressed = new Set(fromLog.suppressed);
    const stillConfirmed = new Set(fromLog.stillConfirmed);
    for (const r of flagged) {
      if (read.suppressed.has(r.email)) suppressed.add(r.email);
      else suppressed.delete(r.email);
      if (read.stillConfirmed.has(r.subscriberId)) stillConfirmed.add(r.subscriberId);
      else stillConfirmed.delete(r.subscriberId);
    }
    return { suppressed, stillConfirmed, names: fromLog.names };
  }

  async suspendSnapshot(campaignId: string, owner: string, progress: string): Promise<boolean> {
    return this.table.conditionally({
      Key: keys.campaign(campaignId),
      UpdateExpression: 'SET snapshotProgress = :p REMOVE snapshotOwner, snapshotLeaseUntil',
      ConditionExpression: 'snapshotOwner = :o',
      ExpressionAttributeValues: { ':o': owner, ':p': progress },
    });
  }

  async getSnapshotProgress(campaignId: string): Promise<string | undefined> {
    const r = await this.table.doc.send(
      new GetCommand({
        TableName: this.table.tableName,
        Key: keys.campaign(campaignId),
        ConsistentRead: true,
        ProjectionExpression: 'snapshotProgress',
      }),
    );
    const progress = r.Item?.snapshotProgress;
    return typeof progress === 'string' ? progress : undefined;
  }
}

import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { redactAddress } from '../../domain/address-redaction';
import type { MailingList, Membership, Subscriber, SubscriptionStatus } from '../../domain/audience';
import type { ConsentRecord } from '../../domain/consent';
import type { ContactLookup, ContactWrite, ContactWriteResult } from '../../domain/contact-row-rules';
import { emailHash } from '../../domain/email-hash';
import { ConflictError } from '../../domain/errors';
import { type SuppressionEntry, suppressionKeepsAddress } from '../../domain/suppression';
import type { AudienceStore, Page } from '../../ports';
import { recordAudienceChange } from './audience-changes-store';
import { lookupContacts as lookupContactsInBatches, writeContacts as writeContactsInBatches } from './contact-batches';
import { decodeCursor, encodeCursor, gsi, keys } from './keys';
import { changeMembership, emptyMembershipCounts, readMembershipCounts } from './membership-counts';
import { isConditionFailure, newCallId, strip, type TableAccess, transactionToken } from './table-access';

/**
 * Lists, subscribers (one per address, guarded by an `EMAIL#` item), memberships, suppressions,
 * the consent ledger, rate-limit counters and erasure.
 */
export class DynamoAudienceStore implements AudienceStore {
  constructor(private readonly table: TableAccess) {}

  async createList(list: MailingList): Promise<void> {
    const { tableName } = this.table;
    // Born with its counts at zero (see membership-counts.ts): its first members need no walk to count from.
    await this.table.transact(
      [
        {
          Put: {
            TableName: tableName,
            Item: { ...keys.list(list.id), gsi1pk: gsi.lists, gsi1sk: `${list.name}#${list.id}`, type: 'list', ...list },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Put: { TableName: tableName, Item: emptyMembershipCounts(list.id), ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
      transactionToken(newCallId(), 'create-list', list.id),
    );
  }

  getList(id: string): Promise<MailingList | undefined> {
    return this.table.get<MailingList>(keys.list(id));
  }

  async listLists(): Promise<MailingList[]> {
    const items = await this.table.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': gsi.lists },
    });
    return items.map((i) => strip<MailingList>(i));
  }

  async createSubscriber(subscriber: Subscriber): Promise<{ subscriber: Subscriber; created: boolean }> {
    const { tableName } = this.table;
    const items = [
      {
        Put: {
          TableName: tableName,
          Item: { ...keys.email(subscriber.email), type: 'email', subscriberId: subscriber.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Put: { TableName: tableName, Item: { ...keys.subscriber(subscriber.id), type: 'subscriber', ...subscriber } } },
    ];
    try {
      await this.table.transact(items, transactionToken(newCallId(), 'create-subscriber'));
      return { subscriber, created: true };
    } catch (e: unknown) {
      if (!isConditionFailure(e)) throw e;
      const existing = await this.getSubscriberByEmail(subscriber.email);
      // No address in the message: errors end up in logs.
      if (!existing) throw new ConflictError('Cette adresse est en cours d’enregistrement : réessayez dans un instant.');
      return { subscriber: existing, created: false };
    }
  }

  getSubscriber(id: string): Promise<Subscriber | undefined> {
    return this.table.get<Subscriber>(keys.subscriber(id));
  }

  async getSubscriberByEmail(email: string): Promise<Subscriber | undefined> {
    const guard = await this.table.get<{ subscriberId: string }>(keys.email(email));
    return guard ? this.getSubscriber(guard.subscriberId) : undefined;
  }

  async updateSubscriber(subscriber: Subscriber): Promise<void> {
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...keys.subscriber(subscriber.id), type: 'subscriber', ...subscriber },
        ConditionExpression: 'attribute_exists(pk) AND email = :e',
        ExpressionAttributeValues: { ':e': subscriber.email },
      }),
    );
  }

  async putMembership(m: Membership): Promise<void> {
    await recordAudienceChange(this.table, { kind: 'membership', subscriberId: m.subscriberId, listId: m.listId, status: m.status });
    // With the list's count, in one transaction (see membership-counts.ts).
    await changeMembership(this.table, m.listId, m.subscriberId, () => ({ put: m }));
  }

  getMembership(listId: string, subscriberId: string): Promise<Membership | undefined> {
    return this.table.get<Membership>(keys.membership(listId, subscriberId));
  }

  async setMembershipStatus(listId: string, subscriberId: string, status: SubscriptionStatus, at: string): Promise<void> {
    // Logged first (see audience-changes-store.ts): campaigns already snapshotted honour it at send time.
    await recordAudienceChange(this.table, { kind: 'membership', subscriberId, listId, status });
    await changeMembership(this.table, listId, subscriberId, (current) => {
      // As the conditional update this replaces: no membership, no status to set.
      if (!current)
        throw new ConditionalCheckFailedException({ message: `no membership of ${subscriberId} in list ${listId}`, $metadata: {} });
      return { update: { status, set: { updatedAt: at } } };
    });
  }

  async listMembers(listId: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<Membership>> {
    const page = await this.table.query(
      {
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :m)',
        ExpressionAttributeValues: { ':p': keys.list(listId).pk, ':m': 'MEMBER#' },
        Limit: options.limit ?? 100,
      },
      options.cursor,
    );
    return { items: page.items.map((i) => strip<Membership>(i)), cursor: page.cursor };
  }

  async listMembershipsOf(subscriberId: string): Promise<Membership[]> {
    const items = await this.table.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :l)',
      ExpressionAttributeValues: { ':p': gsi.listsOfSubscriber(subscriberId), ':l': 'LIST#' },
    });
    return items.map((i) => strip<Membership>(i));
  }

  async isSuppressed(email: string): Promise<boolean> {
    return (await this.suppressionOf(email)) !== undefined;
  }

  async suppressionOf(email: string): Promise<{ reason: string; at: string } | undefined> {
    const item = await this.table.get<{ reason: string; at: string }>(keys.suppression(this.table.hmac(email)));
    if (item) return { reason: item.reason, at: item.at };
    // Kept before suppressions were keyed by HMAC: still honoured, and moved to the HMAC key on sight.
    const legacy = await this.table.get<{ reason: string; at: string }>(keys.suppression(emailHash(email)));
    if (!legacy) return undefined;
    await this.suppress(email, legacy.reason, legacy.at);
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: keys.suppression(emailHash(email)) }));
    return { reason: legacy.reason, at: legacy.at };
  }

  async suppress(email: string, reason: string, at: string): Promise<void> {
    const key = this.table.hmac(email);
    // Listed newest first; the address is kept (to list and search) except for an erasure, which must forget it.
    const listing = { gsi1pk: suppressionsIndex, gsi1sk: `${at}#${key}`, ...(suppressionKeepsAddress(reason) ? { email } : {}) };
    // Logged first, under the HMAC only (an erasure too): campaigns already snapshotted skip the address at send time.
    await recordAudienceChange(this.table, { kind: 'suppressed', addressKey: key });
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...keys.suppression(key), type: 'suppression', reason, at, ...listing },
          // The person's own refusals (erasure, complaint, unsubscribe from everything) are never replaced by a weaker,
          // liftable reason: a late bounce must neither bring an erased address back nor let a lift undo a refusal.
          ...(reason === 'erased'
            ? {}
            : {
                ConditionExpression: 'attribute_not_exists(pk) OR NOT (reason IN (:erased, :complaint, :all))',
                ExpressionAttributeValues: { ':erased': 'erased', ':complaint': 'complaint', ':all': 'unsubscribed-all' },
              }),
        }),
      );
    } catch (e: unknown) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async unsuppress(email: string): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: keys.suppression(this.table.hmac(email)) }));
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: keys.suppression(emailHash(email)) }));
  }

  async hit(key: string, windowSeconds: number, now: Date): Promise<number> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const windowStart = nowSeconds - (nowSeconds % windowSeconds);
    const r = await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: keys.rate(this.table.hmac(key), windowStart),
        UpdateExpression: 'ADD hits :one SET #ttl = :ttl',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':ttl': windowStart + windowSeconds * 2 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(r.Attributes?.hits ?? 1);
  }

  async eraseSubscriber(subscriberId: string, at: string): Promise<void> {
    const { doc, tableName } = this.table;
    const subscriber = await this.getSubscriber(subscriberId);
    if (!subscriber) return;
    const memberships = await this.listMembershipsOf(subscriberId);
    const sends = await this.table.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :r)',
      ExpressionAttributeValues: { ':p': gsi.listsOfSubscriber(subscriberId), ':r': 'RCPT#' },
    });
    const consent = await this.table.queryAll({
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':p': keys.subscriber(subscriberId).pk, ':c': 'CONSENT#' },
    });
    // Names the erased person by id only: no hash of the address, which a candidate address would match.
    const erasedEmail = `erased:${subscriberId}`;
    // Suppression first: if erasure stops half-way, the address is already never mailed again.
    await this.suppress(subscriber.email, 'erased', at);
    // A suppression kept under the old plain SHA-256 key would let anyone match the address: gone.
    await doc.send(new DeleteCommand({ TableName: tableName, Key: keys.suppression(emailHash(subscriber.email)) }));
    await doc.send(new DeleteCommand({ TableName: tableName, Key: keys.email(subscriber.email) }));
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...keys.subscriber(subscriberId),
          type: 'subscriber',
          id: subscriberId,
          email: erasedEmail,
          tags: [],
          language: subscriber.language,
          createdAt: subscriber.createdAt,
          updatedAt: at,
          erasedAt: at,
        },
      }),
    );
    for (const m of memberships) {
      // Gone meanwhile (removed from the list): nothing left to erase there, nor to count.
      await changeMembership(this.table, m.listId, subscriberId, (current) =>
        current ? { update: { status: 'unsubscribed', set: { email: erasedEmail, updatedAt: at } } } : undefined,
      );
    }
    for (const r of sends) {
      // A SES error kept with the outcome may quote the address: it goes too.
      const error = typeof r.error === 'string' ? redactAddress(r.error, subscriber.email) : undefined;
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.recipient(String(r.campaignId), subscriberId),
          UpdateExpression: error === undefined ? 'SET email = :e' : 'SET email = :e, #err = :err',
          ExpressionAttributeNames: error === undefined ? undefined : { '#err': 'error' },
          ExpressionAttributeValues: { ':e': erasedEmail, ...(error === undefined ? {} : { ':err': error }) },
        }),
      );
    }
    for (const c of consent) {
      await doc.send(new UpdateCommand({ TableName: tableName, Key: { pk: c.pk, sk: c.sk }, UpdateExpression: 'REMOVE ip, userAgent' }));
    }
    // A campaign paused on a SES refusal shows SES's text, which may quote this address.
    for (const campaignId of new Set(sends.map((r) => String(r.campaignId)))) {
      const reason = (await this.table.get<{ statusReason?: unknown }>(keys.campaign(campaignId)))?.statusReason;
      if (typeof reason !== 'string' || redactAddress(reason, subscriber.email) === reason) continue;
      await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.campaign(campaignId),
            UpdateExpression: 'SET statusReason = :redacted',
            ConditionExpression: 'statusReason = :reason', // unless it changed meanwhile (then it no longer quotes it)
            ExpressionAttributeValues: { ':redacted': redactAddress(reason, subscriber.email), ':reason': reason },
          }),
        )
        .catch((e: unknown) => {
          if (!isConditionFailure(e)) throw e;
        });
    }
  }

  async appendConsent(record: ConsentRecord): Promise<void> {
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...keys.consent(record.subscriberId, record.at, randomUUID().slice(0, 8)), type: 'consent', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async listConsent(subscriberId: string): Promise<ConsentRecord[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':p': keys.subscriber(subscriberId).pk, ':c': 'CONSENT#' },
    });
    return items.map((i) => strip<ConsentRecord>(i));
  }

  async listSuppressions(options: { limit?: number; cursor?: string; contains?: string } = {}): Promise<Page<SuppressionEntry>> {
    const contains = options.contains?.trim().toLowerCase();
    const page = await this.table.query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ...(contains ? { FilterExpression: 'contains(email, :q)' } : {}),
        ExpressionAttributeValues: { ':p': suppressionsIndex, ...(contains ? { ':q': contains } : {}) },
        ScanIndexForward: false,
        Limit: options.limit ?? 50,
      },
      options.cursor,
    );
    return { items: page.items.map(suppressionEntryOf), cursor: page.cursor };
  }

  async suppressedAddresses(options: { limit?: number; cursor?: string } = {}): Promise<Page<string>> {
    // The index projects the address: no item read per suppression (table.query would fetch each whole).
    const r = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': suppressionsIndex },
        ProjectionExpression: '#e',
        ExpressionAttributeNames: { '#e': 'email' },
        ScanIndexForward: false,
        Limit: options.limit ?? 1000,
        ExclusiveStartKey: decodeCursor(options.cursor),
      }),
    );
    return {
      items: (r.Items ?? []).flatMap((i) => (typeof i.email === 'string' ? [i.email] : [])),
      cursor: encodeCursor(r.LastEvaluatedKey),
    };
  }

  suppressionEntryOf(email: string): Promise<SuppressionEntry | undefined> {
    return this.suppressionByKey(this.table.hmac(email));
  }

  async suppressionByKey(key: string): Promise<SuppressionEntry | undefined> {
    const item = await this.table.get<Record<string, unknown>>(keys.suppression(key));
    return item ? suppressionEntryOf({ ...item, ...keys.suppression(key) }) : undefined;
  }

  async liftSuppression(key: string, liftable: readonly string[]): Promise<SuppressionEntry | undefined> {
    if (liftable.length === 0) return undefined;
    const names = Object.fromEntries(liftable.map((r, i) => [`:r${i}`, r]));
    try {
      const r = await this.table.doc.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: keys.suppression(key),
          ConditionExpression: `attribute_exists(pk) AND reason IN (${Object.keys(names).join(', ')})`,
          ExpressionAttributeValues: names,
          ReturnValues: 'ALL_OLD',
        }),
      );
      return r.Attributes ? suppressionEntryOf(r.Attributes) : undefined;
    } catch (e: unknown) {
      if (!isConditionFailure(e)) throw e;
      return undefined;
    }
  }

  async updateList(list: MailingList): Promise<void> {
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...keys.list(list.id), gsi1pk: gsi.lists, gsi1sk: `${list.name}#${list.id}`, type: 'list', ...list },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  /** Read from the list's counter item, not by walking the members (see membership-counts.ts). */
  countMembersByStatus(listId: string): Promise<Record<SubscriptionStatus, number>> {
    return readMembershipCounts(this.table, listId);
  }

  async getSubscribers(ids: readonly string[]): Promise<Subscriber[]> {
    const items = await this.table.batchGet([...new Set(ids)].map((id) => keys.subscriber(id)));
    return items.map((i) => strip<Subscriber>(i));
  }

  async getMemberships(pairs: readonly { readonly listId: string; readonly subscriberId: string }[]): Promise<Membership[]> {
    const wanted = new Map(pairs.map((p) => [`${p.listId}#${p.subscriberId}`, keys.membership(p.listId, p.subscriberId)]));
    const items = await this.table.batchGet([...wanted.values()]);
    return items.map((i) => strip<Membership>(i));
  }

  async subscriberIdsByEmail(emails: readonly string[]): Promise<Map<string, string>> {
    const items = await this.table.batchGet([...new Set(emails)].map((e) => keys.email(e)));
    const found = new Map<string, string>();
    for (const i of items) if (typeof i.subscriberId === 'string') found.set(String(i.pk).slice('EMAIL#'.length), i.subscriberId);
    return found;
  }

  async deleteMembership(listId: string, subscriberId: string): Promise<void> {
    await recordAudienceChange(this.table, { kind: 'membership', subscriberId, listId, status: 'removed' });
    await changeMembership(this.table, listId, subscriberId, (current) => (current ? { delete: true } : undefined));
  }

  /** Imports: see contact-batches.ts. */
  lookupContacts(listId: string, emails: readonly string[]): Promise<Map<string, ContactLookup>> {
    return lookupContactsInBatches(this.table, listId, emails);
  }

  writeContacts(writes: readonly ContactWrite[]): Promise<ContactWriteResult[]> {
    return writeContactsInBatches(this.table, writes);
  }
}

/** Suppressions listed newest first: one index partition (thousands of items at most for a press office). */
const suppressionsIndex = 'SUPPRESSIONS';

const suppressionEntryOf = (item: Record<string, unknown>): SuppressionEntry => ({
  key: String(item.pk).slice('SUPPRESSED#'.length),
  reason: String(item.reason),
  at: String(item.at),
  ...(typeof item.email === 'string' && suppressionKeepsAddress(String(item.reason)) ? { email: item.email } : {}),
});

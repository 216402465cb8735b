import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../../domain/actor';
import type { AnnouncementPlan } from '../../domain/announcement-plan';
import type { MailingList, Membership, Subscriber, SubscriptionStatus } from '../../domain/audience';
import type { AuditEntry } from '../../domain/audit';
import type { Brand } from '../../domain/brand';
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
import type { ConsentRecord } from '../../domain/consent';
import { ConflictError } from '../../domain/errors';
import type { Release, ReleaseContent } from '../../domain/release';
import type { DeliveryCounter, Page, RecipientOutcome, RecipientSettlement, SendContext, Store } from '../../ports';
import type { CompiledMail } from '../../render/compiled-mail';
import { decodeCursor, emailHash, encodeCursor, gsi, keys } from './keys';

type Item = Record<string, unknown>;

/** Attributes the store adds to every item; stripped before handing an entity back. */
const snapshotLeaseAttributes = ['snapshotOwner', 'snapshotLeaseUntil', 'snapshotAttempts'];
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
const strip = <T>(item: Item): T => {
  const copy: Item = { ...item };
  for (const a of storageAttributes) delete copy[a];
  return copy as T;
};

const countedStates = ['sending', 'sent', 'failed', 'skipped'] as const;

function toCampaign(item: Item): Campaign {
  const counts = emptyCounts();
  // Never shown below zero (a claim made outside a worker's batch, as tests do, is not announced).
  for (const s of countedStates) counts[s] = Math.max(0, Number(item[`c_${s}`] ?? 0));
  const total = item.total === undefined ? undefined : Number(item.total);
  counts.pending = total === undefined ? 0 : Math.max(0, total - counts.sending - counts.sent - counts.failed - counts.skipped);
  const delivery: NonNullable<Campaign['delivery']> = {};
  for (const d of deliveryCounters) delivery[d] = Number(item[`d_${d}`] ?? 0);
  return { ...strip<Campaign>(item), counts, delivery };
}

type ConditionalUpdate = Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'> & { UpdateExpression: string };

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

const isConditionFailure = (e: unknown) =>
  e instanceof ConditionalCheckFailedException ||
  (e instanceof TransactionCanceledException && (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));

export class DynamoStore implements Store {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async ping(): Promise<boolean> {
    await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.brand('__ping__') }));
    return true;
  }

  // --- helpers -----------------------------------------------------------------------------

  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return r.Item ? strip<T>(r.Item) : undefined;
  }

  private async query(input: Omit<QueryCommandInput, 'TableName'>, cursor?: string): Promise<{ items: Item[]; cursor?: string }> {
    const r = await this.doc.send(new QueryCommand({ TableName: this.tableName, ...input, ExclusiveStartKey: decodeCursor(cursor) }));
    return { items: r.Items ?? [], cursor: encodeCursor(r.LastEvaluatedKey) };
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const all: Item[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.query(input, cursor);
      all.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    return all;
  }

  // --- brands ------------------------------------------------------------------------------

  async putBrand(brand: Brand): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.brand(brand.id), gsi1pk: gsi.brands, gsi1sk: brand.name, type: 'brand', ...brand },
      }),
    );
  }

  getBrand(id: string): Promise<Brand | undefined> {
    return this.get<Brand>(keys.brand(id));
  }

  async listBrands(): Promise<Brand[]> {
    const items = await this.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': gsi.brands },
    });
    return items.map((i) => strip<Brand>(i));
  }

  // --- releases ----------------------------------------------------------------------------

  private releaseItem(release: Release): Item {
    const date = release.content.dateline?.date ?? release.createdAt.slice(0, 10);
    return {
      ...keys.release(release.id),
      gsi1pk: gsi.releasesOfBrand(release.content.brandId),
      gsi1sk: `${date}#${release.id}`,
      type: 'release',
      ...release,
    };
  }

  /**
   * A co-brand's entry for a release: the release appears in the co-brand's listing (newsroom)
   * too. Same index keys as the release item; the listing reads the release itself.
   */
  private coBrandItems(release: Release): Item[] {
    const { gsi1sk } = this.releaseItem(release);
    return [...new Set(release.content.coBrandIds)]
      .filter((brandId) => brandId !== release.content.brandId)
      .map((brandId) => ({
        ...keys.releaseCoBrand(release.id, brandId),
        gsi1pk: gsi.releasesOfBrand(brandId),
        gsi1sk,
        type: 'release-cobrand',
        releaseId: release.id,
      }));
  }

  private versionItem(release: Release): Item {
    return {
      ...keys.releaseVersion(release.id, release.version),
      type: 'release-version',
      content: release.content,
      at: release.updatedAt,
    };
  }

  async createRelease(release: Release): Promise<void> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: this.releaseItem(release), ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: this.tableName, Item: this.versionItem(release) } },
            ...this.coBrandItems(release).map((Item) => ({ Put: { TableName: this.tableName, Item } })),
          ],
        }),
      );
    } catch (e: unknown) {
      if (isConditionFailure(e)) throw new ConflictError(`Le communiqué ${release.id} existe déjà.`);
      throw e;
    }
  }

  getRelease(id: string): Promise<Release | undefined> {
    return this.get<Release>(keys.release(id));
  }

  async updateRelease(release: Release, expectedVersion: number): Promise<void> {
    // Co-brands dropped by this version lose their entry (the version condition guards the read).
    const before = await this.getRelease(release.id);
    const kept = new Set(release.content.coBrandIds);
    const dropped = (before?.content.coBrandIds ?? []).filter((b) => !kept.has(b) && b !== release.content.brandId);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: this.releaseItem(release),
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': expectedVersion },
              },
            },
            { Put: { TableName: this.tableName, Item: this.versionItem(release) } },
            ...this.coBrandItems(release).map((Item) => ({ Put: { TableName: this.tableName, Item } })),
            ...dropped.map((brandId) => ({ Delete: { TableName: this.tableName, Key: keys.releaseCoBrand(release.id, brandId) } })),
          ],
        }),
      );
    } catch (e: unknown) {
      if (isConditionFailure(e)) {
        throw new ConflictError(`Le communiqué a été modifié entre-temps (version attendue ${expectedVersion}) : rechargez-le.`);
      }
      throw e;
    }
  }

  async getReleaseVersion(id: string, version: number): Promise<ReleaseContent | undefined> {
    const item = await this.get<{ content: ReleaseContent }>(keys.releaseVersion(id, version));
    return item?.content;
  }

  async listReleasesByBrand(brandId: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<Release>> {
    const page = await this.query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': gsi.releasesOfBrand(brandId) },
        ScanIndexForward: false,
        Limit: options.limit ?? 50,
      },
      options.cursor,
    );
    // Co-brand entries point at their release: read those in one batch, keep the index order.
    const linked = page.items.filter((i) => i.type === 'release-cobrand').map((i) => keys.release(String(i.releaseId)));
    const byId = new Map((linked.length > 0 ? await this.batchGet(linked) : []).map((i) => [String(i.id), strip<Release>(i)]));
    const items = page.items.flatMap((i) => {
      if (i.type !== 'release-cobrand') return [strip<Release>(i)];
      const release = byId.get(String(i.releaseId));
      return release ? [release] : [];
    });
    return { items, cursor: page.cursor };
  }

  async listReleases(options: { limit?: number } = {}): Promise<Page<Release>> {
    const brands = await this.listBrands();
    const pages = await Promise.all(brands.map((b) => this.listReleasesByBrand(b.id, { limit: options.limit ?? 50 })));
    // A co-branded release is listed under each of its brands: once here.
    const items = [...new Map(pages.flatMap((p) => p.items).map((r) => [r.id, r])).values()];
    items.sort((a, b) => (b.content.dateline?.date ?? b.createdAt).localeCompare(a.content.dateline?.date ?? a.createdAt));
    return { items: items.slice(0, options.limit ?? 50) };
  }

  // --- lists and subscribers ---------------------------------------------------------------

  async createList(list: MailingList): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.list(list.id), gsi1pk: gsi.lists, gsi1sk: `${list.name}#${list.id}`, type: 'list', ...list },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  getList(id: string): Promise<MailingList | undefined> {
    return this.get<MailingList>(keys.list(id));
  }

  async listLists(): Promise<MailingList[]> {
    const items = await this.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': gsi.lists },
    });
    return items.map((i) => strip<MailingList>(i));
  }

  async createSubscriber(subscriber: Subscriber): Promise<{ subscriber: Subscriber; created: boolean }> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.email(subscriber.email), type: 'email', subscriberId: subscriber.id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.tableName, Item: { ...keys.subscriber(subscriber.id), type: 'subscriber', ...subscriber } } },
          ],
        }),
      );
      return { subscriber, created: true };
    } catch (e: unknown) {
      if (!isConditionFailure(e)) throw e;
      const existing = await this.getSubscriberByEmail(subscriber.email);
      if (!existing) throw new ConflictError(`Adresse en cours d’enregistrement : ${subscriber.email}`);
      return { subscriber: existing, created: false };
    }
  }

  getSubscriber(id: string): Promise<Subscriber | undefined> {
    return this.get<Subscriber>(keys.subscriber(id));
  }

  async getSubscriberByEmail(email: string): Promise<Subscriber | undefined> {
    const guard = await this.get<{ subscriberId: string }>(keys.email(email));
    return guard ? this.getSubscriber(guard.subscriberId) : undefined;
  }

  async updateSubscriber(subscriber: Subscriber): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.subscriber(subscriber.id), type: 'subscriber', ...subscriber },
        ConditionExpression: 'attribute_exists(pk) AND email = :e',
        ExpressionAttributeValues: { ':e': subscriber.email },
      }),
    );
  }

  async putMembership(m: Membership): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.membership(m.listId, m.subscriberId),
          gsi1pk: gsi.listsOfSubscriber(m.subscriberId),
          gsi1sk: `LIST#${m.listId}`,
          type: 'membership',
          ...m,
        },
      }),
    );
  }

  getMembership(listId: string, subscriberId: string): Promise<Membership | undefined> {
    return this.get<Membership>(keys.membership(listId, subscriberId));
  }

  async setMembershipStatus(listId: string, subscriberId: string, status: SubscriptionStatus, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.membership(listId, subscriberId),
        UpdateExpression: 'SET #s = :s, updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': status, ':at': at },
      }),
    );
  }

  async listMembers(listId: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<Membership>> {
    const page = await this.query(
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
    const items = await this.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :l)',
      ExpressionAttributeValues: { ':p': gsi.listsOfSubscriber(subscriberId), ':l': 'LIST#' },
    });
    return items.map((i) => strip<Membership>(i));
  }

  async isSuppressed(email: string): Promise<boolean> {
    return (await this.get(keys.suppression(email))) !== undefined;
  }

  async suppressionOf(email: string): Promise<{ reason: string; at: string } | undefined> {
    const item = await this.get<{ reason: string; at: string }>(keys.suppression(email));
    return item ? { reason: item.reason, at: item.at } : undefined;
  }

  async suppress(email: string, reason: string, at: string): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.suppression(email), type: 'suppression', reason, at } }),
    );
  }

  async unsuppress(email: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.suppression(email) }));
  }

  async markEventSeen(key: string): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.seenEvent(key), type: 'seen-event', ttl: Math.floor(Date.now() / 1000) + 30 * 86_400 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e: unknown) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async settleIfSending(campaignId: string, subscriberId: string, messageId: string, at: string): Promise<boolean> {
    if (!(await this.settleRecipient(campaignId, subscriberId, { status: 'sent', messageId }, at))) return false;
    await this.addToCounts(campaignId, { sending: -1, sent: 1 }, 'unfinished');
    return true;
  }

  async countDelivery(campaignId: string, counter: DeliveryCounter): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.campaign(campaignId),
          UpdateExpression: `ADD d_${counter} :one`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      )
      .catch((e: unknown) => {
        if (!isConditionFailure(e)) throw e;
      });
  }

  async countTransientBounce(email: string): Promise<number> {
    const r = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.transientBounces(email),
        UpdateExpression: 'ADD bounces :one SET #t = :type',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':type': 'transient-bounces' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(r.Attributes?.bounces ?? 1);
  }

  async hit(key: string, windowSeconds: number, now: Date): Promise<number> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const windowStart = nowSeconds - (nowSeconds % windowSeconds);
    const r = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.rate(key, windowStart),
        UpdateExpression: 'ADD hits :one SET #ttl = :ttl',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':ttl': windowStart + windowSeconds * 2 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(r.Attributes?.hits ?? 1);
  }

  async eraseSubscriber(subscriberId: string, at: string): Promise<void> {
    const subscriber = await this.getSubscriber(subscriberId);
    if (!subscriber) return;
    const hash = emailHash(subscriber.email);
    const memberships = await this.listMembershipsOf(subscriberId);
    const sends = await this.listSendsOf(subscriberId);
    const consent = await this.queryAll({
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':p': keys.subscriber(subscriberId).pk, ':c': 'CONSENT#' },
    });
    const erasedEmail = `erased:${hash.slice(0, 16)}`;
    // Suppression first: if erasure stops half-way, the address is already never mailed again.
    await this.suppress(subscriber.email, 'erased', at);
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.email(subscriber.email) }));
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
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
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.membership(m.listId, subscriberId),
          UpdateExpression: 'SET #s = :u, email = :e, updatedAt = :at',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':u': 'unsubscribed', ':e': erasedEmail, ':at': at },
        }),
      );
    }
    for (const r of sends) {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.recipient(r.campaignId, subscriberId),
          UpdateExpression: 'SET email = :e',
          ExpressionAttributeValues: { ':e': erasedEmail },
        }),
      );
    }
    for (const c of consent) {
      await this.doc.send(
        new UpdateCommand({ TableName: this.tableName, Key: { pk: c.pk, sk: c.sk }, UpdateExpression: 'REMOVE ip, userAgent' }),
      );
    }
  }

  async appendConsent(record: ConsentRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.consent(record.subscriberId, record.at, randomUUID().slice(0, 8)), type: 'consent', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async listConsent(subscriberId: string): Promise<ConsentRecord[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':p': keys.subscriber(subscriberId).pk, ':c': 'CONSENT#' },
    });
    return items.map((i) => strip<ConsentRecord>(i));
  }

  // --- campaigns ---------------------------------------------------------------------------

  async createCampaign(campaign: Campaign, mail: CompiledMail): Promise<{ created: boolean; campaign: Campaign }> {
    const { counts: _counts, ...rest } = campaign;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
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
            { Put: { TableName: this.tableName, Item: { ...keys.compiledMail(campaign.id), type: 'compiled-mail', mail } } },
          ],
        }),
      );
      return { created: true, campaign };
    } catch (e: unknown) {
      if (!isConditionFailure(e)) throw e;
      const existing = await this.getCampaign(campaign.id);
      if (!existing) throw e;
      return { created: false, campaign: existing };
    }
  }

  async getCampaign(id: string): Promise<Campaign | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.campaign(id), ConsistentRead: true }));
    return r.Item ? toCampaign(r.Item) : undefined;
  }

  async getCompiledMail(campaignId: string): Promise<CompiledMail | undefined> {
    return (await this.get<{ mail: CompiledMail }>(keys.compiledMail(campaignId)))?.mail;
  }

  async listCampaigns(options: { limit?: number; cursor?: string } = {}): Promise<Page<Campaign>> {
    const page = await this.query(
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
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
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

  async acquireSnapshotLease(
    campaignId: string,
    owner: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<{ acquired: true; firstAttempt: boolean } | { acquired: false }> {
    try {
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
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
    return this.conditionally({
      Key: keys.campaign(campaignId),
      UpdateExpression: 'SET snapshotLeaseUntil = :until',
      ConditionExpression: 'snapshotOwner = :o',
      ExpressionAttributeValues: { ':o': owner, ':until': untilMs },
    });
  }

  async completeSnapshot(campaignId: string, owner: string, total: number): Promise<boolean> {
    return this.conditionally({
      Key: keys.campaign(campaignId),
      UpdateExpression: 'SET #t = :t REMOVE snapshotOwner, snapshotLeaseUntil',
      ConditionExpression: 'snapshotOwner = :o',
      ExpressionAttributeNames: { '#t': 'total' },
      ExpressionAttributeValues: { ':o': owner, ':t': total },
    });
  }

  async releaseSnapshotLease(campaignId: string, owner: string): Promise<void> {
    await this.conditionally({
      Key: keys.campaign(campaignId),
      UpdateExpression: 'REMOVE snapshotOwner, snapshotLeaseUntil',
      ConditionExpression: 'snapshotOwner = :o',
      ExpressionAttributeValues: { ':o': owner },
    });
  }

  /**
   * A conditional UpdateItem: false when its condition does not hold. A write refused because
   * the item is in a transaction in progress (`TransactionConflictException`: a worker's group
   * claim or settle) was not applied, and is tried again a few times.
   */
  private async conditionally(input: ConditionalUpdate): Promise<boolean> {
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

  async replaceCompiledMail(campaignId: string, mail: CompiledMail): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.compiledMail(campaignId), type: 'compiled-mail', mail } }),
    );
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.audit(entry.at.slice(0, 7), entry.at, randomUUID().slice(0, 8)), type: 'audit', ...entry },
      }),
    );
  }

  async listAudit(month: string): Promise<AuditEntry[]> {
    const items = await this.queryAll({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `AUDIT#${month}` } });
    return items.map((i) => strip<AuditEntry>(i));
  }

  async putApiToken(tokenHash: string, actor: Actor): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.apiToken(tokenHash), type: 'api-token', ...actor },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async actorByTokenHash(tokenHash: string): Promise<Actor | undefined> {
    const item = await this.get<Actor>(keys.apiToken(tokenHash));
    return item ? { id: item.id, name: item.name, role: item.role } : undefined;
  }

  async putPlan(plan: AnnouncementPlan): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.plan(plan.id), type: 'plan', ...plan } }));
  }

  getPlan(id: string): Promise<AnnouncementPlan | undefined> {
    return this.get<AnnouncementPlan>(keys.plan(id));
  }

  async rescheduleCampaign(id: string, schedule: { sendAt: string; localSendAt: string; timeZone: string }, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.campaign(id),
          UpdateExpression: 'SET sendAt = :s, localSendAt = :l, timeZone = :z, updatedAt = :at',
          ConditionExpression: '#st = :scheduled',
          ExpressionAttributeNames: { '#st': 'status' },
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
      await inParallel(chunks, 8, (chunk) => this.batchWrite(chunk));
      return recipients.length;
    }
    let added = 0;
    // Conditional puts: a re-run snapshot must not reset a recipient already claimed or sent.
    await inParallel(recipients, 16, async (r) => {
      try {
        await this.doc.send(new PutCommand({ TableName: this.tableName, Item: item(r), ConditionExpression: 'attribute_not_exists(pk)' }));
        added++;
      } catch (e: unknown) {
        if (!isConditionFailure(e)) throw e;
      }
    });
    return added;
  }

  /** BatchWriteItem of up to 25 puts; unprocessed items are retried with a short backoff. */
  private async batchWrite(items: readonly Item[]): Promise<void> {
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

  async findSuppressed(emails: readonly string[]): Promise<Set<string>> {
    const byPk = new Map(emails.map((e) => [keys.suppression(e).pk, { key: keys.suppression(e), email: e }]));
    const items = await this.batchGet([...byPk.values()].map((v) => v.key));
    return new Set(items.map((it) => byPk.get(String(it.pk))?.email).filter((e): e is string => e !== undefined));
  }

  getRecipient(campaignId: string, subscriberId: string): Promise<Recipient | undefined> {
    return this.get<Recipient>(keys.recipient(campaignId, subscriberId));
  }

  async countRecipients(campaignId: string): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
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
      wanted.push(keys.suppression(r.email), keys.subscriber(r.subscriberId));
      for (const l of r.listIds) wanted.push(keys.membership(l, r.subscriberId));
    }
    const unique = [...new Map(wanted.map((k) => [`${k.pk}|${k.sk}`, k])).values()];
    const items = await this.batchGet(unique);
    const byKey = new Map(items.map((it) => [`${String(it.pk)}|${String(it.sk)}`, it]));
    const suppressed = new Set<string>();
    const stillConfirmed = new Set<string>();
    const names = new Map<string, string>();
    for (const r of recipients) {
      const s = keys.suppression(r.email);
      if (byKey.has(`${s.pk}|${s.sk}`)) suppressed.add(r.email);
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
    const items = await this.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :r)',
      ExpressionAttributeValues: { ':p': gsi.listsOfSubscriber(subscriberId), ':r': 'RCPT#' },
    });
    return items.map((i) => strip<Recipient>(i));
  }

  async getRecipients(campaignId: string, subscriberIds: readonly string[]): Promise<Recipient[]> {
    const items = await this.batchGet(subscriberIds.map((id) => keys.recipient(campaignId, id)));
    return items.map((it) => strip<Recipient>(it));
  }

  /** BatchGetItem over any number of keys: chunks of 100, unprocessed keys retried. */
  private async batchGet(wanted: readonly { pk: string; sk: string }[]): Promise<Item[]> {
    const out: Item[] = [];
    for (let i = 0; i < wanted.length; i += 100) {
      let pending: Item[] | undefined = wanted.slice(i, i + 100);
      while (pending && pending.length > 0) {
        const r = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }));
        out.push(...(r.Responses?.[this.tableName] ?? []));
        pending = r.UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined;
      }
    }
    return out;
  }

  async listRecipients(
    campaignId: string,
    options: { limit?: number; cursor?: string; status?: RecipientStatus } = {},
  ): Promise<Page<Recipient>> {
    const values: Record<string, unknown> = { ':p': keys.campaign(campaignId).pk, ':r': 'RCPT#' };
    if (options.status) values[':s'] = options.status;
    const page = await this.query(
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
    return this.conditionally(claimUpdate(campaignId, subscriberId, at));
  }

  async settleRecipient(campaignId: string, subscriberId: string, outcome: RecipientOutcome, at: string): Promise<boolean> {
    return this.conditionally(settleUpdate(campaignId, subscriberId, outcome, at));
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
   */
  private async updateEach(entries: readonly { id: string; update: ConditionalUpdate }[]): Promise<Set<string>> {
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
        try {
          await this.doc.send(
            new TransactWriteCommand({ TransactItems: chunk.map((e) => ({ Update: { TableName: this.tableName, ...e.update } })) }),
          );
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
    for (const e of remaining) if (await this.conditionally(e.update)) done.add(e.id);
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
      const r = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
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
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
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
    return this.conditionally({
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
    return this.conditionally({
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
}

/**
 * Runs `work` over `items` with at most `limit` at a time. After a failure no new item is
 * started, and the first error is thrown only once the writes in flight have ended: a caller
 * that gives up its snapshot lease on error must not leave a blind write still on its way.
 */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length && !failure; i = next++) {
        try {
          await work(items[i] as T);
        } catch (error: unknown) {
          failure ??= { error };
        }
      }
    }),
  );
  if (failure) throw failure.error;
}

import { developmentAddressPepper } from '../../functions/adapters/dynamodb/dynamo-store';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../../functions/adapters/dynamodb/keys';
import type { Actor } from '../../functions/domain/actor';
import { redactAddress } from '../../functions/domain/address-redaction';
import type { AnnouncementPlan } from '../../functions/domain/announcement-plan';
import type { ApiTokenRecord } from '../../functions/domain/api-token';
import type { MailingList, Membership, Subscriber, SubscriptionStatus } from '../../functions/domain/audience';
import type { AuditEntry } from '../../functions/domain/audit';
import type { Brand } from '../../functions/domain/brand';
import {
  type Campaign,
  type CampaignStatus,
  type CountsDelta,
  deliveryCounters,
  emptyCounts,
  type LedgerTally,
  type Recipient,
  type RecipientStatus,
} from '../../functions/domain/campaign';
import type { ConsentRecord } from '../../functions/domain/consent';
import type { ContactLookup, ContactWrite, ContactWriteResult } from '../../functions/domain/contact-row-rules';
import { addressKey } from '../../functions/domain/email-hash';
import { ConflictError } from '../../functions/domain/errors';
import type { Release, ReleaseContent } from '../../functions/domain/release';
import type { Segment } from '../../functions/domain/segment';
import { type SuppressionEntry, suppressionKeepsAddress } from '../../functions/domain/suppression';
import type {
  DeliveryCounter,
  Page,
  QueuedRecipient,
  RecipientOutcome,
  RecipientSettlement,
  ReleaseVersionInfo,
  SendContext,
  Store,
} from '../../functions/ports';
import type { CompiledMail } from '../../functions/render/compiled-mail';

const clone = <T>(v: T): T => structuredClone(v);
const condition = (what: string) => new Error(`The conditional request failed (${what})`);
const byKey =
  <T>(key: (t: T) => string, descending = false) =>
  (a: T, b: T) =>
    descending ? key(b).localeCompare(key(a)) : key(a).localeCompare(key(b));

/**
 * Pages as a DynamoDB Query does (test/integration/store-contract.test.ts holds both to it): in
 * key order; the cursor holds the last key read, so an item added before it is not seen and
 * none is seen twice; a cursor whenever the limit was reached (the last page may be empty); the
 * limit counts the items read, before `keep` filters them; a forged cursor is refused.
 */
function paginate<T>(
  all: readonly T[],
  key: (t: T) => string,
  options: { limit?: number; cursor?: string; descending?: boolean; keep?: (t: T) => boolean },
  defaultLimit: number,
): Page<T> {
  const descending = options.descending ?? false;
  const sorted = [...all].sort(byKey(key, descending));
  let after: string | undefined;
  if (options.cursor !== undefined) {
    const k = decodeCursor(options.cursor)?.k;
    if (typeof k !== 'string') throw new InvalidCursorError(options.cursor);
    after = k;
  }
  const rest = after === undefined ? sorted : sorted.filter((t) => (descending ? key(t) < (after as string) : key(t) > (after as string)));
  const limit = options.limit ?? defaultLimit;
  const read = rest.slice(0, limit);
  const last = read.at(-1);
  return {
    items: read.filter(options.keep ?? (() => true)).map(clone),
    cursor: read.length === limit && last !== undefined ? encodeCursor({ k: key(last) }) : undefined,
  };
}

/** Where DynamoStore puts a release on its brands' index: date, then id. */
const releaseKey = (r: Release) => `${r.content.dateline?.date ?? r.createdAt.slice(0, 10)}#${r.id}`;

/** The Store port in memory, for unit tests of use-cases: same contract as DynamoStore, no I/O. */
/**
 * The memberships, with their counts by list and status moved on each `set` and `delete` (in the
 * same synchronous step, as DynamoStore moves its counter in the membership's transaction), so a
 * count is read without walking the members.
 */
class CountedMemberships extends Map<string, Membership> {
  private readonly counts = new Map<string, Record<SubscriptionStatus, number>>();
  private move(listId: string, status: SubscriptionStatus, by: number) {
    let c = this.counts.get(listId);
    if (!c) this.counts.set(listId, (c = { unconfirmed: 0, confirmed: 0, unsubscribed: 0 }));
    c[status] += by;
  }
  override set(key: string, m: Membership): this {
    const before = this.get(key);
    if (before) this.move(before.listId, before.status, -1);
    this.move(m.listId, m.status, 1);
    return super.set(key, m);
  }
  override delete(key: string): boolean {
    const before = this.get(key);
    if (before) this.move(before.listId, before.status, -1);
    return super.delete(key);
  }
  override clear(): void {
    this.counts.clear();
    super.clear();
  }
  countsOf(listId: string): Record<SubscriptionStatus, number> {
    return { unconfirmed: 0, confirmed: 0, unsubscribed: 0, ...this.counts.get(listId) };
  }
}

export class InMemoryStore implements Store {
  /** Suppressions and transient bounces are held by keyed HMAC of the address, as in the table. */
  constructor(private readonly addressPepper = developmentAddressPepper) {}
  private hmac(value: string) {
    return addressKey(this.addressPepper, value);
  }
  readonly brands = new Map<string, Brand>();
  readonly releases = new Map<string, Release>();
  readonly versions = new Map<string, ReleaseContent>();
  readonly lists = new Map<string, MailingList>();
  readonly subscribers = new Map<string, Subscriber>();
  /** Counts by list and status kept on every set and delete, as DynamoStore's counter items (see CountedMemberships). */
  readonly memberships = new CountedMemberships();
  /** By `addressKey` of the address. */
  readonly suppressed = new Map<string, { reason: string; at: string; email?: string }>();
  readonly campaigns = new Map<
    string,
    Omit<Campaign, 'counts'> & {
      tally: Record<RecipientStatus, number>;
      snapshot: { attempts: number; owner?: string; until?: number; progress?: string };
    }
  >();
  readonly mails = new Map<string, CompiledMail>();
  readonly recipients = new Map<string, Recipient>();

  async ping() {
    return true;
  }
  async putBrand(b: Brand) {
    this.brands.set(b.id, clone(b));
  }
  async getBrand(id: string) {
    return clone(this.brands.get(id));
  }
  async listBrands() {
    return [...this.brands.values()].sort(byKey((b) => `${b.name}#${b.id}`)).map(clone);
  }
  async createRelease(r: Release) {
    if (this.releases.has(r.id)) throw new ConflictError('exists');
    this.releases.set(r.id, clone(r));
    this.versions.set(`${r.id}#${r.version}`, clone(r.content));
    this.versionInfo.set(`${r.id}#${r.version}`, { version: r.version, at: r.updatedAt, ...(r.updatedBy ? { by: r.updatedBy } : {}) });
  }
  async getRelease(id: string) {
    return clone(this.releases.get(id));
  }
  async updateRelease(r: Release, expectedVersion: number) {
    if (this.releases.get(r.id)?.version !== expectedVersion) throw new ConflictError('version');
    this.releases.set(r.id, clone(r));
    this.versions.set(`${r.id}#${r.version}`, clone(r.content));
    this.versionInfo.set(`${r.id}#${r.version}`, { version: r.version, at: r.updatedAt, ...(r.updatedBy ? { by: r.updatedBy } : {}) });
  }
  async getReleaseVersion(id: string, version: number) {
    return clone(this.versions.get(`${id}#${version}`));
  }
  async listReleasesByBrand(brandId: string, options: { limit?: number; cursor?: string } = {}) {
    const all = [...this.releases.values()].filter((r) => r.content.brandId === brandId || r.content.coBrandIds.includes(brandId));
    return paginate(all, releaseKey, { ...options, descending: true }, 50);
  }
  async listReleases(options: { limit?: number; cursor?: string } = {}) {
    return paginate([...this.releases.values()], releaseKey, { ...options, descending: true }, 50);
  }
  async createList(l: MailingList) {
    if (this.lists.has(l.id)) throw condition(`list ${l.id} exists`);
    this.lists.set(l.id, clone(l));
  }
  async getList(id: string) {
    return clone(this.lists.get(id));
  }
  async listLists() {
    return [...this.lists.values()].sort(byKey((l) => `${l.name}#${l.id}`)).map(clone);
  }
  async createSubscriber(s: Subscriber) {
    const existing = [...this.subscribers.values()].find((x) => x.email === s.email);
    if (existing) return { subscriber: clone(existing), created: false };
    this.subscribers.set(s.id, clone(s));
    return { subscriber: clone(s), created: true };
  }
  async getSubscriber(id: string) {
    return clone(this.subscribers.get(id));
  }
  async getSubscriberByEmail(email: string) {
    return clone([...this.subscribers.values()].find((x) => x.email === email));
  }
  async updateSubscriber(s: Subscriber) {
    // As DynamoStore: only an existing subscriber, and never a change of address (the email guard would not follow).
    if (this.subscribers.get(s.id)?.email !== s.email) throw condition(`subscriber ${s.id} with this address`);
    this.subscribers.set(s.id, clone(s));
  }
  async putMembership(m: Membership) {
    this.memberships.set(`${m.listId}#${m.subscriberId}`, clone(m));
  }
  async getMembership(listId: string, subscriberId: string) {
    return clone(this.memberships.get(`${listId}#${subscriberId}`));
  }
  async setMembershipStatus(listId: string, subscriberId: string, status: SubscriptionStatus, at: string) {
    const m = this.memberships.get(`${listId}#${subscriberId}`);
    if (!m) throw new Error('no membership');
    this.memberships.set(`${listId}#${subscriberId}`, { ...m, status, updatedAt: at });
  }
  async listMembers(listId: string, options: { limit?: number; cursor?: string } = {}) {
    return paginate(
      [...this.memberships.values()].filter((m) => m.listId === listId),
      (m) => m.subscriberId,
      options,
      100,
    );
  }
  async listMembershipsOf(subscriberId: string) {
    return [...this.memberships.values()]
      .filter((m) => m.subscriberId === subscriberId)
      .sort(byKey((m) => m.listId))
      .map(clone);
  }
  async isSuppressed(email: string) {
    return this.suppressed.has(this.hmac(email));
  }
  async suppressionOf(email: string) {
    const s = this.suppressed.get(this.hmac(email));
    return s ? { reason: s.reason, at: s.at } : undefined;
  }
  async suppress(email: string, reason: string, at: string) {
    const key = this.hmac(email);
    // As in the table: the person's own refusals are never replaced by a weaker reason; erasures keep no address.
    const current = this.suppressed.get(key)?.reason;
    if (reason !== 'erased' && (current === 'erased' || current === 'complaint' || current === 'unsubscribed-all')) return;
    this.suppressed.set(key, { reason, at, ...(suppressionKeepsAddress(reason) ? { email } : {}) });
  }
  async unsuppress(email: string) {
    this.suppressed.delete(this.hmac(email));
  }
  readonly seen = new Set<string>();
  readonly delivery = new Map<string, Record<string, number>>();
  /** By `addressKey` of the address. */
  readonly transient = new Map<string, number>();
  async markEventSeen(key: string) {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
  async settleIfSending(campaignId: string, subscriberId: string, messageId: string, at: string) {
    if (!(await this.settleRecipient(campaignId, subscriberId, { status: 'sent', messageId }, at))) return false;
    await this.addToCounts(campaignId, { sending: -1, sent: 1 }, 'unfinished');
    return true;
  }
  async countDelivery(campaignId: string, counter: DeliveryCounter) {
    const d = this.delivery.get(campaignId) ?? {};
    d[counter] = (d[counter] ?? 0) + 1;
    this.delivery.set(campaignId, d);
  }
  async countTransientBounce(email: string) {
    const k = this.hmac(email);
    this.transient.set(k, (this.transient.get(k) ?? 0) + 1);
    return this.transient.get(k) as number;
  }
  readonly hits = new Map<string, number>();
  async hit(key: string, windowSeconds: number, now: Date) {
    const k = `${this.hmac(key)}#${Math.floor(now.getTime() / 1000 / windowSeconds)}`;
    this.hits.set(k, (this.hits.get(k) ?? 0) + 1);
    return this.hits.get(k) as number;
  }
  async eraseSubscriber(subscriberId: string, at: string) {
    const s = this.subscribers.get(subscriberId);
    if (!s) return;
    this.suppressed.set(this.hmac(s.email), { reason: 'erased', at });
    const erased = `erased:${subscriberId}`;
    this.subscribers.set(subscriberId, {
      id: subscriberId,
      email: erased,
      tags: [],
      language: s.language,
      createdAt: s.createdAt,
      updatedAt: at,
      erasedAt: at,
    } as Subscriber);
    for (const [k, m] of this.memberships)
      if (m.subscriberId === subscriberId) this.memberships.set(k, { ...m, email: erased, status: 'unsubscribed', updatedAt: at });
    for (const [k, r] of this.recipients)
      if (r.subscriberId === subscriberId)
        this.recipients.set(k, { ...r, email: erased, ...(r.error === undefined ? {} : { error: redactAddress(r.error, s.email) }) });
    for (const c of this.campaigns.values())
      if (c.statusReason !== undefined && this.recipients.has(`${c.id}#${subscriberId}`))
        this.campaigns.set(c.id, { ...c, statusReason: redactAddress(c.statusReason, s.email) });
    this.consent.forEach((c, i) => {
      if (c.subscriberId === subscriberId) {
        const { ip: _ip, userAgent: _ua, ...rest } = c;
        this.consent[i] = rest;
      }
    });
  }
  async loadSendContext(recipients: readonly Recipient[]): Promise<SendContext> {
    const suppressed = new Set(recipients.filter((r) => this.suppressed.has(this.hmac(r.email))).map((r) => r.email));
    const stillConfirmed = new Set(
      recipients
        .filter((r) => r.listIds.some((l) => this.memberships.get(`${l}#${r.subscriberId}`)?.status === 'confirmed'))
        .map((r) => r.subscriberId),
    );
    const names = new Map<string, string>();
    for (const r of recipients) {
      const name = this.subscribers.get(r.subscriberId)?.name;
      if (name) names.set(r.subscriberId, name);
    }
    return { suppressed, stillConfirmed, names };
  }
  async listSendsOf(subscriberId: string) {
    return [...this.recipients.values()]
      .filter((r) => r.subscriberId === subscriberId)
      .sort(byKey((r) => r.campaignId))
      .map(clone);
  }
  readonly consent: ConsentRecord[] = [];
  async appendConsent(record: ConsentRecord) {
    this.consent.push(clone(record));
  }
  async listConsent(subscriberId: string) {
    return this.consent
      .filter((r) => r.subscriberId === subscriberId)
      .sort(byKey((r) => r.at))
      .map(clone);
  }
  private view(id: string): Campaign | undefined {
    const c = this.campaigns.get(id);
    if (!c) return undefined;
    const { tally, ...rest } = c;
    const { snapshot: _snapshot, ...campaign } = rest;
    const counts = emptyCounts();
    for (const s of ['sending', 'sent', 'failed', 'skipped'] as const) counts[s] = Math.max(0, tally[s]);
    counts.pending = c.total === undefined ? 0 : Math.max(0, c.total - counts.sending - counts.sent - counts.failed - counts.skipped);
    const delivery = Object.fromEntries(deliveryCounters.map((d) => [d, this.delivery.get(id)?.[d] ?? 0]));
    return clone({ ...campaign, counts, delivery });
  }
  async createCampaign(c: Campaign, mail: CompiledMail) {
    if (this.campaigns.has(c.id)) return { created: false, campaign: this.view(c.id) as Campaign };
    const { counts: _c, ...rest } = c;
    this.campaigns.set(c.id, { ...clone(rest), tally: emptyCounts(), snapshot: { attempts: 0 } });
    this.mails.set(c.id, clone(mail));
    return { created: true, campaign: this.view(c.id) as Campaign };
  }
  async getCampaign(id: string) {
    return this.view(id);
  }
  async getCompiledMail(id: string) {
    return clone(this.mails.get(id));
  }
  async listCampaigns(options: { limit?: number; cursor?: string } = {}) {
    return paginate(
      [...this.campaigns.keys()].map((id) => this.view(id) as Campaign),
      (c) => `${c.createdAt}#${c.id}`,
      { ...options, descending: true },
      50,
    );
  }
  async setCampaignStatus(id: string, to: CampaignStatus, from: readonly CampaignStatus[], _at: string, reason?: string) {
    const c = this.campaigns.get(id);
    if (!c || !from.includes(c.status)) return false;
    const at = _at;
    const stamps = to === 'running' ? { startedAt: c.startedAt ?? at } : to === 'finished' || to === 'cancelled' ? { finishedAt: at } : {};
    this.campaigns.set(id, { ...c, ...stamps, status: to, statusReason: reason });
    return true;
  }
  async acquireSnapshotLease(id: string, owner: string, nowMs: number, leaseMs: number) {
    const c = this.campaigns.get(id);
    if (c?.status !== 'running' || c.total !== undefined || (c.snapshot.until !== undefined && c.snapshot.until >= nowMs))
      return { acquired: false as const };
    const firstAttempt = c.snapshot.attempts === 0;
    c.snapshot = { attempts: c.snapshot.attempts + 1, owner, until: nowMs + leaseMs, progress: c.snapshot.progress };
    return { acquired: true as const, firstAttempt };
  }
  async renewSnapshotLease(id: string, owner: string, untilMs: number) {
    const c = this.campaigns.get(id);
    if (c?.snapshot.owner !== owner) return false;
    c.snapshot.until = untilMs;
    return true;
  }
  async completeSnapshot(id: string, owner: string, total: number) {
    const c = this.campaigns.get(id);
    if (c?.snapshot.owner !== owner) return false;
    this.campaigns.set(id, { ...c, total, snapshot: { attempts: c.snapshot.attempts } });
    return true;
  }
  async releaseSnapshotLease(id: string, owner: string) {
    const c = this.campaigns.get(id);
    if (c?.snapshot.owner === owner) c.snapshot = { attempts: c.snapshot.attempts, progress: c.snapshot.progress };
  }
  async replaceCompiledMail(campaignId: string, mail: CompiledMail) {
    this.mails.set(campaignId, clone(mail));
  }
  readonly audit: AuditEntry[] = [];
  async appendAudit(entry: AuditEntry) {
    this.audit.push(clone(entry));
  }
  async listAudit(month: string) {
    return this.audit
      .filter((e) => e.at.startsWith(month))
      .sort(byKey((e) => e.at))
      .map(clone);
  }
  readonly tokens = new Map<string, Actor>();
  async putApiToken(hash: string, actor: Actor) {
    if (this.tokens.has(hash)) throw condition('token exists');
    this.tokens.set(hash, clone(actor));
  }
  async actorByTokenHash(hash: string) {
    return clone(this.tokens.get(hash));
  }
  readonly plans = new Map<string, AnnouncementPlan>();
  async putPlan(plan: AnnouncementPlan) {
    this.plans.set(plan.id, clone(plan));
  }
  async getPlan(id: string) {
    return clone(this.plans.get(id));
  }
  async listPlans(options: { limit?: number; cursor?: string } = {}) {
    return paginate([...this.plans.values()].map(clone), (p) => `${p.createdAt}#${p.id}`, { ...options, descending: true }, 50);
  }
  async rescheduleCampaign(id: string, schedule: { sendAt: string; localSendAt: string; timeZone: string }) {
    const c = this.campaigns.get(id);
    if (c?.status !== 'scheduled') return false;
    this.campaigns.set(id, { ...c, ...schedule });
    return true;
  }
  async addRecipients(campaignId: string, recipients: readonly Recipient[], mode: 'new' | 'unless-present' = 'unless-present') {
    let added = 0;
    for (const r of recipients) {
      const k = `${campaignId}#${r.subscriberId}`;
      // The real store overwrites blindly in this mode: here, being asked to is a bug worth failing on.
      if (mode === 'new' && this.recipients.has(k)) throw new Error(`recipient ${r.subscriberId} written twice as new`);
      if (!this.recipients.has(k)) {
        this.recipients.set(k, clone(r));
        added++;
      }
    }
    return added;
  }
  async findSuppressed(emails: readonly string[]) {
    return new Set(emails.filter((e) => this.suppressed.has(this.hmac(e))));
  }
  async countRecipients(campaignId: string) {
    return [...this.recipients.values()].filter((r) => r.campaignId === campaignId).length;
  }
  async getRecipient(campaignId: string, subscriberId: string) {
    return clone(this.recipients.get(`${campaignId}#${subscriberId}`));
  }
  async getRecipients(campaignId: string, ids: readonly string[]) {
    return ids
      .map((id) => this.recipients.get(`${campaignId}#${id}`))
      .filter((r) => r !== undefined)
      .map(clone);
  }
  async listRecipients(campaignId: string, options: { limit?: number; cursor?: string; status?: RecipientStatus } = {}) {
    const all = [...this.recipients.values()].filter((r) => r.campaignId === campaignId);
    const keep = options.status ? (r: Recipient) => r.status === options.status : undefined;
    return paginate(all, (r) => r.subscriberId, { ...options, keep }, 100);
  }
  async claimRecipient(campaignId: string, subscriberId: string, at: string) {
    const k = `${campaignId}#${subscriberId}`;
    const r = this.recipients.get(k);
    if (r?.status !== 'pending') return false;
    this.recipients.set(k, { ...r, status: 'sending', updatedAt: at, claimedAt: at });
    return true;
  }
  async settleRecipient(campaignId: string, subscriberId: string, outcome: RecipientOutcome, at: string) {
    const k = `${campaignId}#${subscriberId}`;
    const r = this.recipients.get(k);
    if (r?.status !== 'sending') return false;
    this.recipients.set(k, { ...r, ...outcome, status: outcome.status, updatedAt: at });
    return true;
  }
  async claimRecipients(campaignId: string, subscriberIds: readonly string[], at: string) {
    return this.groupWrite(
      'claim',
      campaignId,
      subscriberIds.map((id) => ({
        id,
        from: 'pending' as const,
        to: (r: Recipient): Recipient => ({ ...r, status: 'sending', updatedAt: at, claimedAt: at }),
      })),
    );
  }
  async settleRecipients(campaignId: string, settlements: readonly RecipientSettlement[], at: string) {
    return this.groupWrite(
      'settle',
      campaignId,
      settlements.map(({ subscriberId, outcome }) => ({
        id: subscriberId,
        from: 'sending' as const,
        to: (r: Recipient): Recipient => ({ ...r, ...outcome, status: outcome.status, updatedAt: at }),
      })),
    );
  }
  /** Group writes as DynamoStore makes them (tests look at it): each transaction tried, and the ids of those cancelled. */
  readonly groupWrites: { kind: 'claim' | 'settle'; ids: string[]; cancelled: boolean }[] = [];
  /**
   * DynamoStore's group write: a transaction of conditional updates, all or nothing; when a
   * condition fails, it is cancelled with a reason per item, and written again without the items
   * whose condition failed. The fake has no concurrent transactions, so one retry suffices.
   */
  private async groupWrite(
    kind: 'claim' | 'settle',
    campaignId: string,
    entries: { id: string; from: RecipientStatus; to: (r: Recipient) => Recipient }[],
  ) {
    if (new Set(entries.map((e) => e.id)).size !== entries.length) throw new Error('an item may appear once in a group write');
    const done = new Set<string>();
    let remaining = entries;
    while (remaining.length > 0) {
      const reasons = remaining.map((e) =>
        this.recipients.get(`${campaignId}#${e.id}`)?.status === e.from ? 'None' : 'ConditionalCheckFailed',
      );
      const cancelled = reasons.includes('ConditionalCheckFailed');
      this.groupWrites.push({ kind, ids: remaining.map((e) => e.id), cancelled });
      if (!cancelled) {
        for (const e of remaining) {
          const k = `${campaignId}#${e.id}`;
          this.recipients.set(k, e.to(this.recipients.get(k) as Recipient));
          done.add(e.id);
        }
        break;
      }
      remaining = remaining.filter((_, i) => reasons[i] === 'None');
    }
    return done;
  }
  /** Writes to the campaign's counters, as `addToCounts` calls counted them (tests look at it). */
  countWrites = 0;
  async addToCounts(campaignId: string, delta: CountsDelta, when: 'running' | 'unfinished') {
    const c = this.campaigns.get(campaignId);
    if (!c || (when === 'running' ? c.status !== 'running' : c.status === 'finished' || c.countsFinalAt !== undefined)) return undefined;
    for (const [s, n] of Object.entries(delta) as [RecipientStatus, number][]) c.tally[s] += n;
    this.countWrites++;
    return this.view(campaignId);
  }
  async tallyLedger(campaignId: string): Promise<LedgerTally> {
    const counts = emptyCounts();
    const claims: { subscriberId: string; claimedAt: string }[] = [];
    let recipients = 0;
    for (const r of this.recipients.values()) {
      if (r.campaignId !== campaignId) continue;
      recipients++;
      counts[r.status]++;
      if (r.status === 'sending') claims.push({ subscriberId: r.subscriberId, claimedAt: r.claimedAt ?? r.updatedAt });
    }
    return { recipients, counts, claims };
  }
  async finishCampaign(campaignId: string, tally: Pick<LedgerTally, 'recipients' | 'counts'>, at: string) {
    const c = this.campaigns.get(campaignId);
    if (c?.status !== 'running' || c.total !== tally.recipients) return false;
    const { statusReason: _reason, ...rest } = c;
    this.campaigns.set(campaignId, { ...rest, status: 'finished', finishedAt: at, tally: { ...tally.counts, pending: 0 } });
    return true;
  }
  async closeCancelledCounts(campaignId: string, tally: Pick<LedgerTally, 'counts'>, at: string) {
    const c = this.campaigns.get(campaignId);
    if (c?.status !== 'cancelled' || c.countsFinalAt !== undefined) return false;
    this.campaigns.set(campaignId, { ...c, countsFinalAt: at, tally: { ...tally.counts } });
    return true;
  }
  readonly versionInfo = new Map<string, ReleaseVersionInfo>();
  async listReleaseVersions(id: string) {
    return [...this.versionInfo.entries()]
      .filter(([k]) => k.startsWith(`${id}#`))
      .map(([, v]) => clone(v))
      .sort((a, b) => a.version - b.version);
  }
  readonly settings = new Map<string, unknown>();
  async getSetting(name: string) {
    return clone(this.settings.get(name));
  }
  async putSetting(name: string, value: unknown, _at: string) {
    this.settings.set(name, clone(value));
  }
  /** API tokens with details, by hash (as in the table). */
  readonly tokenRecords = new Map<string, ApiTokenRecord>();
  async putApiTokenRecord(hash: string, record: ApiTokenRecord) {
    if (this.tokenRecords.has(hash) || this.tokens.has(hash)) throw condition('token exists');
    this.tokenRecords.set(hash, clone(record));
    this.tokens.set(hash, { id: record.id, name: record.name, role: record.role });
  }
  async apiTokenByHash(hash: string) {
    const record = this.tokenRecords.get(hash);
    if (record) return clone(record);
    const actor = this.tokens.get(hash);
    return actor ? { ...clone(actor), createdAt: '' } : undefined;
  }
  async listApiTokens() {
    return [...this.tokenRecords.values()]
      .sort(byKey((t) => `${t.createdAt}#${t.id}`))
      .reverse()
      .map(clone);
  }
  async revokeApiToken(id: string, at: string) {
    for (const [hash, t] of this.tokenRecords) {
      if (t.id !== id) continue;
      const revoked = { ...t, revokedAt: t.revokedAt ?? at };
      this.tokenRecords.set(hash, revoked);
      return clone(revoked);
    }
    return undefined;
  }
  async touchApiToken(hash: string, at: string, unlessUsedSince: string) {
    const t = this.tokenRecords.get(hash);
    if (t && (t.lastUsedAt === undefined || t.lastUsedAt < unlessUsedSince)) this.tokenRecords.set(hash, { ...t, lastUsedAt: at });
  }
  private suppressionEntry(key: string): SuppressionEntry | undefined {
    const s = this.suppressed.get(key);
    if (!s) return undefined;
    return { key, reason: s.reason, at: s.at, ...(s.email && suppressionKeepsAddress(s.reason) ? { email: s.email } : {}) };
  }
  async listSuppressions(options: { limit?: number; cursor?: string; contains?: string } = {}) {
    const contains = options.contains?.trim().toLowerCase();
    const all = [...this.suppressed.keys()].map((k) => this.suppressionEntry(k) as SuppressionEntry);
    return paginate(
      all,
      (e) => `${e.at}#${e.key}`,
      { ...options, descending: true, keep: contains ? (e) => e.email?.includes(contains) === true : undefined },
      50,
    );
  }
  async suppressedAddresses(options: { limit?: number; cursor?: string } = {}) {
    const all = [...this.suppressed.keys()].map((k) => this.suppressionEntry(k) as SuppressionEntry);
    const page = paginate(all, (e) => `${e.at}#${e.key}`, { ...options, descending: true }, 1000);
    return { items: page.items.flatMap((e) => (e.email ? [e.email] : [])), cursor: page.cursor };
  }
  async suppressionEntryOf(email: string) {
    return this.suppressionEntry(this.hmac(email));
  }
  async suppressionByKey(key: string) {
    return this.suppressionEntry(key);
  }
  async liftSuppression(key: string, liftable: readonly string[]) {
    const entry = this.suppressionEntry(key);
    if (!entry || !liftable.includes(entry.reason)) return undefined;
    this.suppressed.delete(key);
    return entry;
  }
  async updateList(l: MailingList) {
    if (!this.lists.has(l.id)) throw condition(`list ${l.id} missing`);
    this.lists.set(l.id, clone(l));
  }
  async countMembersByStatus(listId: string) {
    return this.memberships.countsOf(listId);
  }
  async getSubscribers(ids: readonly string[]) {
    return [...new Set(ids)].flatMap((id) => {
      const s = this.subscribers.get(id);
      return s ? [clone(s)] : [];
    });
  }
  async getMemberships(pairs: readonly { readonly listId: string; readonly subscriberId: string }[]) {
    const keysWanted = new Set(pairs.map((p) => `${p.listId}#${p.subscriberId}`));
    return [...keysWanted].flatMap((k) => {
      const m = this.memberships.get(k);
      return m ? [clone(m)] : [];
    });
  }
  async subscriberIdsByEmail(emails: readonly string[]) {
    const wanted = new Set(emails);
    return new Map([...this.subscribers.values()].filter((s) => wanted.has(s.email)).map((s) => [s.email, s.id]));
  }
  async deleteMembership(listId: string, subscriberId: string) {
    this.memberships.delete(`${listId}#${subscriberId}`);
  }
  async lookupContacts(listId: string, emails: readonly string[]) {
    const found = new Map<string, ContactLookup>();
    for (const email of new Set(emails)) {
      const suppression = await this.suppressionOf(email);
      if (suppression) {
        found.set(email, { suppression });
        continue;
      }
      const subscriber = await this.getSubscriberByEmail(email);
      if (!subscriber) continue;
      const membership = await this.getMembership(listId, subscriber.id);
      found.set(email, { subscriber, ...(membership ? { membership } : {}) });
    }
    return found;
  }
  async writeContacts(writes: readonly ContactWrite[]) {
    // As DynamoStore: every conditional subscriber write first, then the memberships and consent records of the rows written.
    const results: ContactWriteResult[] = [];
    for (const w of writes) {
      if (!w.subscriber) results.push('written');
      else if (w.subscriber.mode === 'create')
        results.push((await this.createSubscriber(w.subscriber.value)).created ? 'written' : 'address-taken');
      else if (this.subscribers.get(w.subscriber.value.id)?.email !== w.subscriber.value.email) results.push('subscriber-changed');
      else {
        await this.updateSubscriber(w.subscriber.value);
        results.push('written');
      }
    }
    for (const [i, w] of writes.entries()) {
      if (results[i] !== 'written') continue;
      if (w.membership) await this.putMembership(w.membership);
      if (w.consent) await this.appendConsent(w.consent);
    }
    return results;
  }

  // --- uncovered recipients and resend to failed (see DynamoCampaignStore)
  private readonly uncoveredRequeues = new Map<string, string>();
  async uncoveredPending(campaignId: string, quietSince: string) {
    const pending: string[] = [];
    for (const r of this.recipients.values()) {
      if (r.campaignId !== campaignId) continue;
      if (r.status === 'sending' || r.updatedAt >= quietSince) return undefined;
      if (r.status === 'pending') pending.push(r.subscriberId);
    }
    return pending;
  }
  /** Unlike DynamoDB, does not look at when the campaign last changed status (this fake keeps no such time). */
  async markUncoveredRequeue(campaignId: string, at: string, notSince: string) {
    const last = this.uncoveredRequeues.get(campaignId);
    if (this.campaigns.get(campaignId)?.status !== 'running' || (last !== undefined && last >= notSince)) return false;
    this.uncoveredRequeues.set(campaignId, at);
    return true;
  }
  async reopenFailedRecipients(campaignId: string, subscriberIds: readonly string[], at: string) {
    const moved = new Set<string>();
    for (const id of subscriberIds) {
      const r = this.recipients.get(`${campaignId}#${id}`);
      if (r?.status !== 'failed') continue;
      this.recipients.set(`${campaignId}#${id}`, {
        ...r,
        status: 'pending',
        updatedAt: at,
        error: 'renvoi demandé après un échec passager',
      });
      moved.add(id);
    }
    return moved;
  }
  readonly segments = new Map<string, Segment>();
  async putSegment(segment: Segment) {
    this.segments.set(segment.id, clone(segment));
  }
  async getSegment(id: string) {
    return clone(this.segments.get(id));
  }
  async listSegments() {
    return [...this.segments.values()].sort(byKey((g) => `${g.name.toLowerCase()}#${g.id}`)).map(clone);
  }
  async deleteSegment(id: string) {
    this.segments.delete(id);
  }
  // The audience change log (DynamoDB: audience-changes-store.ts): here, the state as it stands
  // now is the snapshot's plus every change since, so it is read directly.
  audienceChangesMark() {
    return new Date().toISOString();
  }
  async loadSendContextSince(_since: string, recipients: readonly QueuedRecipient[]): Promise<SendContext> {
    const read = await this.loadSendContext(recipients.map((r) => ({ ...r, campaignId: '', status: 'pending' as const, updatedAt: '' })));
    return { ...read, names: new Map(recipients.flatMap((r) => (r.name ? [[r.subscriberId, r.name] as const] : []))) };
  }

  async suspendSnapshot(id: string, owner: string, progress: string) {
    const c = this.campaigns.get(id);
    if (c?.snapshot.owner !== owner) return false;
    c.snapshot = { attempts: c.snapshot.attempts, progress };
    return true;
  }
  async getSnapshotProgress(id: string) {
    return this.campaigns.get(id)?.snapshot.progress;
  }
}

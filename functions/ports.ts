import type { Actor } from './domain/actor';
import type { AnnouncementPlan } from './domain/announcement-plan';
import type { ApiTokenRecord } from './domain/api-token';
import type { MailingList, Membership, Subscriber, SubscriptionStatus } from './domain/audience';
import type { AuditEntry } from './domain/audit';
import type { Brand } from './domain/brand';
import type { Campaign, CampaignStatus, CountsDelta, DeliveryCounter, LedgerTally, Recipient, RecipientStatus } from './domain/campaign';
import type { ConsentRecord } from './domain/consent';
import type { ContactLookup, ContactWrite, ContactWriteResult } from './domain/contact-row-rules';
import type { Release, ReleaseContent } from './domain/release';
import type { Segment } from './domain/segment';
import type { SuppressionEntry } from './domain/suppression';
import type { SessionRecord, UserAccount } from './domain/user-account';
import type { CompiledMail } from './render/compiled-mail';

export interface Clock {
  now(): Date;
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque; absent on the last page. */
  readonly cursor?: string;
}

export interface BrandStore {
  putBrand(brand: Brand): Promise<void>;
  getBrand(id: string): Promise<Brand | undefined>;
  listBrands(): Promise<Brand[]>;
}

/** One saved version of a release: its number, when it was saved, and by whom (unknown for versions saved before that was recorded). */
export interface ReleaseVersionInfo {
  readonly version: number;
  readonly at: string;
  readonly by?: { readonly id: string; readonly name: string };
}

export interface ReleaseStore {
  createRelease(release: Release): Promise<void>;
  getRelease(id: string): Promise<Release | undefined>;
  /** Saves a new version; fails with ConflictError unless the stored version is `expectedVersion`. */
  updateRelease(release: Release, expectedVersion: number): Promise<void>;
  getReleaseVersion(id: string, version: number): Promise<ReleaseContent | undefined>;
  /** Newest first by dateline/creation date. */
  listReleasesByBrand(brandId: string, options?: { limit?: number; cursor?: string }): Promise<Page<Release>>;
  listReleases(options?: { limit?: number; cursor?: string }): Promise<Page<Release>>;
  /** Every saved version of a release, oldest first (the history the workspace shows). */
  listReleaseVersions(id: string): Promise<ReleaseVersionInfo[]>;
}

export interface AudienceStore {
  createList(list: MailingList): Promise<void>;
  getList(id: string): Promise<MailingList | undefined>;
  listLists(): Promise<MailingList[]>;
  /** Creates the subscriber, or returns the existing one with the same (normalised) email. */
  createSubscriber(subscriber: Subscriber): Promise<{ subscriber: Subscriber; created: boolean }>;
  getSubscriber(id: string): Promise<Subscriber | undefined>;
  getSubscriberByEmail(email: string): Promise<Subscriber | undefined>;
  updateSubscriber(subscriber: Subscriber): Promise<void>;
  putMembership(membership: Membership): Promise<void>;
  getMembership(listId: string, subscriberId: string): Promise<Membership | undefined>;
  setMembershipStatus(listId: string, subscriberId: string, status: SubscriptionStatus, at: string): Promise<void>;
  listMembers(listId: string, options?: { limit?: number; cursor?: string }): Promise<Page<Membership>>;
  listMembershipsOf(subscriberId: string): Promise<Membership[]>;
  isSuppressed(email: string): Promise<boolean>;
  /** Why an address is suppressed (unsubscribed-all, hard-bounce, complaint, manual, erased), if it is. */
  suppressionOf(email: string): Promise<{ reason: string; at: string } | undefined>;
  suppress(email: string, reason: string, at: string): Promise<void>;
  unsuppress(email: string): Promise<void>;
  /** Append-only: records are never updated or deleted (erasure blanks their personal fields only). */
  appendConsent(record: ConsentRecord): Promise<void>;
  listConsent(subscriberId: string): Promise<ConsentRecord[]>;
  /** Counts an attempt in a fixed window (rate limits); returns the count including this one. */
  hit(key: string, windowSeconds: number, now: Date): Promise<number>;
  /** GDPR erasure: personal data removed everywhere (profile, email guard, memberships, ledger, consent details). */
  eraseSubscriber(subscriberId: string, at: string): Promise<void>;
  /**
   * Suppressions, newest first (those recorded since the listing exists). `contains` keeps those
   * whose kept address contains the text (erasures keep none, so never match).
   */
  listSuppressions(options?: { limit?: number; cursor?: string; contains?: string }): Promise<Page<SuppressionEntry>>;
  /**
   * The addresses the suppressions keep (erasures keep none), a page at a time, read from the
   * listing alone: what an audience count needs to find the blocked people, without each entry.
   */
  suppressedAddresses(options?: { limit?: number; cursor?: string }): Promise<Page<string>>;
  /** The suppression of an address, with its key; undefined when the address is not suppressed. */
  suppressionEntryOf(email: string): Promise<SuppressionEntry | undefined>;
  suppressionByKey(key: string): Promise<SuppressionEntry | undefined>;
  /** Deletes a suppression only if its reason is one of `liftable`; the deleted entry, or undefined (none, or another reason). */
  liftSuppression(key: string, liftable: readonly string[]): Promise<SuppressionEntry | undefined>;
  /** Replaces a list's settings (name, kind, opt-in, sign-up, brand); fails unless the list exists. */
  updateList(list: MailingList): Promise<void>;
  /** How many members of the list are in each state (DynamoStore: one counter item per list, not a walk). */
  countMembersByStatus(listId: string): Promise<Record<SubscriptionStatus, number>>;
  /** Subscribers by id, read in batches; unknown ids are left out. */
  getSubscribers(ids: readonly string[]): Promise<Subscriber[]>;
  /** Memberships by (list, subscriber), read in batches; the pairs with no membership are left out. */
  getMemberships(pairs: readonly { readonly listId: string; readonly subscriberId: string }[]): Promise<Membership[]>;
  /** The subscriber id of each (normalised) address the audience knows, read in batches; unknown addresses are absent. */
  subscriberIdsByEmail(emails: readonly string[]): Promise<Map<string, string>>;
  /** Removes a membership (a publisher took the contact off the list; the consent ledger says so). */
  deleteMembership(listId: string, subscriberId: string): Promise<void>;
  /**
   * What the audience holds for many (normalised) addresses at once, read in batches (imports):
   * each address's suppression, subscriber, and membership of `listId`. Addresses the store
   * knows nothing of are absent from the map.
   */
  lookupContacts(listId: string, emails: readonly string[]): Promise<Map<string, ContactLookup>>;
  /**
   * Many contacts' writes in as few requests as possible (imports); one result per write, in
   * order. A `create` whose address was claimed meanwhile writes nothing of its row
   * (`address-taken`); a `replace` whose subscriber no longer holds the address (erased) writes
   * nothing of its row (`subscriber-changed`). Memberships and consent records are written only
   * for rows whose subscriber write succeeded (or that had none). Distinct addresses only.
   */
  writeContacts(writes: readonly ContactWrite[]): Promise<ContactWriteResult[]>;
}

export interface CampaignStore {
  /** Idempotent on the campaign id: a second create returns the first campaign, `created: false`. */
  createCampaign(campaign: Campaign, mail: CompiledMail): Promise<{ created: boolean; campaign: Campaign }>;
  /**
   * The campaign with its counts by recipient state. While it runs the counts are the counters
   * of the campaign item, which workers update once per batch and about once a second: they lag
   * a little, count as `sending` the claims a worker announced and has not reported yet, and
   * after a worker died mid-batch over-state `sending` and under-state the outcomes until the
   * campaign finishes. A finished campaign's counts are exact: they are recounted from the
   * ledger when it finishes (see `finishCampaign`).
   */
  getCampaign(id: string): Promise<Campaign | undefined>;
  getCompiledMail(campaignId: string): Promise<CompiledMail | undefined>;
  listCampaigns(options?: { limit?: number; cursor?: string }): Promise<Page<Campaign>>;
  /** Conditional move; `reason` is shown with a pause (SES refused, quota reached) and cleared otherwise. */
  setCampaignStatus(id: string, to: CampaignStatus, from: readonly CampaignStatus[], at: string, reason?: string): Promise<boolean>;
  /** A scheduled campaign's mail, compiled again after its release changed (an event moved). */
  replaceCompiledMail(campaignId: string, mail: CompiledMail): Promise<void>;
  /** Moves a scheduled campaign's send time; false unless it is still `scheduled`. */
  rescheduleCampaign(id: string, schedule: { sendAt: string; localSendAt: string; timeZone: string }, at: string): Promise<boolean>;

  /**
   * Takes the right to write the campaign's audience snapshot, for `leaseMs`: only while the
   * campaign is `running`, has no total yet, and nobody else holds an unexpired lease.
   * `firstAttempt` is true when no snapshot of this campaign was ever started before, so its
   * ledger is empty and may be written without a condition per item (see `addRecipients`).
   */
  acquireSnapshotLease(
    campaignId: string,
    owner: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<{ acquired: true; firstAttempt: boolean } | { acquired: false }>;
  /** Extends the lease; false when `owner` no longer holds it (it expired and someone took it). */
  renewSnapshotLease(campaignId: string, owner: string, untilMs: number): Promise<boolean>;
  /** Fixes the campaign's total and ends the lease; false (nothing written) unless `owner` holds it. */
  completeSnapshot(campaignId: string, owner: string, total: number): Promise<boolean>;
  /** Gives the lease up early (after an error), so that a retry need not wait for it to expire. */
  releaseSnapshotLease(campaignId: string, owner: string): Promise<void>;
  /**
   * Writes recipients into the ledger; returns how many were written. `unless-present` writes
   * each one conditionally (an entry already there, perhaps sent, is left alone). `new` writes in
   * batches without conditions, and is only for a first snapshot attempt, whose ledger is empty.
   */
  addRecipients(campaignId: string, recipients: readonly Recipient[], mode?: 'new' | 'unless-present'): Promise<number>;
  /** Which of these addresses are suppressed (read in batches). */
  findSuppressed(emails: readonly string[]): Promise<Set<string>>;
  getRecipient(campaignId: string, subscriberId: string): Promise<Recipient | undefined>;
  countRecipients(campaignId: string): Promise<number>;
  getRecipients(campaignId: string, subscriberIds: readonly string[]): Promise<Recipient[]>;
  /**
   * What the worker checks before sending to a batch, read in one go: which addresses are
   * suppressed, which recipients are still confirmed on one of their lists, and their names.
   */
  loadSendContext(recipients: readonly Recipient[]): Promise<SendContext>;
  /**
   * The same answer from the recipients' send message: the snapshot's data plus what changed
   * since `since` (suppressions, membership changes, erasures), read from the time-ordered
   * audience change log in one or a few queries for the whole batch, never item by item.
   */
  loadSendContextSince(since: string, recipients: readonly QueuedRecipient[]): Promise<SendContext>;
  /**
   * Where the audience change log stands now (a time mark). Taken before a snapshot reads
   * memberships and suppressions; every change written after it is found by `loadSendContextSince`.
   */
  audienceChangesMark(): string;
  /** Every campaign recipient entry of one subscriber (GDPR export). */
  listSendsOf(subscriberId: string): Promise<Recipient[]>;
  listRecipients(campaignId: string, options?: { limit?: number; cursor?: string; status?: RecipientStatus }): Promise<Page<Recipient>>;
  /** Conditional `pending -> sending` on the recipient item alone; false when taken or done. */
  claimRecipient(campaignId: string, subscriberId: string, at: string): Promise<boolean>;
  /**
   * Moves a claimed (`sending`) recipient to its outcome, conditionally, on the recipient item
   * alone; false when it was no longer `sending` (reconciliation or a SES event settled it and
   * counted it). The caller reports the change to the counters with `addToCounts`.
   */
  settleRecipient(campaignId: string, subscriberId: string, outcome: RecipientOutcome, at: string): Promise<boolean>;
  /**
   * `claimRecipient` for a group, in as few requests as possible (DynamoDB: one
   * `TransactWriteItems` of conditional updates; when it is cancelled because some items were
   * taken or done, the others are written again without them). Each recipient is claimed at most
   * once, exactly as by `claimRecipient`; returns the ids this call claimed. Ids are distinct.
   */
  claimRecipients(campaignId: string, subscriberIds: readonly string[], at: string): Promise<Set<string>>;
  /**
   * `settleRecipient` for a group, the same way: each recipient moves only if it is still
   * `sending`; returns the ids this call settled (the others were settled meanwhile, by a SES
   * Send event or reconciliation, which counted them).
   */
  settleRecipients(campaignId: string, settlements: readonly RecipientSettlement[], at: string): Promise<Set<string>>;
  /**
   * Adds to the campaign item's counters (one write for many recipients) and returns the
   * campaign as it is then. `running`: only if the campaign is running (a worker announcing the
   * claims it is about to make); `unfinished`: unless its counts are final (finished, or
   * cancelled and closed).
   * Undefined, and nothing added, when the condition does not hold.
   */
  addToCounts(campaignId: string, delta: CountsDelta, when: 'running' | 'unfinished'): Promise<Campaign | undefined>;
  /** Reads the whole ledger of a campaign (consistent reads, a few attributes per item). */
  tallyLedger(campaignId: string): Promise<LedgerTally>;
  /**
   * `running -> finished` with the counts taken from the ledger, which replace the counters;
   * false unless the campaign is running and its total is `tally.recipients`.
   */
  finishCampaign(campaignId: string, tally: Pick<LedgerTally, 'recipients' | 'counts'>, at: string): Promise<boolean>;
  /**
   * A cancelled campaign whose ledger holds no claim any more: the counts taken from the ledger
   * replace the counters and become final (`countsFinalAt`); false unless it is cancelled and
   * its counts not final yet.
   */
  closeCancelledCounts(campaignId: string, tally: Pick<LedgerTally, 'counts'>, at: string): Promise<boolean>;
  /**
   * The pending recipients of a campaign whose ledger has not changed since `quietSince` and
   * holds no claim (no queue message covers them any more); undefined when the ledger shows a
   * change since then or a claim.
   */
  uncoveredPending(campaignId: string, quietSince: string): Promise<string[] | undefined>;
  /**
   * Records that the sweep queued a running campaign's uncovered recipients again; false when it
   * did so after `notSince` already, when the campaign changed status since then, or is not running.
   */
  markUncoveredRequeue(campaignId: string, at: string, notSince: string): Promise<boolean>;
  /** `failed -> pending`, each only if still `failed`; returns the ids moved (resend to failed). */
  reopenFailedRecipients(campaignId: string, subscriberIds: readonly string[], at: string): Promise<Set<string>>;
  /**
   * Pauses a snapshot that ran out of time: keeps where it stopped (`progress`, opaque to the
   * store) on the campaign item and ends the lease, so the next invocation takes it and resumes;
   * false (nothing written) unless `owner` holds the lease. `completeSnapshot` clears it.
   */
  suspendSnapshot(campaignId: string, owner: string, progress: string): Promise<boolean>;
  /** Where a suspended snapshot stopped (consistent read), if it did. */
  getSnapshotProgress(campaignId: string): Promise<string | undefined>;
}

export interface SendContext {
  readonly suppressed: ReadonlySet<string>;
  readonly stillConfirmed: ReadonlySet<string>;
  readonly names: ReadonlyMap<string, string>;
}

/** One recipient as the snapshot wrote it, carried in its send message. */
export interface QueuedRecipient {
  readonly subscriberId: string;
  readonly email: string;
  readonly name?: string;
  /** The campaign's lists this recipient was confirmed on at snapshot time. */
  readonly listIds: readonly string[];
}

export type { DeliveryCounter } from './domain/campaign';

export interface FeedbackStore {
  /** True the first time a key is seen: SES events arrive at least once. */
  markEventSeen(key: string): Promise<boolean>;
  /** Records a claim as sent from SES's own Send event, and counts it; does nothing unless it is still `sending`. */
  settleIfSending(campaignId: string, subscriberId: string, messageId: string, at: string): Promise<boolean>;
  countDelivery(campaignId: string, counter: DeliveryCounter): Promise<void>;
  /** Adds one transient bounce for the address and returns its total. */
  countTransientBounce(email: string): Promise<number>;
}

export interface RecipientSettlement {
  readonly subscriberId: string;
  readonly outcome: RecipientOutcome;
}

export type RecipientOutcome =
  | { readonly status: 'sent'; readonly messageId: string }
  | { readonly status: 'failed' | 'skipped'; readonly error: string }
  /** Claim released: the send will be retried. */
  | { readonly status: 'pending'; readonly error: string };

export interface GovernanceStore {
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Entries of one month (`YYYY-MM`), oldest first. */
  listAudit(month: string): Promise<AuditEntry[]>;
  /** API tokens are stored by hash only; the token itself is shown once at creation. */
  putApiToken(tokenHash: string, actor: Actor): Promise<void>;
  actorByTokenHash(tokenHash: string): Promise<Actor | undefined>;
  putPlan(plan: AnnouncementPlan): Promise<void>;
  getPlan(id: string): Promise<AnnouncementPlan | undefined>;
  /** Announcement plans, newest first (by creation). */
  listPlans(options?: { limit?: number; cursor?: string }): Promise<Page<AnnouncementPlan>>;
  /** A small setting an admin manages (a JSON value by name), e.g. the test-mail allow-list; undefined when never set. */
  getSetting(name: string): Promise<unknown>;
  putSetting(name: string, value: unknown, at: string): Promise<void>;
  /** Stores a token by hash with its details (expiry, who made it), listed by `listApiTokens`. */
  putApiTokenRecord(tokenHash: string, record: ApiTokenRecord): Promise<void>;
  /** The token behind a hash, with its expiry, revocation and last use; undefined when unknown. */
  apiTokenByHash(tokenHash: string): Promise<ApiTokenRecord | undefined>;
  /** Tokens made with `putApiTokenRecord`, newest first. */
  listApiTokens(): Promise<ApiTokenRecord[]>;
  /** Marks a token revoked (it stays listed); undefined when no token has this id. Revoking twice keeps the first date. */
  revokeApiToken(id: string, at: string): Promise<ApiTokenRecord | undefined>;
  /** Records a use, unless one was recorded after `unlessUsedSince` (so a busy client writes about once a minute). */
  touchApiToken(tokenHash: string, at: string, unlessUsedSince: string): Promise<void>;
  /** Saves a segment (a named filter over contacts' press fields), replacing one with the same id. */
  putSegment(segment: Segment): Promise<void>;
  getSegment(id: string): Promise<Segment | undefined>;
  /** Every segment, by name (an office keeps a few dozen). */
  listSegments(): Promise<Segment[]>;
  deleteSegment(id: string): Promise<void>;
}

/**
 * Workspace accounts and their sessions. Kept apart from `Store`: the workspace's people are not
 * the audience, and the API's bearer tokens stay in GovernanceStore.
 */
export interface UserStore {
  /** ConflictError (French) when an account already has this address. */
  createUser(user: UserAccount): Promise<void>;
  /**
   * The first account of an empty workspace: created only if no first account was ever made
   * (a guard item makes two starts at once create one). False when one exists.
   */
  createFirstUser(user: UserAccount): Promise<boolean>;
  getUser(id: string): Promise<UserAccount | undefined>;
  getUserByEmail(email: string): Promise<UserAccount | undefined>;
  /** By name. */
  listUsers(): Promise<UserAccount[]>;
  /**
   * Changes role and/or status and raises `sessionEpoch` in the same write, so that every
   * session of the person ends at once. Undefined when the account does not exist.
   */
  changeUser(
    id: string,
    change: { role?: UserAccount['role']; status?: UserAccount['status'] },
    at: string,
  ): Promise<UserAccount | undefined>;
  /** Raises `sessionEpoch`: every session of the person ends (sign-out everywhere). */
  endSessionsOf(id: string, at: string): Promise<void>;
  /** A new invitation for an invited account replaces the previous one. False unless still `invited`. */
  setInvitation(id: string, nonce: string, at: string): Promise<boolean>;
  /**
   * `invited -> active` with its password, only if the invitation nonce still matches (the link
   * works once). False otherwise, and nothing written.
   */
  acceptInvitation(id: string, nonce: string, passwordHash: string, at: string): Promise<boolean>;
  putSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  touchSession(id: string, at: string): Promise<void>;
  deleteSession(id: string): Promise<void>;
}

export interface Store extends BrandStore, ReleaseStore, AudienceStore, CampaignStore, FeedbackStore, GovernanceStore {
  ping(): Promise<boolean>;
}

export interface MailHeader {
  readonly name: string;
  readonly value: string;
}

export interface OutgoingMail {
  readonly from: { readonly name: string; readonly address: string };
  readonly to: string;
  readonly replyTo?: readonly string[];
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly headers: readonly MailHeader[];
  /** Text content (UTF-8), e.g. the event's .ics. */
  readonly attachments?: readonly { readonly filename: string; readonly contentType: string; readonly content: string }[];
  /** SES message tags: carried into feedback events (campaign, recipient). */
  readonly tags: Readonly<Record<string, string>>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  ping(): Promise<boolean>;
  /** The account's sending rate (SES GetAccount MaxSendRate), when the service tells. */
  maxSendRate?(): Promise<number | undefined>;
}

/** What travels on the send queue. */
export type SendMessage =
  | { readonly type: 'launch'; readonly campaignId: string }
  | {
      readonly type: 'send';
      readonly campaignId: string;
      readonly subscriberIds: readonly string[];
      /**
       * What the snapshot knew of each recipient (same order as `subscriberIds`), so that the
       * batch reads neither its ledger items nor each recipient's suppression and membership
       * items: only the audience changes since `snapshotAt` (see `loadSendContextSince`).
       * Absent on messages queued again from the ledger (resume, sweep, redrive): those read it.
       */
      readonly recipients?: readonly QueuedRecipient[];
      /** The store's change-log mark taken before the snapshot read the audience (`audienceChangesMark`). */
      readonly snapshotAt?: string;
    }
  /** A one-time schedule came due (EventBridge Scheduler → queue). */
  | { readonly type: 'fire'; readonly campaignId: string }
  /** Periodic: fire due schedules that were missed, reconcile stuck claims. */
  | { readonly type: 'sweep' }
  /** The import wizard's run step: read the job's file and import it (see runImportJob); who launched it, for the audit trail. */
  | { readonly type: 'import'; readonly jobId: string; readonly actor: { readonly id: string; readonly name: string } };

/** One-time schedules of campaigns (AWS: EventBridge Scheduler; local: due items read from the table). */
export interface CampaignScheduler {
  /** Creates or moves the campaign's schedule. */
  schedule(campaignId: string, at: Date): Promise<void>;
  unschedule(campaignId: string): Promise<void>;
}

export interface SendQueue {
  enqueue(messages: readonly SendMessage[]): Promise<void>;
}

/** A message that exhausted its receives, as the dead-letter queue holds it. */
export interface DeadLetter {
  /** The queue's id for it (SQS MessageId; locally its rank). */
  readonly id: string;
  readonly body: string;
  /** The body read as a send message, when it is one. */
  readonly message?: SendMessage;
  readonly receiveCount?: number;
  /** When it was first sent to its queue (ISO), when the queue tells. */
  readonly sentAt?: string;
}

/** The dead-letter queue of the send and control queues: inspected and redriven (`communique dlq`). */
export interface DeadLetterQueue {
  /** Up to `limit` dead letters, left in place. */
  list(limit: number): Promise<DeadLetter[]>;
  /** Moves every dead letter back to the queue it came from: `moved` locally, SQS's move task handle in AWS. */
  redrive(): Promise<{ moved?: number; taskHandle?: string }>;
}

/**
 * The media library: the files (AWS: a private S3 bucket; local: a folder under DATA_DIR) and
 * what is known of each (AWS: an item in the table; local: a file beside it). The app serves
 * them under `/media/<id>/<filename>`, the URLs mails use.
 */
export interface MediaStore {
  /** Stores the file and its description; an id is never reused. */
  putMedia(item: import('./domain/media').MediaItem, bytes: Uint8Array): Promise<void>;
  getMedia(id: string): Promise<import('./domain/media').MediaItem | undefined>;
  /** The file's bytes, undefined when unknown. */
  readMedia(id: string): Promise<Uint8Array | undefined>;
  /** Newest first. */
  listMedia(options?: { limit?: number; cursor?: string }): Promise<Page<import('./domain/media').MediaItem>>;
}

import { type Campaign, type CountsDelta, type Recipient, recipientRef, recipientRefHeader } from '../domain/campaign';
import type { SendTimeBudget } from '../domain/send-time-budget';
import type { OutgoingMail, QueuedRecipient, RecipientOutcome, RecipientSettlement, SendContext } from '../ports';
import type { CompiledMail } from '../render/compiled-mail';
import { personalise } from '../render/compiled-mail';
import type { SendDeps } from './deps';
import { finishIfComplete } from './finish-campaign';
import { recipientLinks, unsubscribeHeaders } from './recipient-links';
import { accountLevelRefusal, classifySendError, describeError, passingFailure } from './send-errors';
import { packSendMessages } from './send-message-codec';

/** How one delivery of a send message is to be handled. */
export interface SendBatchOptions {
  /**
   * The invocation's time (shared by every message it handles): no recipient is claimed that
   * cannot be sent in time, no send starts that could end after it; the rest is handed back to
   * the queue as a new message. Absent: no deadline (the local runtime).
   */
  readonly budget?: SendTimeBudget;
  /**
   * This is the message's last delivery before the dead-letter queue: a recipient whose error is
   * passing (throttled, transient) is recorded `failed` with a passing reason instead of being
   * left pending behind a dead letter ("resend to failed" covers it).
   */
  readonly lastReceive?: boolean;
  /**
   * What the snapshot knew of the recipients (their message carries it) and its change-log
   * mark: the batch then reads neither their ledger items nor their suppression and membership
   * items, only the audience changes since `snapshotAt`. Absent: both are read (resume, sweep).
   */
  readonly known?: { readonly recipients: readonly QueuedRecipient[]; readonly snapshotAt: string };
}

/** What a batch needs of a recipient: from the ledger, or from the message that carries it. */
type Addressee = Pick<Recipient, 'subscriberId' | 'email' | 'listIds'>;

/** Raised so the queue delivers the message again; recipients already sent are skipped then. */
export class SendBatchError extends Error {
  constructor(
    readonly campaignId: string,
    readonly failures: readonly { subscriberId: string; error: string }[],
  ) {
    super(
      `${failures.length} recipient(s) of campaign ${campaignId} to retry: ${failures
        .map((f) => f.error)
        .slice(0, 3)
        .join('; ')}`,
    );
    this.name = 'SendBatchError';
  }
}

const THROTTLE_RETRIES = 4;

// Per worker instance and store: a running campaign's compiled mail does not change.
const compiledMails = new WeakMap<object, Map<string, CompiledMail>>();
async function compiledMailOf(deps: SendDeps, campaignId: string): Promise<CompiledMail | undefined> {
  let cache = compiledMails.get(deps.store);
  if (!cache) compiledMails.set(deps.store, (cache = new Map()));
  const cached = cache.get(campaignId);
  if (cached) return cached;
  const mail = await deps.store.getCompiledMail(campaignId);
  if (mail) {
    if (cache.size > 20) cache.clear();
    cache.set(campaignId, mail);
  }
  return mail;
}

type Attempt =
  | { ok: true; messageId: string }
  | { ok: false; kind: 'paused' | 'permanent' | 'retry' | 'unknown'; error: string; reason?: string }
  /** The batch stopped (pause, cancel, SES paused) while this recipient waited its turn: not sent. */
  | { ok: false; kind: 'stopped'; error: string }
  /** Its turn at the pacer would come too late for the invocation's time: not sent, handed back. */
  | { ok: false; kind: 'late'; error: string };

/**
 * One recipient's send: paced, throttles retried here with backoff before giving the message
 * back to the queue. `stopped` is checked once the pacer lets the call go, just before SES.
 */
async function sendPaced(deps: SendDeps, mail: OutgoingMail, stopped: () => boolean, budget: SendTimeBudget | undefined): Promise<Attempt> {
  for (let attempt = 0; ; attempt++) {
    if (!budget) await deps.pacer?.acquire();
    else if (deps.pacer?.acquireWithin) {
      if (!(await deps.pacer.acquireWithin(budget.lastSendStartMs - deps.clock.now().getTime())))
        return { ok: false, kind: 'late', error: handedBack };
    } else await deps.pacer?.acquire();
    if (stopped()) return { ok: false, kind: 'stopped', error: notSent };
    if (budget && !budget.maySendAt(deps.clock.now().getTime())) return { ok: false, kind: 'late', error: handedBack };
    try {
      return { ok: true, messageId: (await deps.mailer.send(mail)).messageId };
    } catch (e: unknown) {
      const kind = classifySendError(e);
      if (kind === 'throttled' && attempt < THROTTLE_RETRIES) {
        await deps.sleep?.(Math.min(5_000, 100 * 2 ** attempt) * (0.5 + Math.random()));
        continue;
      }
      return {
        ok: false,
        kind: kind === 'paused' || kind === 'permanent' || kind === 'unknown' ? kind : 'retry',
        error: describeError(e),
        reason: accountLevelRefusal(e),
      };
    }
  }
}

/** Recipients of one batch in flight at once, at most (each claimed, then sent, then settled). */
export const MAX_IN_FLIGHT = 8;
/**
 * How far ahead of its turn at the pacer a recipient may be claimed: a worker keeps about
 * `rate × CLAIM_AHEAD_S` recipients in flight, so that at low rates claims do not sit waiting
 * for the pacer (a claim is what reconciliation looks at), and at high rates the ledger writes
 * of several recipients overlap their SES calls.
 */
const CLAIM_AHEAD_S = 0.25;
/** How often a worker reports its counts and reads the campaign's status in the middle of a batch. */
const STATUS_EVERY_MS = 1_000;
/**
 * Recipients claimed in one group write, at most (one `TransactWriteItems`; DynamoDB takes up to
 * 100 items, and 50 cost as little per item: bench/send-ledger-writes.ts).
 */
const MAX_CLAIM_GROUP = 50;
/** A group claims about this much sending ahead (at the pacer's rate), and never less than the in-flight window. */
const CLAIM_GROUP_S = 0.5;
/**
 * Outcomes written in one group write, at most, and how long an outcome may wait for its group
 * (the batch's end and a stop flush at once). A worker that dies in between leaves at most that
 * many recipients `sending` after SES accepted them: reconciliation settles them as sent.
 */
const SETTLE_GROUP = 25;
const SETTLE_EVERY_MS = 200;

const rateOf = (pacer: SendDeps['pacer']) => {
  const rate = (pacer as { rate?: unknown } | undefined)?.rate;
  return typeof rate === 'number' && rate > 0 ? rate : undefined;
};

/** Recipients in flight for this worker: from the pacer's rate when it tells (SendPacer does), else the maximum. */
function inFlightFor(pacer: SendDeps['pacer']): number {
  const rate = rateOf(pacer);
  if (rate === undefined) return MAX_IN_FLIGHT;
  return Math.max(1, Math.min(MAX_IN_FLIGHT, Math.ceil(rate * CLAIM_AHEAD_S)));
}

/** Recipients claimed per group write: half a second of sending at the pacer's rate, within [in-flight window, MAX_CLAIM_GROUP]. */
function claimGroupFor(pacer: SendDeps['pacer']): number {
  const rate = rateOf(pacer);
  if (rate === undefined) return MAX_CLAIM_GROUP;
  return Math.max(inFlightFor(pacer), Math.min(MAX_CLAIM_GROUP, Math.ceil(rate * CLAIM_GROUP_S)));
}

const notSent = 'envoi interrompu avant SES (pause, annulation ou refus de SES)';
const handedBack = 'rendu à la file : plus assez de temps dans cette exécution';

/**
 * Sends one batch of a campaign, several recipients at a time, every SES call gated by the
 * shared pacer. Recipients are claimed (`pending -> sending`, conditional on each ledger item)
 * in groups, one write per group, each before SES is called for any of them, and settled after
 * (conditional again, `sending -> outcome`), their outcomes written in groups too: every
 * `SETTLE_GROUP` outcomes, every `SETTLE_EVERY_MS`, and at the end of the batch or when it stops.
 * So a redelivered or duplicated message sends nothing twice. Once SES has accepted a mail the
 * claim is never released: if recording fails, or the worker dies before its group is written,
 * the recipient stays `sending` until reconciliation finds the mail (see reconcile-claims.ts).
 *
 * Counts: the campaign item is written once to announce the claims this batch is about to make
 * (counted `sending`; the same write checks the campaign is running), then once a second and
 * at the end with what became of them. That write returns the campaign's status, so a pause
 * or cancel stops the sending within a second; recipients claimed and not yet handed to SES
 * then go back to pending.
 */
export async function sendBatch(
  deps: SendDeps,
  campaignId: string,
  subscriberIds: readonly string[],
  options: SendBatchOptions = {},
): Promise<void> {
  const { budget, known } = options;
  // Known from the message: claimed without reading the ledger first (a claim is conditional on
  // `pending`, so one already sent is simply not won). Else read, and only the pending ones kept.
  const wanted = new Set(subscriberIds);
  const pending: Addressee[] = known
    ? [...new Map(known.recipients.filter((r) => wanted.has(r.subscriberId)).map((r) => [r.subscriberId, r])).values()]
    : (await deps.store.getRecipients(campaignId, subscriberIds)).filter((r) => r.status === 'pending');
  // Nothing left here (a duplicate, or a redelivery after a worker died): the campaign may be done.
  if (pending.length === 0) {
    await finishIfComplete(deps, campaignId);
    return;
  }
  if (deps.ensureSendRate) {
    try {
      await deps.ensureSendRate();
    } catch (e: unknown) {
      // Sending at a guessed rate risks throttling or the account's reputation: pause, say why, and let resume try again.
      await deps.store.setCampaignStatus(
        campaignId,
        'paused',
        ['running'],
        deps.clock.now().toISOString(),
        `Débit d’envoi autorisé par SES illisible (GetAccount : ${describeError(e)}) : la campagne est en pause plutôt que d’envoyer à un débit deviné. Reprenez-la quand SES répond.`,
      );
      return;
    }
  }
  // Paused, cancelled, finished: leave recipients pending; resume queues them again.
  const campaign = await deps.store.addToCounts(campaignId, { sending: pending.length }, 'running');
  if (!campaign) return;

  const at = () => deps.clock.now().toISOString();
  // Announced claims not yet reported: each recipient's outcome moves one from `sending` to its state.
  const unreported: Required<CountsDelta> = { sending: 0, sent: 0, failed: 0, skipped: 0 };
  const report = async (): Promise<Campaign | undefined> => {
    const delta = { ...unreported };
    for (const k of Object.keys(unreported) as (keyof CountsDelta)[]) unreported[k] = 0;
    try {
      return await deps.store.addToCounts(campaignId, delta, 'unfinished');
    } catch (e: unknown) {
      for (const k of Object.keys(delta) as (keyof CountsDelta)[]) unreported[k] += delta[k];
      throw e;
    }
  };

  let stopped = false;
  let pausedBySes = false;
  // Recipients this delivery gives back to the queue: out of time before their turn.
  const handBack: string[] = [];
  let crash: { error: unknown } | undefined;
  // A ledger write failed: stop sending, let the mails in flight finish, report, then fail the message.
  const fail = (error: unknown) => {
    stopped = true;
    crash ??= { error };
  };
  const failures: { subscriberId: string; error: string }[] = [];
  let checkedAt = deps.clock.now().getTime();
  let checking = false;

  // Outcomes, written in groups. A group that fails is not written again here: its recipients
  // stay `sending` for reconciliation, as if the worker had died.
  const outcomes: RecipientSettlement[] = [];
  const flushes = new Set<Promise<void>>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    const group = outcomes.splice(0);
    if (group.length === 0) return;
    const write = deps.store.settleRecipients(campaignId, group, at()).then((settled) => {
      const counted = { sent: 0, failed: 0, skipped: 0 };
      for (const { subscriberId, outcome } of group) {
        // Not settled here: a SES Send event or reconciliation settled it meanwhile, and counted it.
        if (!settled.has(subscriberId)) continue;
        unreported.sending--;
        if (outcome.status !== 'pending') {
          unreported[outcome.status]++;
          counted[outcome.status]++;
        }
      }
      if (counted.sent > 0) deps.metrics?.count('MailsSent', counted.sent);
      if (counted.failed > 0) deps.metrics?.count('MailsFailed', counted.failed);
      if (counted.skipped > 0) deps.metrics?.count('MailsSkipped', counted.skipped);
    }, fail);
    flushes.add(write);
    void write.then(() => flushes.delete(write));
  };
  const settle = (recipient: Addressee, outcome: RecipientOutcome) => {
    outcomes.push({ subscriberId: recipient.subscriberId, outcome });
    if (outcomes.length >= SETTLE_GROUP) flush();
    else flushTimer ??= setTimeout(flush, SETTLE_EVERY_MS);
  };

  // Claims, in groups: the next group is claimed while the last recipients of the one before are sent.
  const groupSize = claimGroupFor(deps.pacer);
  const lanes = Math.min(inFlightFor(deps.pacer), pending.length);
  const claimed: Addressee[] = [];
  let next = 0; // pending[next..] not claimed yet
  let claiming: Promise<void> | undefined;
  const rate = rateOf(deps.pacer);
  const claimNextGroup = (): boolean => {
    // Only as many as can still be sent in time, counting what the invocation's other messages reserved.
    const size = budget ? budget.reserve(deps.clock.now().getTime(), Math.min(groupSize, pending.length - next), rate) : groupSize;
    if (size <= 0) return false;
    const group = pending.slice(next, next + size);
    next += group.length;
    claiming = deps.store
      .claimRecipients(
        campaignId,
        group.map((r) => r.subscriberId),
        at(),
      )
      .then((won) => {
        for (const r of group) {
          if (won.has(r.subscriberId)) claimed.push(r);
          else {
            unreported.sending--; // taken by another delivery of this batch, or no longer pending
            budget?.release();
          }
        }
      }, fail)
      .finally(() => (claiming = undefined));
    return true;
  };
  const take = async (): Promise<Addressee | undefined> => {
    for (;;) {
      if (stopped) return undefined;
      const recipient = claimed.shift();
      if (recipient) {
        if (!claiming && claimed.length < lanes && next < pending.length) claimNextGroup();
        return recipient;
      }
      if (!claiming) {
        if (next >= pending.length) return undefined;
        if (!claimNextGroup()) return undefined; // out of time: the rest is handed back
      }
      await claiming;
    }
  };

  const handle = async (recipient: Addressee, mail: CompiledMail, context: SendContext) => {
    const reason = exclusionReason(context, recipient);
    if (reason) {
      budget?.release();
      return settle(recipient, { status: 'skipped', error: reason });
    }
    const result = await sendPaced(
      deps,
      outgoingMail(deps, campaign, mail, recipient, context.names.get(recipient.subscriberId)),
      () => stopped,
      budget,
    ).finally(() => budget?.release());
    if (result.ok) return settle(recipient, { status: 'sent', messageId: result.messageId });
    if (result.kind === 'late') {
      handBack.push(recipient.subscriberId);
      return settle(recipient, { status: 'pending', error: result.error });
    }
    if (result.kind === 'retry' && options.lastReceive) {
      // The message's last delivery: recorded as a passing failure rather than left pending behind a dead letter.
      return settle(recipient, { status: 'failed', error: passingFailure(result.error) });
    }
    if (result.kind === 'permanent') return settle(recipient, { status: 'failed', error: result.error });
    // SES may have accepted it: left claimed (`sending`), not sent again; reconciliation or the
    // SES Send event settles it from what SES holds.
    if (result.kind === 'unknown') return;
    settle(recipient, { status: 'pending', error: result.error });
    if (result.kind === 'paused' && !pausedBySes) {
      // Refused for the account, not the recipient (identity not verified, configuration set
      // missing, sending paused, daily quota): stop and say why, don't fail everyone.
      pausedBySes = stopped = true;
      await deps.store.setCampaignStatus(
        campaignId,
        'paused',
        ['running'],
        at(),
        `SES refuse les envois : ${result.reason ?? result.error}`,
      );
    } else if (result.kind === 'retry') {
      failures.push({ subscriberId: recipient.subscriberId, error: result.error });
    }
  };

  const lane = async (mail: CompiledMail, context: SendContext) => {
    for (;;) {
      // A pause or cancel is seen within a second, without a read per recipient.
      if (!checking && deps.clock.now().getTime() - checkedAt >= STATUS_EVERY_MS) {
        checking = true;
        try {
          const current = await report();
          if (current?.status !== 'running') stopped = true;
        } finally {
          checkedAt = deps.clock.now().getTime();
          checking = false;
        }
        continue;
      }
      const recipient = await take();
      if (!recipient) return;
      await handle(recipient, mail, context);
    }
  };

  try {
    const mail = await compiledMailOf(deps, campaignId);
    if (!mail) throw new Error(`campaign ${campaignId} has no compiled mail`);
    // Read once per batch (a few seconds of sending): from the message, what changed since its
    // snapshot (one query per hour spanned); else each recipient's suppressions, memberships, names.
    const context = known
      ? await deps.store.loadSendContextSince(known.snapshotAt, pending as QueuedRecipient[])
      : await deps.store.loadSendContext(pending as Recipient[]);
    await Promise.all(Array.from({ length: lanes }, () => lane(mail, context).catch(fail)));
  } catch (error: unknown) {
    crash ??= { error };
  }
  // Claimed and never handed to SES (stopped early): back to pending, with the batch's last outcomes.
  while (claiming) await claiming;
  for (const recipient of claimed.splice(0)) {
    budget?.release();
    // Out of time rather than stopped: these go back to the queue with the unclaimed ones.
    if (!stopped) handBack.push(recipient.subscriberId);
    settle(recipient, { status: 'pending', error: stopped ? notSent : handedBack });
  }
  flush();
  while (flushes.size > 0) await Promise.all(flushes);
  // Announced but never claimed (stopped early, or out of time): no longer counted as sending.
  unreported.sending -= pending.length - next;
  const after = await report();
  if (crash) throw crash.error;
  if (pausedBySes) return;
  // Out of time (not paused or cancelled: resume queues those): the rest goes back as a new
  // message, so this one succeeds and does not count towards the dead-letter queue. If that
  // enqueue fails, this message fails and its redelivery still covers every recipient.
  if (!stopped && after?.status === 'running') {
    const rest = [...handBack, ...pending.slice(next).map((r) => r.subscriberId)];
    if (rest.length > 0) {
      const byId = new Map(known?.recipients.map((r) => [r.subscriberId, r]));
      const restKnown = known ? rest.map((id) => byId.get(id)).filter((r): r is QueuedRecipient => r !== undefined) : [];
      await deps.queue.enqueue(
        known && restKnown.length === rest.length
          ? packSendMessages(campaignId, restKnown, known.snapshotAt, rest.length)
          : [{ type: 'send', campaignId, subscriberIds: rest }],
      );
    }
  }
  if (after) await finishIfComplete(deps, campaignId, after);
  if (failures.length > 0) throw new SendBatchError(campaignId, failures);
}

function outgoingMail(
  deps: SendDeps,
  campaign: Campaign,
  mail: CompiledMail,
  recipient: Addressee,
  name: string | undefined,
): OutgoingMail {
  const links = recipientLinks(deps, recipient.subscriberId, campaign.id);
  const content = personalise(mail, { ...links, email: recipient.email, name });
  return {
    from: { name: campaign.sender.name, address: campaign.sender.address },
    replyTo: campaign.sender.replyTo ? [campaign.sender.replyTo] : undefined,
    to: recipient.email,
    subject: content.subject,
    html: content.html,
    text: content.text,
    headers: [
      ...unsubscribeHeaders(links.unsubscribeUrl),
      { name: recipientRefHeader, value: recipientRef(campaign.id, recipient.subscriberId) },
    ],
    attachments: mail.attachments,
    tags: { campaign: campaign.id, recipient: recipient.subscriberId },
  };
}

/** Checked at send time, not only at snapshot: an unsubscribe or a bounce takes effect for the next batch. */
function exclusionReason(context: SendContext, recipient: Addressee): string | undefined {
  if (context.suppressed.has(recipient.email)) return 'adresse supprimée (désinscription, rebond ou plainte)';
  if (!context.stillConfirmed.has(recipient.subscriberId)) return 'désinscrit depuis le lancement';
  return undefined;
}

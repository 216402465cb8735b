import { recipientRef, recipientRefHeader, type Campaign, type CountsDelta, type Recipient } from '../domain/campaign';
import type { OutgoingMail, RecipientOutcome, SendContext } from '../ports';
import type { CompiledMail } from '../render/compiled-mail';
import { personalise } from '../render/compiled-mail';
import type { SendDeps } from './deps';
import { finishIfComplete } from './finish-campaign';
import { recipientLinks, unsubscribeHeaders } from './recipient-links';
import { classifySendError, describeError } from './send-errors';

/** Raised so the queue delivers the message again; recipients already sent are skipped then. */
export class SendBatchError extends Error {
  constructor(
    readonly campaignId: string,
    readonly failures: readonly { subscriberId: string; error: string }[],
  ) {
    super(`${failures.length} recipient(s) of campaign ${campaignId} to retry: ${failures.map((f) => f.error).slice(0, 3).join('; ')}`);
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
  | { ok: false; kind: 'paused' | 'permanent' | 'retry'; error: string }
  /** The batch stopped (pause, cancel, SES paused) while this recipient waited its turn: not sent. */
  | { ok: false; kind: 'stopped'; error: string };

/**
 * One recipient's send: paced, throttles retried here with backoff before giving the message
 * back to the queue. `stopped` is checked once the pacer lets the call go, just before SES.
 */
async function sendPaced(deps: SendDeps, mail: OutgoingMail, stopped: () => boolean): Promise<Attempt> {
  for (let attempt = 0; ; attempt++) {
    await deps.pacer?.acquire();
    if (stopped()) return { ok: false, kind: 'stopped', error: 'envoi interrompu avant SES (pause, annulation ou refus de SES)' };
    try {
      return { ok: true, messageId: (await deps.mailer.send(mail)).messageId };
    } catch (e: unknown) {
      const kind = classifySendError(e);
      if (kind === 'throttled' && attempt < THROTTLE_RETRIES) {
        await deps.sleep?.(Math.min(5_000, 100 * 2 ** attempt) * (0.5 + Math.random()));
        continue;
      }
      return { ok: false, kind: kind === 'paused' || kind === 'permanent' ? kind : 'retry', error: describeError(e) };
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

/** Recipients in flight for this worker: from the pacer's rate when it tells (SendPacer does), else the maximum. */
export function inFlightFor(pacer: SendDeps['pacer']): number {
  const rate = (pacer as { rate?: unknown } | undefined)?.rate;
  if (typeof rate !== 'number' || !(rate > 0)) return MAX_IN_FLIGHT;
  return Math.max(1, Math.min(MAX_IN_FLIGHT, Math.ceil(rate * CLAIM_AHEAD_S)));
}

/**
 * Sends one batch of a campaign, several recipients at a time, every SES call gated by the
 * shared pacer. Each recipient is claimed (`pending -> sending`, a conditional write on its
 * ledger item) before SES is called and settled after (conditional again), so a redelivered or
 * duplicated message sends nothing twice. Once SES has accepted a mail the claim is never
 * released: if recording fails the recipient stays `sending` until reconciliation finds the
 * mail (see reconcile-claims.ts).
 *
 * Counts: the campaign item is written once to announce the claims this batch is about to make
 * (counted `sending`; the same write checks the campaign is running), then once a second and
 * at the end with what became of them. That write returns the campaign's status, so a pause
 * or cancel stops new claims within a second.
 */
export async function sendBatch(deps: SendDeps, campaignId: string, subscriberIds: readonly string[]): Promise<void> {
  const pending = (await deps.store.getRecipients(campaignId, subscriberIds)).filter((r) => r.status === 'pending');
  // Nothing left here (a duplicate, or a redelivery after a worker died): the campaign may be done.
  if (pending.length === 0) {
    await finishIfComplete(deps, campaignId);
    return;
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

  let next = 0;
  let stopped = false;
  let pausedBySes = false;
  let crash: { error: unknown } | undefined;
  const failures: { subscriberId: string; error: string }[] = [];
  let checkedAt = deps.clock.now().getTime();
  let checking = false;

  const settle = async (recipient: Recipient, outcome: RecipientOutcome) => {
    // False: reconciliation or a SES event settled it meanwhile, and counted it.
    if (!(await deps.store.settleRecipient(campaignId, recipient.subscriberId, outcome, at()))) return;
    unreported.sending--;
    if (outcome.status !== 'pending') unreported[outcome.status]++;
  };

  const handle = async (recipient: Recipient, mail: CompiledMail, context: SendContext) => {
    if (!(await deps.store.claimRecipient(campaignId, recipient.subscriberId, at()))) {
      unreported.sending--; // taken by another delivery of this batch, or no longer pending
      return;
    }
    const reason = exclusionReason(context, recipient);
    if (reason) return settle(recipient, { status: 'skipped', error: reason });
    const result = await sendPaced(deps, outgoingMail(deps, campaign, mail, recipient, context.names.get(recipient.subscriberId)), () => stopped);
    if (result.ok) return settle(recipient, { status: 'sent', messageId: result.messageId });
    if (result.kind === 'permanent') return settle(recipient, { status: 'failed', error: result.error });
    await settle(recipient, { status: 'pending', error: result.error });
    if (result.kind === 'paused' && !pausedBySes) {
      // SES stopped sending for the account (paused, daily quota): stop and say why, don't burn retries.
      pausedBySes = stopped = true;
      await deps.store.setCampaignStatus(campaignId, 'paused', ['running'], at(), `SES refuse les envois : ${result.error}`);
    } else if (result.kind === 'retry') {
      failures.push({ subscriberId: recipient.subscriberId, error: result.error });
    }
  };

  const lane = async (mail: CompiledMail, context: SendContext) => {
    while (!stopped && next < pending.length) {
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
      const recipient = pending[next++] as Recipient;
      await handle(recipient, mail, context);
    }
  };

  try {
    const mail = await compiledMailOf(deps, campaignId);
    if (!mail) throw new Error(`campaign ${campaignId} has no compiled mail`);
    // Read once per batch (a few seconds of sending): suppressions, memberships, names.
    const context = await deps.store.loadSendContext(pending);
    await Promise.all(
      Array.from({ length: Math.min(inFlightFor(deps.pacer), pending.length) }, () =>
        lane(mail, context).catch((error: unknown) => {
          // A ledger write failed: stop claiming, let the others finish, report, then fail the message.
          stopped = true;
          crash ??= { error };
        }),
      ),
    );
  } catch (error: unknown) {
    crash ??= { error };
  }
  // Announced but never claimed (stopped early): no longer counted as sending.
  unreported.sending -= pending.length - Math.min(next, pending.length);
  const after = await report();
  if (crash) throw crash.error;
  if (pausedBySes) return;
  if (after) await finishIfComplete(deps, campaignId, after);
  if (failures.length > 0) throw new SendBatchError(campaignId, failures);
}

function outgoingMail(deps: SendDeps, campaign: Campaign, mail: CompiledMail, recipient: Recipient, name: string | undefined): OutgoingMail {
  const links = recipientLinks(deps, recipient.subscriberId, campaign.id);
  const content = personalise(mail, { ...links, email: recipient.email, name });
  return {
    from: { name: campaign.sender.name, address: campaign.sender.address },
    replyTo: campaign.sender.replyTo ? [campaign.sender.replyTo] : undefined,
    to: recipient.email,
    subject: content.subject,
    html: content.html,
    text: content.text,
    headers: [...unsubscribeHeaders(links.unsubscribeUrl), { name: recipientRefHeader, value: recipientRef(campaign.id, recipient.subscriberId) }],
    attachments: mail.attachments,
    tags: { campaign: campaign.id, recipient: recipient.subscriberId },
  };
}

/** Checked at send time, not only at snapshot: an unsubscribe or a bounce takes effect for the next batch. */
function exclusionReason(context: SendContext, recipient: Recipient): string | undefined {
  if (context.suppressed.has(recipient.email)) return 'adresse supprimée (désinscription, rebond ou plainte)';
  if (!context.stillConfirmed.has(recipient.subscriberId)) return 'désinscrit depuis le lancement';
  return undefined;
}

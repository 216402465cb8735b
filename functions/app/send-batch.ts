import { recipientRef, recipientRefHeader, type Campaign, type Recipient } from '../domain/campaign';
import type { OutgoingMail, SendContext } from '../ports';
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

type Attempt = { ok: true; messageId: string } | { ok: false; kind: 'paused' | 'permanent' | 'retry'; error: string };

/** One recipient's send: paced, throttles retried here with backoff before giving the message back to the queue. */
async function sendPaced(deps: SendDeps, mail: OutgoingMail): Promise<Attempt> {
  for (let attempt = 0; ; attempt++) {
    await deps.pacer?.acquire();
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

/**
 * Sends one batch of a campaign. Each recipient is claimed (`pending -> sending`, conditional)
 * before SES is called and settled after, so a redelivered or duplicated message sends nothing
 * twice. Once SES has accepted a mail the claim is never released: if recording fails the
 * recipient stays `sending` until reconciliation finds the mail (see reconcile-claims.ts).
 */
export async function sendBatch(deps: SendDeps, campaignId: string, subscriberIds: readonly string[]): Promise<void> {
  const campaign = await deps.store.getCampaign(campaignId);
  // Paused or cancelled: leave recipients pending; resume queues them again.
  if (!campaign || campaign.status !== 'running') return;
  const mail = await compiledMailOf(deps, campaignId);
  if (!mail) throw new Error(`campaign ${campaignId} has no compiled mail`);
  const recipients = (await deps.store.getRecipients(campaignId, subscriberIds)).filter((r) => r.status === 'pending');
  // Read once per batch (a few seconds of sending): suppressions, memberships, names.
  const context = await deps.store.loadSendContext(recipients);
  const failures: { subscriberId: string; error: string }[] = [];
  const at = () => deps.clock.now().toISOString();
  let statusCheckedAt = deps.clock.now().getTime();

  for (const recipient of recipients) {
    // A pause or cancel is seen within a second, without a read per recipient.
    if (deps.clock.now().getTime() - statusCheckedAt > 1_000) {
      if ((await deps.store.getCampaign(campaignId))?.status !== 'running') break;
      statusCheckedAt = deps.clock.now().getTime();
    }
    if (!(await deps.store.claimRecipient(campaignId, recipient.subscriberId, at()))) continue;
    const reason = exclusionReason(context, recipient);
    if (reason) {
      await deps.store.settleRecipient(campaignId, recipient.subscriberId, { status: 'skipped', error: reason }, at());
      continue;
    }
    const result = await sendPaced(deps, outgoingMail(deps, campaign, mail, recipient, context.names.get(recipient.subscriberId)));
    if (result.ok) {
      await deps.store.settleRecipient(campaignId, recipient.subscriberId, { status: 'sent', messageId: result.messageId }, at());
    } else if (result.kind === 'permanent') {
      await deps.store.settleRecipient(campaignId, recipient.subscriberId, { status: 'failed', error: result.error }, at());
    } else {
      await deps.store.settleRecipient(campaignId, recipient.subscriberId, { status: 'pending', error: result.error }, at());
      if (result.kind === 'paused') {
        // SES stopped sending for the account (paused, daily quota): stop and say why, don't burn retries.
        await deps.store.setCampaignStatus(campaignId, 'paused', ['running'], at(), `SES refuse les envois : ${result.error}`);
        return;
      }
      failures.push({ subscriberId: recipient.subscriberId, error: result.error });
    }
  }
  await finishIfComplete(deps, campaignId);
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

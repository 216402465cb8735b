import type { Recipient } from '../domain/campaign';
import type { CompiledMail } from '../render/compiled-mail';
import { personalise } from '../render/compiled-mail';
import type { SendDeps } from './deps';
import { finishIfComplete } from './finish-campaign';
import { recipientLinks, unsubscribeHeaders } from './recipient-links';

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

/** SES errors that retrying will not cure: the recipient is marked failed with the reason. */
const permanentErrors = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'BadRequestException', 'NotFoundException']);

const errorName = (e: unknown) => (e instanceof Error ? e.name : 'Error');
const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 500);

// Per worker instance: the compiled mail of a campaign never changes once launched.
const compiledMails = new Map<string, CompiledMail>();
async function compiledMailOf(deps: SendDeps, campaignId: string): Promise<CompiledMail | undefined> {
  const cached = compiledMails.get(campaignId);
  if (cached) return cached;
  const mail = await deps.store.getCompiledMail(campaignId);
  if (mail) {
    if (compiledMails.size > 20) compiledMails.clear();
    compiledMails.set(campaignId, mail);
  }
  return mail;
}

/**
 * Sends one batch of a campaign. Each recipient is claimed (`pending -> sending`, conditional)
 * before SES is called and settled after, so a redelivered or duplicated message sends nothing twice.
 */
export async function sendBatch(deps: SendDeps, campaignId: string, subscriberIds: readonly string[]): Promise<void> {
  const campaign = await deps.store.getCampaign(campaignId);
  // Paused or cancelled: leave recipients pending; resume queues them again.
  if (!campaign || campaign.status !== 'running') return;
  const mail = await compiledMailOf(deps, campaignId);
  if (!mail) throw new Error(`campaign ${campaignId} has no compiled mail`);
  const recipients = await deps.store.getRecipients(campaignId, subscriberIds);
  const failures: { subscriberId: string; error: string }[] = [];

  for (const recipient of recipients) {
    if (recipient.status !== 'pending') continue;
    if (!(await deps.store.claimRecipient(campaignId, recipient.subscriberId, deps.clock.now().toISOString()))) continue;
    const at = () => deps.clock.now().toISOString();
    try {
      const reason = await exclusionReason(deps, recipient);
      if (reason) {
        await deps.store.settleRecipient(campaignId, recipient.subscriberId, { status: 'skipped', error: reason }, at());
        continue;
      }
      const subscriber = await deps.store.getSubscriber(recipient.subscriberId);
      const links = recipientLinks(deps, recipient.subscriberId, campaignId);
      const content = personalise(mail, { ...links, email: recipient.email, name: subscriber?.name });
      const { messageId } = await deps.mailer.send({
        from: { name: campaign.sender.name, address: campaign.sender.address },
        replyTo: campaign.sender.replyTo ? [campaign.sender.replyTo] : undefined,
        to: recipient.email,
        subject: content.subject,
        html: content.html,
        text: content.text,
        headers: unsubscribeHeaders(links.unsubscribeUrl),
        tags: { campaign: campaignId, recipient: recipient.subscriberId },
      });
      await deps.store.settleRecipient(campaignId, recipient.subscriberId, { status: 'sent', messageId }, at());
    } catch (e: unknown) {
      const error = errorText(e);
      if (permanentErrors.has(errorName(e))) {
        await deps.store.settleRecipient(campaignId, recipient.subscriberId, { status: 'failed', error }, at());
      } else {
        await deps.store.settleRecipient(campaignId, recipient.subscriberId, { status: 'pending', error }, at());
        failures.push({ subscriberId: recipient.subscriberId, error });
      }
    }
  }
  await finishIfComplete(deps, campaignId);
  if (failures.length > 0) throw new SendBatchError(campaignId, failures);
}

/** Checked at send time, not only at snapshot: an unsubscribe or a bounce takes effect at once. */
async function exclusionReason(deps: SendDeps, recipient: Recipient): Promise<string | undefined> {
  if (await deps.store.isSuppressed(recipient.email)) return 'adresse supprimée (désinscription, rebond ou plainte)';
  const memberships = await Promise.all(recipient.listIds.map((l) => deps.store.getMembership(l, recipient.subscriberId)));
  if (!memberships.some((m) => m?.status === 'confirmed')) return 'désinscrit depuis le lancement';
  return undefined;
}

import { normaliseEmail } from '../domain/email-address';
import { bareAddress, parseSesEvent } from '../domain/ses-event';
import type { SendDeps } from './deps';

/** Transient bounces tolerated before an address is suppressed. */
export const DEFAULT_TRANSIENT_BOUNCE_LIMIT = 3;

export type FeedbackOutcome = { kind: 'duplicate' } | { kind: 'ignored'; eventType: string } | { kind: 'recorded'; eventType: string; suppressed: string[] };

const safeEmail = (s: string) => {
  try {
    return normaliseEmail(bareAddress(s));
  } catch {
    return undefined;
  }
};

/**
 * One SES event from the configuration set. A permanent bounce or a complaint suppresses the
 * address at once (the next send skips it); transient bounces are counted and suppress after
 * the limit; Send events settle a claim the worker could not record; delivery counts per
 * campaign. Events arrive at least once, so each is applied once (keyed by message and type).
 */
export async function recordSesEvent(
  deps: Pick<SendDeps, 'store' | 'clock'>,
  raw: unknown,
  options: { transientBounceLimit?: number } = {},
): Promise<FeedbackOutcome> {
  const event = parseSesEvent(raw);
  const campaignId = event.mail.tags.campaign?.[0];
  const subscriberId = event.mail.tags.recipient?.[0];
  if (!(await deps.store.markEventSeen(`${event.mail.messageId}#${event.eventType}`))) return { kind: 'duplicate' };
  const at = deps.clock.now().toISOString();
  const suppressed: string[] = [];

  switch (event.eventType) {
    case 'Send':
      if (campaignId && subscriberId) await deps.store.settleIfSending(campaignId, subscriberId, event.mail.messageId, at);
      break;
    case 'Delivery':
      if (campaignId) await deps.store.countDelivery(campaignId, 'delivered');
      break;
    case 'Bounce': {
      const permanent = event.bounce?.bounceType === 'Permanent';
      for (const r of event.bounce?.bouncedRecipients ?? []) {
        const email = safeEmail(r.emailAddress);
        if (!email) continue;
        const limit = options.transientBounceLimit ?? DEFAULT_TRANSIENT_BOUNCE_LIMIT;
        if (permanent || (await deps.store.countTransientBounce(email)) >= limit) {
          await deps.store.suppress(email, permanent ? 'hard-bounce' : 'soft-bounces', at);
          suppressed.push(email);
        }
      }
      if (campaignId) await deps.store.countDelivery(campaignId, permanent ? 'bounced' : 'transientBounces');
      break;
    }
    case 'Complaint':
      for (const r of event.complaint?.complainedRecipients ?? []) {
        const email = safeEmail(r.emailAddress);
        if (!email) continue;
        await deps.store.suppress(email, 'complaint', at);
        suppressed.push(email);
      }
      if (campaignId) await deps.store.countDelivery(campaignId, 'complaints');
      break;
    default:
      return { kind: 'ignored', eventType: event.eventType };
  }
  return { kind: 'recorded', eventType: event.eventType, suppressed };
}

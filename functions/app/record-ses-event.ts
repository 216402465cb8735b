import { normaliseEmail } from '../domain/email-address';
import { bareAddress, parseSesEvent } from '../domain/ses-event';
import type { SendDeps } from './deps';

/** Transient bounces tolerated before an address is suppressed. */
export const DEFAULT_TRANSIENT_BOUNCE_LIMIT = 3;

export type FeedbackOutcome =
  | { kind: 'duplicate' }
  | { kind: 'ignored'; eventType: string }
  | { kind: 'recorded'; eventType: string; suppressed: string[] };

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
 * campaign. Events arrive at least once: what is idempotent (suppress, settle) is done before
 * the event is marked seen, so a failure part-way is retried in full and never loses a
 * suppression; what is not (counters) is done once, after the mark.
 */
export async function recordSesEvent(
  deps: Pick<SendDeps, 'store' | 'clock' | 'metrics'>,
  raw: unknown,
  options: { transientBounceLimit?: number } = {},
): Promise<FeedbackOutcome> {
  const event = parseSesEvent(raw);
  const campaignId = event.mail.tags.campaign?.[0];
  const subscriberId = event.mail.tags.recipient?.[0];
  const at = deps.clock.now().toISOString();
  const suppressed: string[] = [];
  const addresses = (list: readonly { emailAddress: string }[] | undefined) =>
    (list ?? []).map((r) => safeEmail(r.emailAddress)).filter((e): e is string => e !== undefined);
  const suppressAll = async (emails: readonly string[], reason: string) => {
    for (const email of emails) {
      await deps.store.suppress(email, reason, at);
      suppressed.push(email);
    }
  };
  const firstTime = () => deps.store.markEventSeen(`${event.mail.messageId}#${event.eventType}`);

  switch (event.eventType) {
    case 'Send':
      // Conditional (only a claim still `sending`): safe to repeat, and nothing follows it, so no seen-mark (a write per mail).
      if (campaignId && subscriberId) await deps.store.settleIfSending(campaignId, subscriberId, event.mail.messageId, at);
      break;
    case 'Delivery':
      if (!(await firstTime())) return { kind: 'duplicate' };
      if (campaignId) await deps.store.countDelivery(campaignId, 'delivered');
      break;
    case 'Bounce': {
      const permanent = event.bounce?.bounceType === 'Permanent';
      const emails = addresses(event.bounce?.bouncedRecipients);
      if (permanent) await suppressAll(emails, 'hard-bounce');
      if (!(await firstTime())) return { kind: 'duplicate' };
      if (!permanent) {
        const limit = options.transientBounceLimit ?? DEFAULT_TRANSIENT_BOUNCE_LIMIT;
        for (const email of emails) {
          if ((await deps.store.countTransientBounce(email)) >= limit) await suppressAll([email], 'soft-bounces');
        }
      }
      if (campaignId) await deps.store.countDelivery(campaignId, permanent ? 'bounced' : 'transientBounces');
      break;
    }
    case 'Complaint':
      await suppressAll(addresses(event.complaint?.complainedRecipients), 'complaint');
      if (!(await firstTime())) return { kind: 'duplicate' };
      if (campaignId) await deps.store.countDelivery(campaignId, 'complaints');
      break;
    case 'Reject':
      // SES took the request but refused the message (a virus found): it never left.
      if (!(await firstTime())) return { kind: 'duplicate' };
      if (campaignId) await deps.store.countDelivery(campaignId, 'rejected');
      break;
    default:
      return { kind: 'ignored', eventType: event.eventType };
  }
  // Here only on the event's first recording: a redelivered event suppresses again but counts nothing.
  if (suppressed.length > 0) deps.metrics?.count('MailsSuppressed', suppressed.length);
  return { kind: 'recorded', eventType: event.eventType, suppressed };
}

/**
 * The feedback function's one line per event: at debug level for the routine ones (a Send or a
 * Delivery, an event seen twice), which the ledger and the counters already record, so that the
 * two events every mail brings cost no log bytes; at info for what a person may look for
 * (bounces, complaints, suppressions, events not handled).
 */
export function logFeedbackOutcome(
  logger: { info(message: string, extra: Record<string, unknown>): void; debug(message: string, extra: Record<string, unknown>): void },
  detailType: string,
  outcome: FeedbackOutcome,
): void {
  const routine =
    outcome.kind === 'duplicate' ||
    (outcome.kind === 'recorded' && (outcome.eventType === 'Send' || outcome.eventType === 'Delivery') && outcome.suppressed.length === 0);
  if (routine) logger.debug('ses event', { detailType, outcome });
  else logger.info('ses event', { detailType, outcome });
}

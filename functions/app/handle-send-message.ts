import { MAX_RECEIVES, type SendTimeBudget } from '../domain/send-time-budget';
import type { SendMessage } from '../ports';
import type { SendDeps } from './deps';
import { publishOnFirstSend } from './publish-release';
import { fireScheduledCampaign, sweepCampaigns } from './schedule-campaign';
import { sendBatch } from './send-batch';
import { snapshotAudience } from './snapshot-audience';

/** A claim older than this with no trace at SES is sent again (SES Send events arrive within seconds). */
export const STALE_CLAIM_MS = 15 * 60_000;

/** What the queue consumer knows of one delivery. */
export interface DeliveryInfo {
  /** The invocation's time, shared by the messages it handles (AWS: from getRemainingTimeInMillis). */
  readonly budget?: SendTimeBudget;
  /** This delivery's number (SQS ApproximateReceiveCount), from 1. */
  readonly receiveCount?: number;
  /** Deliveries before the dead-letter queue (the redrive policy's maxReceiveCount). */
  readonly maxReceives?: number;
}

/** The one entry the queue consumers (SQS Lambda, in-process queue) call for each message. */
export async function handleSendMessage(deps: SendDeps, message: SendMessage, delivery: DeliveryInfo = {}): Promise<void> {
  switch (message.type) {
    case 'launch':
      return snapshotAudience(deps, message.campaignId, { deadlineMs: delivery.budget?.deadlineMs });
    case 'send':
      try {
        return await sendBatch(deps, message.campaignId, message.subscriberIds, {
          budget: delivery.budget,
          lastReceive: delivery.receiveCount !== undefined && delivery.receiveCount >= (delivery.maxReceives ?? MAX_RECEIVES),
          known: message.recipients && message.snapshotAt ? { recipients: message.recipients, snapshotAt: message.snapshotAt } : undefined,
        });
      } finally {
        // After each batch, so a release is public from about its first mail (a failure here fails the message: it is redelivered and tried again).
        await publishOnFirstSend(deps, message.campaignId);
      }
    case 'fire':
      await fireScheduledCampaign(deps, message.campaignId, { deadlineMs: delivery.budget?.deadlineMs });
      return;
    case 'sweep':
      await sweepCampaigns(deps, {
        staleClaimMs: STALE_CLAIM_MS,
        uncoveredAfterMs: deps.uncoveredAfterMs,
        deadlineMs: delivery.budget?.deadlineMs,
      });
      return;
    case 'import':
      if (!deps.runImport) throw new Error(`import message for job ${message.jobId} reached a worker wired without runImport`);
      await deps.runImport(message.jobId, message.actor);
      return;
  }
}

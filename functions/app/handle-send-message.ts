import type { SendMessage } from '../ports';
import type { SendDeps } from './deps';
import { publishOnFirstSend } from './publish-release';
import { fireScheduledCampaign, sweepCampaigns } from './schedule-campaign';
import { sendBatch } from './send-batch';
import { snapshotAudience } from './snapshot-audience';

/** A claim older than this with no trace at SES is sent again (SES Send events arrive within seconds). */
export const STALE_CLAIM_MS = 15 * 60_000;

/** The one entry the queue consumers (SQS Lambda, in-process queue) call for each message. */
export async function handleSendMessage(deps: SendDeps, message: SendMessage): Promise<void> {
  switch (message.type) {
    case 'launch':
      return snapshotAudience(deps, message.campaignId);
    case 'send':
      try {
        return await sendBatch(deps, message.campaignId, message.subscriberIds);
      } finally {
        // After each batch, so a release is public from about its first mail (a failure here fails the message: it is redelivered and tried again).
        await publishOnFirstSend(deps, message.campaignId);
      }
    case 'fire':
      await fireScheduledCampaign(deps, message.campaignId);
      return;
    case 'sweep':
      await sweepCampaigns(deps, { staleClaimMs: STALE_CLAIM_MS });
      return;
  }
}

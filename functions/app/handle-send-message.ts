import type { SendMessage } from '../ports';
import type { SendDeps } from './deps';
import { sendBatch } from './send-batch';
import { snapshotAudience } from './snapshot-audience';

/** The one entry the queue consumers (SQS Lambda, in-process queue) call for each message. */
export async function handleSendMessage(deps: SendDeps, message: SendMessage): Promise<void> {
  switch (message.type) {
    case 'launch':
      return snapshotAudience(deps, message.campaignId);
    case 'send':
      return sendBatch(deps, message.campaignId, message.subscriberIds);
  }
}

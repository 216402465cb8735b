import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { handleSendMessage } from '../app/handle-send-message';
import { parseSendMessage } from '../app/send-message-codec';
import { MAX_RECEIVES, SendTimeBudget } from '../domain/send-time-budget';
import { buildAwsSendDeps, logger } from '../worker-wiring';

const deps = await buildAwsSendDeps();
const processor = new BatchProcessor(EventType.SQS);
/** The queue's redrive policy (infra/constructs/sending.ts): the last delivery records passing failures. */
const maxReceives = Number(process.env.SEND_MAX_RECEIVES ?? MAX_RECEIVES);

// A failed record goes back to the queue alone (partial batch response); the ledger makes the retry safe.
const recordHandler = (budget: SendTimeBudget) => async (record: SQSRecord) => {
  // Checked by hand (send-message-codec.ts), not with zod: the worker's bundle stays small.
  const message = parseSendMessage(record.body);
  if ('campaignId' in message) logger.appendKeys({ campaignId: message.campaignId });
  await handleSendMessage(deps, message, {
    budget,
    receiveCount: Number(record.attributes.ApproximateReceiveCount) || undefined,
    maxReceives,
  });
};

// One budget for the whole invocation: its records run at once and share the pacer.
export const handler = async (event: SQSEvent, context: Context) => {
  try {
    return await processPartialResponse(
      event,
      recordHandler(new SendTimeBudget(deps.clock.now().getTime() + context.getRemainingTimeInMillis())),
      processor,
      {
        context,
      },
    );
  } finally {
    // The invocation's mail counts, one EMF line, before Lambda freezes the instance.
    deps.metrics.flush();
  }
};

import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { handleSendMessage } from '../app/handle-send-message';
import type { SendMessage } from '../ports';
import { buildAwsSendDeps, logger } from '../worker-wiring';

const deps = await buildAwsSendDeps();
const processor = new BatchProcessor(EventType.SQS);

// A failed record goes back to the queue alone (partial batch response); the ledger makes the retry safe.
const processRecord = async (record: SQSRecord) => {
  const message = JSON.parse(record.body) as SendMessage;
  if ('campaignId' in message) logger.appendKeys({ campaignId: message.campaignId });
  await handleSendMessage(deps, message);
};

export const handler = (event: SQSEvent, context: Context) => processPartialResponse(event, processRecord, processor, { context });

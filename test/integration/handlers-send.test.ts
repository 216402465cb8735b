import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SendMessage } from '../../functions/ports';
import { outboxFor } from '../support/emulator-context';
import { awsHandlerEnv, lambdaContext, launchedCampaign } from '../support/lambda-handler-env';

/**
 * The send Lambda (functions/handlers/send.ts) as the SQS event source invokes it: a batch of
 * records in the shape AWS delivers, with the partial batch response (ReportBatchItemFailures)
 * naming only the record that failed, against DynamoDB Local and the SES emulator.
 */
type SendHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const queueArn = 'arn:aws:sqs:eu-west-3:123456789012:communique-send';
let seq = 0;

function sqsRecord(body: string, receiveCount = 1): SQSRecord {
  const n = ++seq;
  const sent = String(Date.now());
  return {
    messageId: `059f36b4-87a3-44ab-83d2-66${String(n).padStart(10, '0')}`,
    receiptHandle: `AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a${n}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: sent,
      SenderId: 'AROAEXAMPLE:communique-api',
      ApproximateFirstReceiveTimestamp: sent,
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'eu-west-3',
  };
}

let world: Awaited<ReturnType<typeof launchedCampaign>>;
let handler: SendHandler;

beforeAll(async () => {
  // Two recipients per message: four recipients make two send messages.
  world = await launchedCampaign(['ana', 'bruno', 'chloe', 'david'], { perMessage: 2 });
  awsHandlerEnv(world.tableName);
  ({ handler } = (await import('../../functions/handlers/send')) as { handler: SendHandler });
});

const sentTo = async () => (await outboxFor(world.domain)).map((m) => m.destination.to[0]?.split('@')[0]).sort();

describe('send handler with an SQS batch, on DynamoDB Local and the SES emulator', () => {
  it('sends the good records and reports only the broken one in batchItemFailures; a redelivery sends nothing twice', async () => {
    const { store, campaign, sendMessages } = world;
    expect(sendMessages.map((m: SendMessage) => m.type)).toEqual(['send', 'send']);
    const [first, second] = sendMessages.map((m) => sqsRecord(JSON.stringify(m)));
    // A body cut short (what a hand-made redrive or a bug upstream could put on the queue).
    const broken = sqsRecord(JSON.stringify(sendMessages[0]).slice(0, 25));
    if (!first || !second) throw new Error('two send messages expected');

    const response = await handler({ Records: [first, broken, second] }, lambdaContext());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: broken.messageId }] });
    expect(await sentTo()).toEqual(['ana', 'bruno', 'chloe', 'david']);
    const recipients = (await store.listRecipients(campaign.id)).items;
    expect(recipients.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    expect(recipients.every((r) => r.messageId)).toBe(true);

    // SQS delivers at least once: the same records again send no second mail.
    const again = await handler({ Records: [sqsRecord(first.body, 2), sqsRecord(second.body, 2)] }, lambdaContext());
    expect(again).toEqual({ batchItemFailures: [] });
    expect(await sentTo()).toEqual(['ana', 'bruno', 'chloe', 'david']);
    expect((await store.getCampaign(campaign.id))?.status).toBe('finished');
  });
});

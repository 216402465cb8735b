import { ReceiveMessageCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsDeadLetters } from '../../../functions/adapters/sqs/sqs-dead-letters';

// No SQS emulator runs here (no Docker for LocalStack or ElasticMQ): aws-sdk-client-mock stands in
// for the service; the local path runs end to end in test/integration/nothing-stranded.test.ts.
const sqs = mockClient(SQSClient);
const dlq = {
  url: 'https://sqs.eu-west-3.amazonaws.com/123456789012/send-dlq',
  arn: 'arn:aws:sqs:eu-west-3:123456789012:send-dlq',
};
const adapter = new SqsDeadLetters(new SQSClient({ region: 'eu-west-3' }), dlq);

const message = (id: string, body: string) => ({
  MessageId: id,
  Body: body,
  Attributes: { ApproximateReceiveCount: '6', SentTimestamp: String(Date.parse('2026-03-06T09:00:00Z')) },
});

beforeEach(() => sqs.reset());

describe('SqsDeadLetters', () => {
  it('lists without taking the messages (visibility 0), across receives, dropping the duplicates SQS samples twice', async () => {
    // prepare
    const send = JSON.stringify({ type: 'send', campaignId: 'c1', subscriberIds: ['a', 'b'] });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('m1', send), message('m2', '{"type":"fire","campaignId":"c2"}')] })
      .resolvesOnce({ Messages: [message('m2', '{"type":"fire","campaignId":"c2"}'), message('m3', 'not json')] })
      .resolves({ Messages: [message('m1', send)] });

    // act
    const letters = await adapter.list(50);

    // assess
    expect(letters.map((l) => l.id)).toEqual(['m1', 'm2', 'm3']);
    expect(letters[0]).toEqual({
      id: 'm1',
      body: send,
      message: { type: 'send', campaignId: 'c1', subscriberIds: ['a', 'b'] },
      receiveCount: 6,
      sentAt: '2026-03-06T09:00:00.000Z',
    });
    expect(letters[2]?.message).toBeUndefined();
    const calls = sqs.commandCalls(ReceiveMessageCommand);
    expect(calls).toHaveLength(3);
    for (const c of calls) expect(c.args[0].input).toMatchObject({ QueueUrl: dlq.url, VisibilityTimeout: 0, WaitTimeSeconds: 0 });
  });

  it('stops at the limit', async () => {
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [message('m1', '{}'), message('m2', '{}')] });
    expect(await adapter.list(1)).toHaveLength(1);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input.MaxNumberOfMessages).toBe(1);
  });

  it('redrives with a message move task back to each message’s source queue', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    expect(await adapter.redrive()).toEqual({ taskHandle: 'task-1' });
    const input = sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input;
    expect(input).toEqual({ SourceArn: dlq.arn }); // no DestinationArn: back where each came from
  });
});

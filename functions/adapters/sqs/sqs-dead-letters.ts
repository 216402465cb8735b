import { ReceiveMessageCommand, type SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterQueue, SendMessage } from '../../ports';

/** Receives before the listing stops looking for more (each receive returns at most 10). */
const MAX_ROUNDS = 10;

/**
 * The send and control queues' dead-letter queue on SQS. Listing receives with a visibility
 * timeout of 0, so the messages stay where they are (visible, ready for a redrive) and the
 * listing changes nothing but their receive count, which a dead-letter queue does not act on;
 * SQS hands out a sample per receive, so a few rounds are made and duplicates dropped.
 * Redriving starts an SQS message move task without a destination: each message goes back to
 * the queue it was dead-lettered from.
 */
export class SqsDeadLetters implements DeadLetterQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queue: { readonly url: string; readonly arn: string },
  ) {}

  async list(limit: number): Promise<DeadLetter[]> {
    const found = new Map<string, DeadLetter>();
    for (let round = 0; round < MAX_ROUNDS && found.size < limit; round++) {
      const r = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queue.url,
          MaxNumberOfMessages: Math.min(10, limit - found.size),
          VisibilityTimeout: 0,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        }),
      );
      const messages = r.Messages ?? [];
      const fresh = messages.filter((m) => m.MessageId && !found.has(m.MessageId));
      if (fresh.length === 0) break;
      for (const m of fresh) {
        const body = m.Body ?? '';
        const sent = Number(m.Attributes?.SentTimestamp);
        found.set(m.MessageId as string, {
          id: m.MessageId as string,
          body,
          message: parseSendMessage(body),
          receiveCount: Number(m.Attributes?.ApproximateReceiveCount) || undefined,
          sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : undefined,
        });
      }
    }
    return [...found.values()].slice(0, limit);
  }

  async redrive(): Promise<{ taskHandle?: string }> {
    const r = await this.client.send(new StartMessageMoveTaskCommand({ SourceArn: this.queue.arn }));
    return { taskHandle: r.TaskHandle };
  }
}

function parseSendMessage(body: string): SendMessage | undefined {
  try {
    const parsed = JSON.parse(body) as { type?: unknown };
    return typeof parsed?.type === 'string' ? (parsed as SendMessage) : undefined;
  } catch {
    return undefined;
  }
}

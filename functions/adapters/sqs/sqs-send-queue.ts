import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SendMessage, SendQueue } from '../../ports';

export class SqsSendQueue implements SendQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(messages: readonly SendMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      let entries = messages.slice(i, i + 10).map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) }));
      // SendMessageBatch can succeed partially: retry only the failed entries, a few times.
      for (let attempt = 0; entries.length > 0; attempt++) {
        const r = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
        const failed = new Set((r.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((e) => failed.has(e.Id));
        if (entries.length > 0 && attempt >= 4) {
          throw new Error(`SQS refused ${entries.length} message(s): ${(r.Failed ?? []).map((f) => f.Message).join('; ')}`);
        }
      }
    }
  }
}

import type { DeadLetter, DeadLetterQueue, SendMessage, SendQueue } from '../../ports';

export interface InProcessQueueOptions {
  /** `delivery`: which receive this is, and how many there are before the dead letters (like SQS's ApproximateReceiveCount). */
  readonly handler: (message: SendMessage, delivery: { receiveCount: number; maxReceives: number }) => Promise<void>;
  /** Messages handled at once (like Lambda concurrency). */
  readonly concurrency?: number;
  /** After this many failed receives a message goes to the dead letters (like an SQS redrive policy). */
  readonly maxReceives?: number;
  /** Delay before a failed message is visible again (like the visibility timeout). */
  readonly retryDelayMs?: (receiveCount: number) => number;
  readonly onError?: (error: unknown, message: SendMessage, receiveCount: number) => void;
  /** Share of messages delivered twice, as SQS may (at-least-once): for fault-injection tests. */
  readonly duplicateRate?: number;
  readonly random?: () => number;
}

interface Envelope {
  readonly body: string;
  receiveCount: number;
}

/**
 * The local stand-in for SQS with the same semantics the worker relies on: at-least-once
 * delivery, redelivery after a failure, a dead-letter list after `maxReceives`. Bodies are
 * serialised like on SQS so nothing shared by reference leaks between producer and consumer.
 */
export class InProcessQueue implements SendQueue {
  private readonly ready: Envelope[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private active = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  readonly deadLetters: SendMessage[] = [];

  constructor(private readonly options: InProcessQueueOptions) {}

  async enqueue(messages: readonly SendMessage[]): Promise<void> {
    const random = this.options.random ?? Math.random;
    for (const m of messages) {
      this.ready.push({ body: JSON.stringify(m), receiveCount: 0 });
      if (random() < (this.options.duplicateRate ?? 0)) this.ready.push({ body: JSON.stringify(m), receiveCount: 0 });
    }
    this.pump();
  }

  /** Resolves when nothing is queued, in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  get depth(): number {
    return this.ready.length + this.timers.size + this.active;
  }

  private isIdle(): boolean {
    return this.ready.length === 0 && this.active === 0 && this.timers.size === 0;
  }

  private pump(): void {
    const concurrency = this.options.concurrency ?? 4;
    while (!this.stopped && this.active < concurrency && this.ready.length > 0) {
      const envelope = this.ready.shift() as Envelope;
      envelope.receiveCount++;
      this.active++;
      const message = JSON.parse(envelope.body) as SendMessage;
      this.options
        .handler(message, { receiveCount: envelope.receiveCount, maxReceives: this.options.maxReceives ?? 5 })
        .catch((e: unknown) => this.fail(envelope, message, e))
        .finally(() => {
          this.active--;
          this.pump();
          if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
        });
    }
  }

  private fail(envelope: Envelope, message: SendMessage, error: unknown): void {
    this.options.onError?.(error, message, envelope.receiveCount);
    if (envelope.receiveCount >= (this.options.maxReceives ?? 5)) {
      this.deadLetters.push(message);
      return;
    }
    const delay = this.options.retryDelayMs?.(envelope.receiveCount) ?? Math.min(30_000, 200 * 2 ** envelope.receiveCount);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.ready.push(envelope);
      this.pump();
    }, delay);
    this.timers.add(timer);
  }
}

/**
 * The in-process queue's dead letters seen as SQS's dead-letter queue (`communique dlq`): listed
 * in the order they died, and redriven by putting them back on the queue with a fresh receive
 * count (what SQS's StartMessageMoveTask does). They live in memory: a restart loses the list,
 * not the recipients (the ledger keeps them pending, and the sweep queues them again).
 */
export class InProcessDeadLetters implements DeadLetterQueue {
  constructor(private readonly queue: InProcessQueue) {}

  async list(limit: number): Promise<DeadLetter[]> {
    return this.queue.deadLetters.slice(0, limit).map((message, i) => ({ id: String(i + 1), body: JSON.stringify(message), message }));
  }

  async redrive(): Promise<{ moved: number }> {
    const messages = this.queue.deadLetters.splice(0);
    if (messages.length > 0) await this.queue.enqueue(messages);
    return { moved: messages.length };
  }
}

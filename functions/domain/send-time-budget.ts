/**
 * How much sending fits in one invocation of the send worker, and how the queue feeding it is
 * sized from the same numbers. Pure: the infra (CDK) imports `sendQueueSizing` to set the event
 * source's batch size and the queue's visibility timeout; the worker uses `SendTimeBudget`.
 */

/**
 * Kept free at the end of an invocation for what follows the last send: the last group of
 * outcomes written, the counters reported, the unclaimed recipients handed back to the queue,
 * the finish check and the publication (a handful of DynamoDB and SQS calls).
 */
export const SETTLE_MARGIN_MS = 3_000;
/**
 * The longest one SES call may take: the sending client's connection timeout (3 s) plus its
 * request timeout (15 s), see functions/adapters/ses/ses-mailer.ts. A send is only started if it
 * can end, even this late, before the margin.
 */
export const SEND_ALLOWANCE_MS = 18_000;
/** Recipients per send message (snapshot and hand-back). */
export const RECIPIENTS_PER_MESSAGE = 50;
/** SQS allows at most 10 messages per Lambda batch for a standard queue without a batching window. */
export const MAX_SQS_BATCH = 10;
/** Receives before SQS moves a message to the dead-letter queue (the redrive policy). */
export const MAX_RECEIVES = 5;

export interface SendTimeLimits {
  /** Kept free after the last send ends. */
  readonly settleMarginMs: number;
  /** The longest one send may take. */
  readonly sendAllowanceMs: number;
}

export const defaultSendTimeLimits: SendTimeLimits = { settleMarginMs: SETTLE_MARGIN_MS, sendAllowanceMs: SEND_ALLOWANCE_MS };

/**
 * The time one invocation has, as instants of the worker's clock (epoch ms), and how many
 * recipients it may still take at a given rate. One budget is shared by every message of an
 * invocation (they run at once and share the pacer), so the recipients one message reserves are
 * not promised again to another.
 */
export class SendTimeBudget {
  /** Recipients reserved (claimed or about to be) and not yet released: each still needs a pacer slot. */
  private outstanding = 0;

  constructor(
    /** When the invocation ends (the clock's now + getRemainingTimeInMillis). */
    readonly deadlineMs: number,
    readonly limits: SendTimeLimits = defaultSendTimeLimits,
  ) {}

  /** The last instant a send may start: it may take `sendAllowanceMs` and the margin must stay free. */
  get lastSendStartMs(): number {
    return this.deadlineMs - this.limits.settleMarginMs - this.limits.sendAllowanceMs;
  }

  /** Whether a send starting at `nowMs` ends in time. */
  maySendAt(nowMs: number): boolean {
    return nowMs <= this.lastSendStartMs;
  }

  /**
   * Reserves up to `wanted` recipients that can still be sent from `nowMs` at `ratePerSecond`
   * (the pacer's, shared by the invocation), after those already reserved; returns how many.
   * Without a rate (an unpaced worker) only the clock limits: all of them while a send may start.
   */
  reserve(nowMs: number, wanted: number, ratePerSecond: number | undefined): number {
    if (!this.maySendAt(nowMs) || wanted <= 0) return 0;
    if (ratePerSecond === undefined) {
      this.outstanding += wanted;
      return wanted;
    }
    // Slots at the pacer from now to the last start, the first one now: 1 + floor(span × rate).
    const slots = 1 + Math.floor(((this.lastSendStartMs - nowMs) * ratePerSecond) / 1000);
    const granted = Math.max(0, Math.min(wanted, slots - this.outstanding));
    this.outstanding += granted;
    return granted;
  }

  /** A reserved recipient went through the pacer (sent or not) or was given up. */
  release(n = 1): void {
    this.outstanding = Math.max(0, this.outstanding - n);
  }
}

export interface SendQueueSizingInput {
  /** The account's MaxSendRate (mails per second). */
  readonly maxSendRate: number;
  /** Concurrent send workers: each paces itself at maxSendRate / workers. */
  readonly workers: number;
  /** The send function's timeout, in seconds. */
  readonly functionTimeoutSeconds: number;
  readonly recipientsPerMessage?: number;
  readonly limits?: SendTimeLimits;
  /** The event source's maximum batching window, in seconds (0 by default). */
  readonly batchingWindowSeconds?: number;
}

export interface SendQueueSizing {
  /** Messages per invocation: what one worker can send in the usable part of its timeout, 1 to 10. */
  readonly batchSize: number;
  /** Seconds of sending an invocation can do: timeout − margin − one send's allowance. */
  readonly usableSeconds: number;
  /** Recipients one worker sends in `usableSeconds`. */
  readonly recipientsPerInvocation: number;
  /**
   * The queue's visibility timeout, in seconds: AWS's rule for Lambda consumers, six times the
   * function timeout plus the batching window (a throttled invocation is retried within it).
   * Every invocation ends before its timeout (the budget), so a message reappears only after a
   * worker died.
   */
  readonly visibilityTimeoutSeconds: number;
  /**
   * After this long without any change in its ledger, a running campaign's pending recipients
   * are covered by no message any more (each message was received `MAX_RECEIVES` times, each
   * receive hidden for the visibility timeout, then dead-lettered): the sweep queues them again.
   */
  readonly uncoveredAfterSeconds: number;
}

/** The sizing formula the infra applies (infra/constructs/sending.ts) and the sweep relies on. */
export function sendQueueSizing(input: SendQueueSizingInput): SendQueueSizing {
  const limits = input.limits ?? defaultSendTimeLimits;
  const perMessage = input.recipientsPerMessage ?? RECIPIENTS_PER_MESSAGE;
  if (!(input.maxSendRate > 0) || !(input.workers >= 1) || !(input.functionTimeoutSeconds > 0)) {
    throw new RangeError(`send queue sizing needs a positive rate, workers and timeout, got ${JSON.stringify(input)}`);
  }
  const usableSeconds = Math.max(0, input.functionTimeoutSeconds - (limits.settleMarginMs + limits.sendAllowanceMs) / 1000);
  if (usableSeconds <= 0) {
    throw new RangeError(
      `a send function timeout of ${input.functionTimeoutSeconds} s leaves no time to send (margin and one send take ${(limits.settleMarginMs + limits.sendAllowanceMs) / 1000} s)`,
    );
  }
  const workerRate = input.maxSendRate / input.workers;
  const recipientsPerInvocation = Math.floor(usableSeconds * workerRate);
  const batchSize = Math.max(1, Math.min(MAX_SQS_BATCH, Math.floor(recipientsPerInvocation / perMessage)));
  const visibilityTimeoutSeconds = 6 * input.functionTimeoutSeconds + (input.batchingWindowSeconds ?? 0);
  return {
    batchSize,
    usableSeconds,
    recipientsPerInvocation,
    visibilityTimeoutSeconds,
    uncoveredAfterSeconds: visibilityTimeoutSeconds * MAX_RECEIVES,
  };
}

/** Default for the sweep when no sizing is configured: a 60 s function, 6 × 60 s visibility, 5 receives. */
export const DEFAULT_UNCOVERED_AFTER_MS =
  sendQueueSizing({ maxSendRate: 14, workers: 2, functionTimeoutSeconds: 60 }).uncoveredAfterSeconds * 1000;

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handleSendMessage } from '../../../functions/app/handle-send-message';
import { launchCampaign } from '../../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import { SendPacer } from '../../../functions/domain/send-pacer';
import { SendTimeBudget, sendQueueSizing } from '../../../functions/domain/send-time-budget';
import type { Mailer, OutgoingMail, SendMessage } from '../../../functions/ports';
import { fakeDeps, testBrand } from '../../support/fakes';

const FUNCTION_TIMEOUT_MS = 60_000;

/**
 * SES on simulated time: each call takes `latencyMs` of the fake clock, and one call in 25 takes
 * 15 s (a slow answer, still within the client's timeouts). Records when each call ended.
 */
class SlowMailer implements Mailer {
  readonly sent: { to: string; endedAt: number }[] = [];
  private calls = 0;
  constructor(private readonly latencyMs: number) {}
  async send(mail: OutgoingMail) {
    const slow = ++this.calls % 25 === 0;
    await new Promise((r) => setTimeout(r, slow ? 15_000 : this.latencyMs));
    this.sent.push({ to: mail.to, endedAt: Date.now() });
    return { messageId: `msg-${this.calls}` };
  }
  async ping() {
    return true;
  }
}

/** Runs a promise to its end on fake timers, firing timers as they come due. */
async function runToEnd<T>(work: Promise<T>): Promise<T> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  while (!done) {
    await vi.runOnlyPendingTimersAsync();
    await new Promise<void>((r) => setImmediate(r));
  }
  return settled;
}

async function campaignOf(rate: number, audience: number, messagesPerInvocation: number | 'sized') {
  const mailer = new SlowMailer(40);
  const pacer = new SendPacer(
    rate,
    () => Date.now(),
    (ms) => new Promise((r) => setTimeout(r, ms)),
  );
  const ctx = fakeDeps({ mailer, pacer, clock: { now: () => new Date() }, batchSize: 50 });
  const { deps, store, queue } = ctx;
  await store.putBrand(testBrand);
  const release = await createRelease(deps, { brandId: 'cd41', title: 'Festival du travail social', body: 'Texte.' });
  const list = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
  for (let n = 0; n < audience; n++) await addSubscriberToList(deps, list.id, { email: `p${n}@example.org` });
  const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [list.id] });
  // The launch message: the snapshot writes the ledger and queues the send messages.
  const launch = queue.messages.splice(0).filter((m) => m.type === 'launch');
  for (const m of launch) await runToEnd(handleSendMessage(deps, m));
  const batchSize =
    messagesPerInvocation === 'sized'
      ? sendQueueSizing({ maxSendRate: rate, workers: 1, functionTimeoutSeconds: FUNCTION_TIMEOUT_MS / 1000 }).batchSize
      : messagesPerInvocation;
  return { ...ctx, mailer, campaign, batchSize };
}

describe('each invocation sizes its work from the rate and the time it has left', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: new Date('2026-03-06T09:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const cases = [
    { rate: 1, audience: 120 },
    { rate: 14, audience: 1_200 },
    { rate: 100, audience: 1_500 },
    { rate: 1_000, audience: 1_500 },
  ];
  for (const { rate, audience } of cases) {
    for (const perInvocation of ['sized', 10] as const) {
      it(`at ${rate} mails/s (${perInvocation === 'sized' ? 'batch size from the formula' : '10 messages per invocation'}): no invocation overruns, everyone sent once`, async () => {
        // prepare
        const { deps, store, queue, mailer, campaign, batchSize } = await campaignOf(rate, audience, perInvocation);
        const overruns: string[] = [];
        let invocations = 0;
        let handedBack = 0;

        // act: SQS hands the worker up to `batchSize` messages; they run at once, sharing the budget.
        while (queue.messages.length > 0) {
          invocations++;
          expect(invocations).toBeLessThan(1_000);
          const batch = queue.messages.splice(0, batchSize) as SendMessage[];
          const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
          const budget = new SendTimeBudget(deadline);
          const before = mailer.sent.length;
          const results = await runToEnd(Promise.allSettled(batch.map((m) => handleSendMessage(deps, m, { budget, receiveCount: 1 }))));
          const endedAt = Date.now();
          if (endedAt > deadline) overruns.push(`invocation ${invocations} ended ${endedAt - deadline} ms late`);
          for (const s of mailer.sent.slice(before))
            if (s.endedAt > deadline) overruns.push(`invocation ${invocations}: a send ended ${s.endedAt - deadline} ms late`);
          expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
          handedBack += queue.messages.length;
          await vi.advanceTimersByTimeAsync(100); // SQS polls again
        }

        // assess
        expect(overruns).toEqual([]);
        const addresses = mailer.sent.map((s) => s.to);
        expect(addresses).toHaveLength(audience);
        expect(new Set(addresses).size).toBe(audience);
        const done = await store.getCampaign(campaign.id);
        expect(done?.status).toBe('finished');
        expect(done?.counts).toEqual({ pending: 0, sending: 0, sent: audience, failed: 0, skipped: 0 });
        // At a low rate a minute is not enough for the queued batches: the rest was handed back.
        if (rate === 1) expect(handedBack).toBeGreaterThan(0);
      }, 120_000);
    }
  }
});

describe('sendQueueSizing', () => {
  it('sizes the batch so one worker can send it within the usable part of its timeout', () => {
    expect(sendQueueSizing({ maxSendRate: 1, workers: 2, functionTimeoutSeconds: 60 }).batchSize).toBe(1);
    expect(sendQueueSizing({ maxSendRate: 14, workers: 2, functionTimeoutSeconds: 60 })).toMatchObject({
      usableSeconds: 39,
      recipientsPerInvocation: 273,
      batchSize: 5,
      visibilityTimeoutSeconds: 360,
      uncoveredAfterSeconds: 1_800,
    });
    expect(sendQueueSizing({ maxSendRate: 1_000, workers: 2, functionTimeoutSeconds: 60 }).batchSize).toBe(10);
    expect(() => sendQueueSizing({ maxSendRate: 14, workers: 2, functionTimeoutSeconds: 20 })).toThrow(/no time to send/);
  });

  it('reserves no more recipients than the rate lets the invocation send before its last start', () => {
    const budget = new SendTimeBudget(100_000); // last start at 100 000 − 3 000 − 18 000 = 79 000
    expect(budget.reserve(70_000, 50, 2)).toBe(19); // slots at 70.0, 70.5 … 79.0 s
    expect(budget.reserve(70_000, 50, 2)).toBe(0); // promised already
    budget.release(5);
    expect(budget.reserve(70_000, 50, 2)).toBe(5);
    expect(budget.reserve(79_001, 1, 1_000)).toBe(0);
  });
});

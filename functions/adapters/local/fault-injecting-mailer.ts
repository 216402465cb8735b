import type { Mailer, OutgoingMail } from '../../ports';

export interface FaultRates {
  /** Share of calls refused as SES throttling (429 TooManyRequestsException). */
  readonly throttle?: number;
  /** Share of calls failing with a 5xx before SES accepts anything. */
  readonly serverError?: number;
  /** Extra latency per call, in ms. */
  readonly delayMs?: number;
  /** Every call refused as SES refuses a whole account (read at each call, so a test can lift it). */
  readonly accountRefusal?: AccountRefusal;
}

/** SES refusals that concern the account or its setup, not the recipient: as the SDK reports them. */
export const accountRefusals = {
  'identity-not-verified': () =>
    sdkError(
      'MessageRejected',
      'Email address is not verified. The following identities failed the check in region EU-WEST-3: presse@example.org',
      400,
    ),
  'configuration-set-missing': () => sdkError('NotFoundException', 'Configuration set <communique> does not exist.', 404),
  'sending-paused': () => sdkError('SendingPausedException', 'Sending is paused for this account.', 400),
} as const;
export type AccountRefusal = keyof typeof accountRefusals;

/** Error shaped like the AWS SDK's, so the worker classifies it as it would the real one. */
function sdkError(name: string, message: string, httpStatusCode: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode }, $fault: httpStatusCode >= 500 ? 'server' : 'client' });
}

/**
 * Wraps a Mailer to imitate SES on a bad day, at given rates: throttling, 5xx, latency.
 * Deterministic with a seeded random source so a failing test can be replayed.
 */
export class FaultInjectingMailer implements Mailer {
  readonly injected = { throttle: 0, serverError: 0 };

  constructor(
    private readonly inner: Mailer,
    private readonly rates: FaultRates,
    private readonly random: () => number = Math.random,
  ) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    if (this.rates.delayMs) await new Promise((r) => setTimeout(r, this.rates.delayMs));
    if (this.rates.accountRefusal) throw accountRefusals[this.rates.accountRefusal]();
    if (this.random() < (this.rates.throttle ?? 0)) {
      this.injected.throttle++;
      throw sdkError('TooManyRequestsException', 'Maximum sending rate exceeded.', 429);
    }
    if (this.random() < (this.rates.serverError ?? 0)) {
      this.injected.serverError++;
      throw sdkError('InternalFailure', 'We encountered an internal error. Please try again.', 500);
    }
    return this.inner.send(mail);
  }

  ping(): Promise<boolean> {
    return this.inner.ping();
  }
}

/** Small seeded PRNG (mulberry32) for reproducible fault patterns. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The hard case of a crash, on demand: kills this process with SIGKILL (what `kill -9` does)
 * right after SES accepted the `n`-th mail, before the worker can record it in the ledger. That
 * recipient is left `sending` with its mail in the outbox, every time, not by luck of timing.
 */
export class KillAfterAcceptedMailer implements Mailer {
  private accepted = 0;

  constructor(
    private readonly inner: Mailer,
    private readonly n: number,
    private readonly kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
  ) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const result = await this.inner.send(mail);
    if (++this.accepted === this.n) this.kill();
    return result;
  }

  maxSendRate(): Promise<number | undefined> {
    return this.inner.maxSendRate?.() ?? Promise.resolve(undefined);
  }

  ping(): Promise<boolean> {
    return this.inner.ping();
  }
}

/** Test switch read by the local runtime only: `COMMUNIQUE_KILL_AFTER_ACCEPTED=30` makes `npm start` die as above after the 30th mail. */
export const KILL_AFTER_ACCEPTED_ENV = 'COMMUNIQUE_KILL_AFTER_ACCEPTED';

export function crashSwitchFromEnv(env: NodeJS.ProcessEnv): ((m: Mailer) => Mailer) | undefined {
  const raw = env[KILL_AFTER_ACCEPTED_ENV];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${KILL_AFTER_ACCEPTED_ENV} must be a positive integer, got "${raw}"`);
  return (m) => new KillAfterAcceptedMailer(m, n);
}

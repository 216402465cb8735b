/** Margin kept at the edge of the one-second window; see the class comment. */
export const DEFAULT_GUARD_MS = 5;

/**
 * Paces sends to a rate: evenly spaced (a drift-free schedule, so timer lateness does not add
 * up) and never more than `floor(rate)` sends in any one-second window (checked against the
 * actual times of the last sends). One pacer is shared by every worker of a process; in AWS
 * each Lambda instance gets `rate / concurrency`, so the sum over workers stays under MaxSendRate.
 *
 * The window rule keeps a guard of `guardMs` (5 ms by default): send `cap + 1` is let go no
 * sooner than 1,000 ms + guard after send 1. Without it, send `cap + 1` would leave exactly
 * 1,000 ms after send 1 by the pacer's clock, and anyone timestamping the calls a little later
 * (the SDK on its way out, SES at its end of the wire) and a little unevenly would count
 * `cap + 1` calls in one second. The guard costs `guardMs / 1000` of the average rate when the
 * window rule binds (0.5%), nothing otherwise.
 */
export class SendPacer {
  private intervalMs = 0;
  private cap = 1;
  private scheduled = Number.NEGATIVE_INFINITY;
  private readonly recent: number[] = [];
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    ratePerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly guardMs = DEFAULT_GUARD_MS,
  ) {
    if (!(guardMs >= 0) || guardMs > 100) throw new RangeError(`guard must be between 0 and 100 ms, got ${guardMs}`);
    this.setRate(ratePerSecond);
  }

  get rate(): number {
    return 1000 / this.intervalMs;
  }

  setRate(ratePerSecond: number): void {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond))
      throw new RangeError(`send rate must be a positive number, got ${ratePerSecond}`);
    this.intervalMs = 1000 / ratePerSecond;
    this.cap = Math.max(1, Math.floor(ratePerSecond));
  }

  /** Resolves when the caller may send one mail. Callers are served in arrival order. */
  acquire(): Promise<void> {
    const turn = this.chain.then(async () => void (await this.take(Number.POSITIVE_INFINITY)));
    this.chain = turn;
    return turn;
  }

  /**
   * `acquire`, unless the caller's turn would come more than `withinMs` from now: then it
   * resolves false at once, without waiting and without using a slot (a worker near the end of
   * its time hands the recipient back instead of waiting past its deadline).
   */
  acquireWithin(withinMs: number): Promise<boolean> {
    const latest = this.now() + withinMs;
    const turn = this.chain.then(() => this.take(latest));
    this.chain = turn;
    return turn;
  }

  private async take(latest: number): Promise<boolean> {
    const start = this.now();
    // A slot missed by less than one interval is caught up (so late timers do not slow the
    // average); after a longer gap, such as an idle spell, the schedule starts afresh.
    const next = this.scheduled + this.intervalMs;
    const ideal = next < start - this.intervalMs ? start : next;
    const oldest = this.recent.length >= this.cap ? (this.recent[this.recent.length - this.cap] as number) : Number.NEGATIVE_INFINITY;
    const at = Math.max(ideal, oldest + 1000 + this.guardMs);
    if (at > latest) return false;
    for (let t = this.now(); t < at; t = this.now()) await this.sleep(at - t);
    this.scheduled = ideal;
    this.recent.push(this.now());
    if (this.recent.length > this.cap * 2) this.recent.splice(0, this.recent.length - this.cap);
    return true;
  }
}

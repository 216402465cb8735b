import { describe, expect, it } from 'vitest';
import { SendPacer } from '../../../functions/domain/send-pacer';

/** A virtual clock whose sleeps overshoot a little, like real timers under load. */
function virtualTime(lateMs: (i: number) => number) {
  let t = 0;
  let i = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms + lateMs(i++)) };
}

function worstWindow(times: number[]): number {
  let worst = 0;
  for (let a = 0, b = 0; b < times.length; b++) {
    while ((times[b] as number) - (times[a] as number) >= 1000) a++;
    worst = Math.max(worst, b - a + 1);
  }
  return worst;
}

describe('SendPacer', () => {
  it.each([14, 100])('keeps every one-second window at or under %i/s and the average close to it, despite late timers', async (rate) => {
    const clock = virtualTime((i) => (i % 3 === 0 ? 2 : 0.3));
    const pacer = new SendPacer(rate, clock.now, clock.sleep);
    const times: number[] = [];
    const n = rate * 20;

    await Promise.all(Array.from({ length: n }, () => pacer.acquire().then(() => times.push(clock.now()))));

    expect(worstWindow(times)).toBeLessThanOrEqual(rate);
    const achieved = ((n - 1) * 1000) / ((times.at(-1) as number) - (times[0] as number));
    expect(achieved).toBeGreaterThan(rate * 0.95);
    expect(achieved).toBeLessThanOrEqual(rate * 1.01);
  });

  it.each([14, 100])(
    'keeps a guard at the window edge: an observer timestamping calls up to 4 ms late, unevenly, never sees more than %i in one second',
    async (rate) => {
      const lag = (i: number) => ((i * 7) % 9) * 0.5; // 0 to 4 ms, in no order
      const observe = async (pacer: SendPacer, clock: { now: () => number }, n: number) => {
        const seen: number[] = [];
        for (let i = 0; i < n; i++) {
          await pacer.acquire();
          seen.push(clock.now() + lag(i));
        }
        return seen.sort((a, b) => a - b);
      };
      const n = rate * 20;

      const guarded = virtualTime(() => 0);
      const seen = await observe(new SendPacer(rate, guarded.now, guarded.sleep), guarded, n);
      const bare = virtualTime(() => 0);
      const seenWithoutGuard = await observe(new SendPacer(rate, bare.now, bare.sleep, 0), bare, n);

      expect(worstWindow(seen)).toBeLessThanOrEqual(rate);
      expect(worstWindow(seenWithoutGuard)).toBe(rate + 1); // what the guard is for
      const achieved = ((n - 1) * 1000) / ((seen.at(-1) as number) - (seen[0] as number));
      expect(achieved).toBeGreaterThanOrEqual(rate * 0.99); // the guard costs under 1% of the rate
    },
  );

  it('does not burst after an idle spell', async () => {
    const clock = virtualTime(() => 0);
    const pacer = new SendPacer(10, clock.now, clock.sleep);
    await pacer.acquire();
    await clock.sleep(5_000);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await pacer.acquire();
      times.push(clock.now());
    }
    for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(99.9);
  });

  it('refuses a rate that is not a positive number, and a guard that is not a few milliseconds', () => {
    expect(() => new SendPacer(0)).toThrow(RangeError);
    expect(() => new SendPacer(Number.NaN)).toThrow(RangeError);
    expect(() => new SendPacer(14, undefined, undefined, -1)).toThrow(RangeError);
    expect(() => new SendPacer(14, undefined, undefined, 500)).toThrow(RangeError);
  });
});

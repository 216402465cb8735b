import { Temporal } from 'temporal-polyfill';

/**
 * What a local wall time means in a zone, for a person choosing it in a form: one instant, two
 * (the hour repeated when clocks go back), or none (the hour skipped when clocks go forward).
 * The use-cases still decide (resolveLocalTime refuses what is unclear); this only lets a page
 * ask the question in words before it gets there.
 */
export type LocalTimeReading =
  | { readonly kind: 'single'; readonly local: string; readonly instant: Date }
  | {
      readonly kind: 'repeated';
      readonly local: string;
      /** The first occurrence (still summer time in Europe/Paris) and the second (winter time). */
      readonly earlier: { readonly instant: Date; readonly offset: string };
      readonly later: { readonly instant: Date; readonly offset: string };
    }
  | {
      readonly kind: 'skipped';
      readonly local: string /** The first local time after the gap, `YYYY-MM-DDTHH:mm`. */;
      readonly nextValid: string;
    }
  | { readonly kind: 'invalid'; readonly local: string };

const pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

export function readLocalTime(local: string, timeZone: string): LocalTimeReading {
  if (!pattern.test(local)) return { kind: 'invalid', local };
  let plain: Temporal.PlainDateTime;
  try {
    plain = Temporal.PlainDateTime.from(local, { overflow: 'reject' });
  } catch {
    return { kind: 'invalid', local };
  }
  const earlier = plain.toZonedDateTime(timeZone, { disambiguation: 'earlier' });
  const later = plain.toZonedDateTime(timeZone, { disambiguation: 'later' });
  if (earlier.epochMilliseconds === later.epochMilliseconds) return { kind: 'single', local, instant: new Date(earlier.epochMilliseconds) };
  const exists = (p: Temporal.PlainDateTime) =>
    Temporal.PlainDateTime.compare(p.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).toPlainDateTime(), p) === 0;
  if (exists(plain)) {
    return {
      kind: 'repeated',
      local,
      earlier: { instant: new Date(earlier.epochMilliseconds), offset: earlier.offset },
      later: { instant: new Date(later.epochMilliseconds), offset: later.offset },
    };
  }
  // The next whole hour that exists is where the clocks landed (gaps are whole hours or halves).
  let next = plain.round({ smallestUnit: 'hour', roundingMode: 'ceil' });
  for (let i = 0; i < 4 && !exists(next); i++) next = next.add({ minutes: 30 });
  return { kind: 'skipped', local, nextValid: next.toString({ smallestUnit: 'minute' }) };
}

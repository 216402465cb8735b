import { Temporal } from 'temporal-polyfill';
import { ValidationError } from './errors';

export type Ambiguity = 'earlier' | 'later';

const localPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

const frenchWallTime = (p: Temporal.PlainDateTime) =>
  `le ${p.toLocaleString('fr-FR', { day: 'numeric', month: 'long', year: 'numeric' })} à ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;

/**
 * A local wall-clock time in a time zone as an instant. Times that do not exist (the hour
 * skipped in March) or exist twice (the hour repeated in October) are refused with a message
 * saying which ones are meant, unless `ambiguity` chooses among the two.
 */
export function resolveLocalTime(local: string, timeZone: string, ambiguity?: Ambiguity, field = 'sendAt'): Date {
  if (!localPattern.test(local)) throw new ValidationError(`Date et heure locales attendues (AAAA-MM-JJTHH:mm), reçu « ${local} »`, field);
  let plain: Temporal.PlainDateTime;
  try {
    plain = Temporal.PlainDateTime.from(local, { overflow: 'reject' });
  } catch {
    throw new ValidationError(`Date impossible : « ${local} »`, field);
  }
  try {
    Temporal.Now.instant().toZonedDateTimeISO(timeZone);
  } catch {
    throw new ValidationError(`Fuseau horaire inconnu : « ${timeZone} »`, 'timeZone');
  }
  const earlier = plain.toZonedDateTime(timeZone, { disambiguation: 'earlier' });
  const later = plain.toZonedDateTime(timeZone, { disambiguation: 'later' });
  if (earlier.epochMilliseconds === later.epochMilliseconds) return new Date(earlier.epochMilliseconds);

  const compatible = plain.toZonedDateTime(timeZone, { disambiguation: 'compatible' });
  if (!Temporal.PlainDateTime.compare(compatible.toPlainDateTime(), plain)) {
    // The wall time exists twice (clocks go back).
    if (ambiguity) return new Date((ambiguity === 'earlier' ? earlier : later).epochMilliseconds);
    throw new ValidationError(
      `${frenchWallTime(plain)} existe deux fois à ${timeZone} (retour à l’heure d’hiver) : précisez ambiguity « earlier » (${earlier.offset}, la première) ou « later » (${later.offset}, la seconde).`,
      field,
    );
  }
  // The wall time does not exist (clocks go forward).
  const before = earlier.toPlainDateTime();
  const after = later.toPlainDateTime();
  throw new ValidationError(
    `${frenchWallTime(plain)} n’existe pas à ${timeZone} (passage à l’heure d’été) : choisissez une heure avant ${String(after.hour - 1).padStart(2, '0')}:00 ou à partir de ${String(after.hour).padStart(2, '0')}:00 (par exemple ${before.toString().slice(11, 16)} UTC${earlier.offset} ou ${after.toString().slice(11, 16)}).`,
    field,
  );
}

/** The local wall time of an instant in a zone, `YYYY-MM-DDTHH:mm`. */
export function toLocalTime(instant: Date, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime())
    .toZonedDateTimeISO(timeZone)
    .toPlainDateTime()
    .toString({ smallestUnit: 'minute' });
}

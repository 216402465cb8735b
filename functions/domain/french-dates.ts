/**
 * French dates and times, and wall-clock <-> instant conversion for a named time zone
 * (Europe/Paris by default) using Intl only, so daylight saving is the platform's tz database.
 */
export const DEFAULT_TIME_ZONE = 'Europe/Paris';

const isoDateRe = /^(\d{4})-(\d{2})-(\d{2})/;
const localDateTimeRe = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

function parseIsoDate(iso: string): { y: number; m: number; d: number } {
  const m = isoDateRe.exec(iso);
  if (!m) throw new RangeError(`date invalide : ${iso}`);
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
}

// A calendar date has no zone: format it at noon UTC in UTC so no offset can move its day.
const calendarDate = (iso: string) => {
  const { y, m, d } = parseIsoDate(iso);
  return new Date(Date.UTC(y, m - 1, d, 12));
};

const dayMonthYear = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const weekdayDayMonthYear = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "6 mars 2023" (1er for the first of the month, as French writes it). */
export function formatFrenchDate(isoDate: string): string {
  return firstOfMonth(dayMonthYear.format(calendarDate(isoDate)));
}

/** "mardi 2 avril 2024". */
export function formatFrenchLongDate(isoDate: string): string {
  return firstOfMonth(weekdayDayMonthYear.format(calendarDate(isoDate)));
}

/** "Blois, le 6 mars 2023". */
export function formatDateline(city: string, isoDate: string): string {
  return `${city}, le ${formatFrenchDate(isoDate)}`;
}

const firstOfMonth = (s: string) => s.replace(/(^|\s)1(\s)/u, '$11er$2');

/** "13 h 00" from "13:00" or a local date-time "2024-04-02T13:00" (no-break spaces). */
export function formatFrenchTime(localTime: string): string {
  const m = /(\d{2}):(\d{2})(?::\d{2})?$/.exec(localTime);
  if (!m) throw new RangeError(`heure invalide : ${localTime}`);
  return `${Number(m[1])}\u00A0h\u00A0${m[2]}`;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsIn(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at `instant`, in minutes (Paris: +60 in winter, +120 in summer). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const p = Object.fromEntries(
    partsIn(timeZone)
      .formatToParts(instant)
      .map((x) => [x.type, x.value]),
  );
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant of a wall-clock time in a zone: "2024-04-02T09:00" in Europe/Paris is 07:00Z
 * (summer time), "2024-03-06T09:00" is 08:00Z. A time skipped by the spring-forward gap is
 * taken after the gap; an ambiguous autumn time is taken at its first occurrence.
 */
export function zonedTimeToInstant(localDateTime: string, timeZone = DEFAULT_TIME_ZONE): Date {
  const m = localDateTimeRe.exec(localDateTime);
  if (!m) throw new RangeError(`date et heure locales invalides : ${localDateTime}`);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  // Try the offsets in force a day before and a day after; the first that round-trips wins.
  const candidates = [zoneOffsetMinutes(new Date(wall - 86_400_000), timeZone), zoneOffsetMinutes(new Date(wall + 86_400_000), timeZone)];
  for (const offset of candidates) {
    const instant = new Date(wall - offset * 60_000);
    if (zoneOffsetMinutes(instant, timeZone) === offset) return instant;
  }
  return new Date(wall - Math.min(...candidates) * 60_000);
}

const instantFormatters = new Map<string, Intl.DateTimeFormat>();
/** "mardi 2 avril 2024 à 9 h 00" for an instant, in the given zone. */
export function formatFrenchInstant(instant: Date, timeZone = DEFAULT_TIME_ZONE): string {
  let f = instantFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('fr-FR', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    instantFormatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(instant).map((x) => [x.type, x.value]));
  const date = `${p.year}-${p.month}-${p.day}`;
  return `${formatFrenchLongDate(date)} à ${formatFrenchTime(`${p.hour}:${p.minute}`)}`;
}

/** The year of an instant in Paris (for a © line). */
export function yearIn(instant: Date, timeZone = DEFAULT_TIME_ZONE): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }).format(instant));
}

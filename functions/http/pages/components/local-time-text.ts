import { DEFAULT_TIME_ZONE, formatFrenchInstant, formatFrenchLongDate, formatFrenchTime } from '../../../domain/french-dates';

/** How the zone is named next to a time: "heure de Paris", or the zone's own name elsewhere. */
export const zoneName = (timeZone: string = DEFAULT_TIME_ZONE) => (timeZone === 'Europe/Paris' ? 'heure de Paris' : `fuseau ${timeZone}`);

/** "le mardi 2 avril 2024 à 9 h 00 (heure de Paris)" for an instant. */
export function instantText(iso: string | Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  return `le ${formatFrenchInstant(typeof iso === 'string' ? new Date(iso) : iso, timeZone)} (${zoneName(timeZone)})`;
}

/** The same for a local wall time `YYYY-MM-DDTHH:mm` already in the zone (e.g. a plan step). */
export function localText(local: string, timeZone: string = DEFAULT_TIME_ZONE, season?: 'été' | 'hiver'): string {
  const zone = season ? `${zoneName(timeZone)}, heure d’${season}` : zoneName(timeZone);
  return `le ${formatFrenchLongDate(local.slice(0, 10))} à ${formatFrenchTime(local.slice(11, 16))} (${zone})`;
}

/** "Le dimanche 25 octobre 2026 à 2 h 30": a wall time opening a sentence that names the zone itself. */
export function wallTextSentence(local: string): string {
  return `Le ${formatFrenchLongDate(local.slice(0, 10))} à ${formatFrenchTime(local.slice(11, 16))}`;
}

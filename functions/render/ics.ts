import { createHash } from 'node:crypto';
import { createEvent, type EventAttributes } from 'ics';
import { DEFAULT_TIME_ZONE, zonedTimeToInstant } from '../domain/french-dates';
import type { ReleaseContent } from '../domain/release';
import { frenchTypography } from '../domain/typography';
import { RenderError } from './render-error';

/**
 * The calendar entry of an event announcement. Start and end are wall-clock times in the
 * event's zone (Europe/Paris); they are written as UTC instants (`DTSTART:…Z`), computed with
 * the zone's rules of that very day, so a March and an October event are both right whatever
 * the reader's calendar zone. The UID is stable for a given event, so a reminder or a changed
 * time updates the same calendar entry instead of adding one.
 */
export function renderIcs(content: ReleaseContent, options: { now?: Date } = {}): string {
  const event = content.event;
  if (!event) throw new RenderError('Ce communiqué ne décrit pas d’événement : pas de fichier .ics.', { template: 'ics', field: 'event' });
  const timeZone = event.timeZone || DEFAULT_TIME_ZONE;
  const start = instant(event.start, timeZone, 'event.start');
  // Without an end, a day event: until 18:00 local or two hours, whichever is later.
  const end = event.end
    ? instant(event.end, timeZone, 'event.end')
    : Math.max(start + 2 * 3_600_000, instant(`${event.start.slice(0, 10)}T18:00`, timeZone, 'event.start'));
  if (end <= start) throw new RenderError('L’événement se termine avant de commencer.', { template: 'ics', field: 'event.end' });
  const location = [event.venue.name, event.venue.address].filter(Boolean).join(', ');
  const description = [
    event.edition ? `${event.name}, ${event.edition}` : event.name,
    event.theme ? `Thème : ${event.theme}` : undefined,
    ...event.programme.map((p) => `${p.time ? `${p.time} – ` : '• '}${p.title}${p.speaker ? ` (${p.speaker})` : ''}`),
    ...event.organiserContacts.map((c) => `${c.label ? `${c.label} (${c.organisation})` : c.organisation} : ${c.email}`),
  ]
    .filter((s): s is string => s !== undefined)
    .map((s) => frenchTypography(s))
    .join('\n');
  const attributes: EventAttributes & { timestamp?: number } = {
    uid: `${createHash('sha256').update(`${content.brandId}\n${event.name}\n${event.start}`).digest('hex').slice(0, 32)}@communique`,
    productId: 'communique/ics',
    method: 'PUBLISH',
    title: frenchTypography(event.edition ? `${event.name} (${event.edition})` : event.name),
    description,
    location: frenchTypography(location),
    start,
    startInputType: 'utc',
    startOutputType: 'utc',
    end,
    endInputType: 'utc',
    endOutputType: 'utc',
    status: 'CONFIRMED',
    busyStatus: 'BUSY',
    ...(event.registrationUrl ? { url: event.registrationUrl } : event.venue.mapUrl ? { url: event.venue.mapUrl } : {}),
    ...(options.now ? { timestamp: options.now.getTime() } : {}),
  };
  const { error, value } = createEvent(attributes);
  if (error || !value) {
    throw new RenderError(`Fichier .ics impossible à produire : ${error?.message ?? 'résultat vide'}`, {
      template: 'ics',
      field: 'event',
      cause: error,
    });
  }
  return value;
}

/** "festival-du-travail-social-2024-04-02.ics" */
export function icsFilename(content: ReleaseContent): string {
  const event = content.event;
  const base = (event?.name ?? content.title)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `${base || 'evenement'}${event ? `-${event.start.slice(0, 10)}` : ''}.ics`;
}

function instant(local: string, timeZone: string, field: string): number {
  try {
    return zonedTimeToInstant(local, timeZone).getTime();
  } catch (error: unknown) {
    throw new RenderError(`Date ou fuseau horaire invalide (${field}) : ${local} ${timeZone}`, { template: 'ics', field, cause: error });
  }
}

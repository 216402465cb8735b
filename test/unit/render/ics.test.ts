import ical, { type VEvent } from 'node-ical';
import { describe, expect, it } from 'vitest';
import { type ReleaseContent, releaseContentSchema } from '../../../functions/domain/release';
import { icsFilename, renderIcs } from '../../../functions/render/ics';
import { RenderError } from '../../../functions/render/render-error';
import { seed000, seed001 } from '../../fixtures/seeds';

const now = new Date('2024-03-20T09:30:00Z');
const onlyEvent = (ics: string): VEvent => {
  const events = Object.values(ical.sync.parseICS(ics)).filter((c): c is VEvent => c?.type === 'VEVENT');
  expect(events).toHaveLength(1);
  return events[0]!;
};
const withEvent = (start: string, end: string): ReleaseContent =>
  releaseContentSchema.parse({ ...seed001, event: { ...seed001.event, start, end } });

describe('renderIcs', () => {
  it('describes seed 001: summary, location, start and end instants', () => {
    const ics = renderIcs(seed001, { now });
    const event = onlyEvent(ics);
    expect(event.summary).toBe('Festival du travail social (3e édition)');
    expect(event.location).toBe('Maison des Sports de Touraine, rue de l’Aviation, Parçay-Meslay (37)');
    expect(event.start.toISOString()).toBe('2024-04-02T07:00:00.000Z');
    expect(event.end!.toISOString()).toBe('2024-04-02T15:00:00.000Z');
    expect(String(event.description)).toContain('CLTS37-41@departement-touraine.fr');
    expect(ics).toContain('DTSTAMP:20240320T093000Z');
    expect(icsFilename(seed001)).toBe('festival-du-travail-social-2024-04-02.ics');
  });

  it.each([
    ['March, winter time', '2024-03-06T09:00', '2024-03-06T17:00', '2024-03-06T08:00:00.000Z'],
    ['day of spring-forward', '2024-03-31T10:00', '2024-03-31T12:00', '2024-03-31T08:00:00.000Z'],
    ['October, before fall-back', '2024-10-25T09:00', '2024-10-25T17:00', '2024-10-25T07:00:00.000Z'],
    ['October, after fall-back', '2024-10-28T09:00', '2024-10-28T17:00', '2024-10-28T08:00:00.000Z'],
  ])('puts a %s event at the right UTC instant', (_label, start, end, utc) => {
    const event = onlyEvent(renderIcs(withEvent(start, end), { now }));
    expect(event.start.toISOString()).toBe(utc);
    expect(event.end!.getTime() - event.start.getTime()).toBe(new Date(`${end}:00Z`).getTime() - new Date(`${start}:00Z`).getTime());
  });

  it('keeps the same UID for the same event, so an update replaces the calendar entry', () => {
    const uid = (ics: string) => /UID:(.*)/.exec(ics)?.[1];
    expect(uid(renderIcs(seed001))).toBe(uid(renderIcs(seed001, { now })));
  });

  it('refuses a release without an event, naming the field', () => {
    expect(() => renderIcs(seed000)).toThrow(RenderError);
    expect(() => renderIcs(seed000)).toThrow(expect.objectContaining({ field: 'event' }));
  });
});

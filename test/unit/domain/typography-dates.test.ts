import { describe, expect, it } from 'vitest';
import {
  formatDateline,
  formatFrenchDate,
  formatFrenchInstant,
  formatFrenchLongDate,
  formatFrenchTime,
  zonedTimeToInstant,
} from '../../../functions/domain/french-dates';

describe('French dates', () => {
  it('writes datelines and dates as a French press office does', () => {
    expect(formatDateline('Blois', '2023-03-06')).toBe('Blois, le 6 mars 2023');
    expect(formatFrenchDate('2023-03-06')).toBe('6 mars 2023');
    expect(formatFrenchLongDate('2024-04-02')).toBe('mardi 2 avril 2024');
    expect(formatFrenchDate('2024-05-01')).toBe('1er mai 2024');
    expect(formatFrenchTime('2024-04-02T13:00')).toBe('13\u00A0h\u00A000');
    expect(formatFrenchTime('09:30')).toBe('9\u00A0h\u00A030');
  });

  it('formats an instant in Paris time', () => {
    expect(formatFrenchInstant(new Date('2024-04-02T07:00:00Z'))).toBe('mardi 2 avril 2024 à 9\u00A0h\u00A000');
    expect(formatFrenchInstant(new Date('2024-12-31T23:30:00Z'))).toBe('mercredi 1er janvier 2025 à 0\u00A0h\u00A030');
  });

  it.each([
    ['2023-03-06T09:00', '2023-03-06T08:00:00.000Z'], // winter, UTC+1
    ['2024-03-31T01:30', '2024-03-31T00:30:00.000Z'], // just before spring-forward
    ['2024-03-31T03:30', '2024-03-31T01:30:00.000Z'], // just after
    ['2024-03-31T02:30', '2024-03-31T01:30:00.000Z'], // in the gap: taken after it
    ['2024-04-02T09:00', '2024-04-02T07:00:00.000Z'], // summer, UTC+2
    ['2024-10-25T09:00', '2024-10-25T07:00:00.000Z'], // still summer time
    ['2024-10-27T02:30', '2024-10-27T00:30:00.000Z'], // ambiguous: first occurrence
    ['2024-10-28T09:00', '2024-10-28T08:00:00.000Z'], // winter again
  ])('%s in Europe/Paris is %s', (local, utc) => {
    expect(zonedTimeToInstant(local, 'Europe/Paris').toISOString()).toBe(utc);
  });
});

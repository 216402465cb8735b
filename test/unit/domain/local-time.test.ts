import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors';
import { resolveLocalTime, toLocalTime } from '../../../functions/domain/local-time';

describe('resolveLocalTime (Europe/Paris)', () => {
  it('gives the UTC instant on each side of the daylight-saving changes', () => {
    expect(resolveLocalTime('2026-03-28T09:00', 'Europe/Paris').toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(resolveLocalTime('2026-03-29T09:00', 'Europe/Paris').toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(resolveLocalTime('2026-10-24T09:00', 'Europe/Paris').toISOString()).toBe('2026-10-24T07:00:00.000Z');
    expect(resolveLocalTime('2026-10-25T09:00', 'Europe/Paris').toISOString()).toBe('2026-10-25T08:00:00.000Z');
  });

  it('refuses a time skipped in March, saying so in French', () => {
    expect(() => resolveLocalTime('2026-03-29T02:30', 'Europe/Paris')).toThrow(/n’existe pas .*heure d’été/);
  });

  it('refuses a time repeated in October unless told which one', () => {
    expect(() => resolveLocalTime('2026-10-25T02:30', 'Europe/Paris')).toThrow(/existe deux fois .*earlier.*later/);
    expect(resolveLocalTime('2026-10-25T02:30', 'Europe/Paris', 'earlier').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(resolveLocalTime('2026-10-25T02:30', 'Europe/Paris', 'later').toISOString()).toBe('2026-10-25T01:30:00.000Z');
  });

  it.each([
    ['2026-02-30T10:00', 'Europe/Paris', 'sendAt'],
    ['demain 10h', 'Europe/Paris', 'sendAt'],
    ['2026-06-01T10:00', 'Mars/Olympus', 'timeZone'],
  ])('refuses %s in %s, naming the field', (local, zone, field) => {
    try {
      resolveLocalTime(local, zone);
      expect.unreachable();
    } catch (e: unknown) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe(field);
    }
  });

  it('reads an instant back as local wall time', () => {
    expect(toLocalTime(new Date('2024-04-02T07:00:00Z'), 'Europe/Paris')).toBe('2024-04-02T09:00');
  });
});

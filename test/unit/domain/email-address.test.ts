import { describe, expect, it } from 'vitest';
import { normaliseEmail } from '../../../functions/domain/email-address';
import { ValidationError } from '../../../functions/domain/errors';

describe('normaliseEmail', () => {
  it('trims and lower-cases so one address means one subscriber', () => {
    expect(normaliseEmail('  Anne.Martin@Example.ORG ')).toBe('anne.martin@example.org');
  });

  it('turns an internationalised domain into its ASCII form', () => {
    expect(normaliseEmail('contact@département41.fr')).toBe('contact@xn--dpartement41-beb.fr');
  });

  it.each(['', 'anne', '@example.org', 'anne@', 'anne@exa mple.org', 'anne@example.org\r\nBcc: x@y.z', 'a@b@c'])(
    'refuses %j with a French message naming the field',
    (raw) => {
      expect(() => normaliseEmail(raw)).toThrow(ValidationError);
      try {
        normaliseEmail(raw);
      } catch (e: unknown) {
        expect((e as ValidationError).field).toBe('email');
        expect((e as ValidationError).message).toMatch(/^Adresse e-mail invalide/);
      }
    },
  );
});

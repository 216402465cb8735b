import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { ValidationError } from './errors';

const emailShape = z.email();

/**
 * One subscriber per address: addresses are trimmed, lower-cased and their domain turned to
 * its ASCII (punycode) form, so `Anne@Exemple.FR` and `anne@exemple.fr` are the same person.
 */
export function normaliseEmail(raw: string, field = 'email'): string {
  const trimmed = raw.trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1 || /[\r\n\s]/.test(trimmed)) {
    throw new ValidationError(`Adresse e-mail invalide : « ${trimmed.slice(0, 80)} »`, field);
  }
  const local = trimmed.slice(0, at).toLowerCase();
  const domain = domainToASCII(trimmed.slice(at + 1).toLowerCase());
  const candidate = `${local}@${domain}`;
  if (!domain || candidate.length > 254 || !emailShape.safeParse(candidate).success) {
    throw new ValidationError(`Adresse e-mail invalide : « ${trimmed.slice(0, 80)} »`, field);
  }
  return candidate;
}

export function isValidEmail(raw: string): boolean {
  try {
    normaliseEmail(raw);
    return true;
  } catch {
    return false;
  }
}

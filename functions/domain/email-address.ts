import { domainToASCII } from 'node:url';
import { ValidationError } from './errors';

/**
 * zod 4's `z.email()` pattern, written out: this module is in the feedback worker's bundle,
 * where zod alone weighed 80 % (issue 13).
 */
const emailShape = /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

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
  if (!domain || candidate.length > 254 || !emailShape.test(candidate)) {
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

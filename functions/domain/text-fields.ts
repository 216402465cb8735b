import { z } from 'zod';
// Before any schema parses: zod's own messages in French, for every process that uses the domain.
import './zod-locale';

/** A single-line text: no CR/LF (they would allow header injection in subjects and names). */
export const singleLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\r\n]/.test(s), { message: 'ne doit pas contenir de retour à la ligne' });

/** Only http(s) and mailto links: `javascript:` and `data:` URLs are refused. */
export const safeUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((s) => /^(https?:\/\/|mailto:)/i.test(s), {
    message: 'doit être une adresse http(s) ou mailto',
  });

/** A person's name as typed in a public form: optional, one line, no markup. */
export const personName = z
  .string()
  .trim()
  .max(200)
  .refine((s) => !/[<>\r\n]/.test(s), { message: 'ne doit pas contenir de balises ni de retour à la ligne' });

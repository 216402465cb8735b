/** What an erased address becomes in free texts kept after erasure (a recipient's SES error). */
export const erasedAddressMark = '[adresse effacée]';

/**
 * `text` with every occurrence of `email` replaced, whatever its case: SES error messages quote
 * the address as it was sent, and a mailbox's local part may come back in another case.
 */
export function redactAddress(text: string, email: string): string {
  if (email === '') return text;
  const pattern = new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  return text.replace(pattern, erasedAddressMark);
}

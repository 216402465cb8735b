/**
 * A mail compiled once per campaign and personalised per recipient. Plain JSON so the launch
 * step can store it and the send worker can use it without MJML or Handlebars in its bundle.
 */
export interface RecipientVars {
  readonly unsubscribeUrl: string;
  readonly preferencesUrl: string;
  readonly email: string;
  readonly name?: string;
}

export type RecipientVarName = keyof RecipientVars;

/** Literal text, or the name of a per-recipient value (already escaped for its context at compile time). */
export type Segment = string | { readonly v: RecipientVarName };

/** A file sent with every copy of the mail (the .ics of an event announcement). */
export interface MailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: string;
}

export interface CompiledMail {
  readonly formatVersion: 1;
  readonly subject: string;
  readonly html: readonly Segment[];
  readonly text: readonly Segment[];
  /** Same for every recipient; absent when there is none. */
  readonly attachments?: readonly MailAttachment[];
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);

function fill(segments: readonly Segment[], vars: RecipientVars, escapeValue: (s: string) => string): string {
  let out = '';
  for (const s of segments) out += typeof s === 'string' ? s : escapeValue(vars[s.v] ?? '');
  return out;
}

export function personalise(mail: CompiledMail, vars: RecipientVars): { subject: string; html: string; text: string } {
  return { subject: mail.subject, html: fill(mail.html, vars, escapeHtml), text: fill(mail.text, vars, (s) => s) };
}

/**
 * Splits a rendered document on the sentinel markers `<nonce>:<name>:` into segments. The
 * nonce is random per compile, so user content cannot forge a placeholder.
 */
export function toSegments(rendered: string, nonce: string): Segment[] {
  const segments: Segment[] = [];
  const marker = new RegExp(`${nonce}:(unsubscribeUrl|preferencesUrl|email|name):`, 'g');
  let last = 0;
  for (const m of rendered.matchAll(marker)) {
    if (m.index > last) segments.push(rendered.slice(last, m.index));
    segments.push({ v: m[1] as RecipientVarName });
    last = m.index + m[0].length;
  }
  if (last < rendered.length) segments.push(rendered.slice(last));
  return segments;
}

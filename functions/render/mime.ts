import MailComposer from 'nodemailer/lib/mail-composer';
import { RenderError } from './render-error';

/** One personalised mail, ready to become a MIME message (for SES raw sends, `.eml` files, tests). */
export interface MimeMail {
  readonly from: { readonly name: string; readonly address: string };
  readonly to: string;
  readonly replyTo?: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** e.g. List-Unsubscribe, List-Unsubscribe-Post. */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly attachments?: readonly { readonly filename: string; readonly contentType: string; readonly content: string }[];
}

const lineBreak = /[\r\n]/;

/**
 * Builds the RFC 5322 message: multipart/alternative text + HTML (multipart/mixed when there
 * are attachments), UTF-8 throughout. A line break in a header value is refused: it would let
 * content add headers (header injection).
 */
export async function toMime(mail: MimeMail): Promise<Buffer> {
  const headerValues: [string, string][] = [
    ['from.name', mail.from.name],
    ['from.address', mail.from.address],
    ['to', mail.to],
    ['subject', mail.subject],
    ...(mail.replyTo ? [['replyTo', mail.replyTo] as [string, string]] : []),
    ...mail.headers.flatMap((h, i) => [
      [`headers.${i}.name`, h.name] as [string, string],
      [`headers.${i}.value`, h.value] as [string, string],
    ]),
  ];
  for (const [field, value] of headerValues) {
    if (lineBreak.test(value))
      throw new RenderError(`Retour à la ligne refusé dans l’en-tête « ${field} » (injection d’en-tête).`, { template: 'mime', field });
  }
  const composer = new MailComposer({
    from: { name: mail.from.name, address: mail.from.address },
    to: mail.to,
    ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: mail.headers.map((h) => ({ key: h.name, value: h.value })),
    attachments: (mail.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    textEncoding: 'quoted-printable',
  });
  return composer.compile().build();
}

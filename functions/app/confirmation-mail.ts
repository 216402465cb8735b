import type { MailingList } from '../domain/audience';
import type { Brand } from '../domain/brand';
import type { OutgoingMail } from '../ports';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Who asked: the person (sign-up form, preference centre) or the press office (an admin added the address). */
export type ConfirmationOrigin = 'self' | 'admin';

/** The double opt-in mail: one button, the lists named, what happens if the person did not ask. */
export function confirmationMail(
  brand: Brand,
  to: string,
  lists: readonly MailingList[],
  confirmUrl: string,
  validHours: number,
  origin: ConfirmationOrigin = 'self',
): OutgoingMail {
  const names = lists.map((l) => `« ${l.name} »`).join(', ');
  const subject = `Confirmez votre inscription — ${brand.name}`;
  const why =
    origin === 'admin'
      ? `${brand.name} propose de vous inscrire à ses envois (${names}). Rien ne vous sera envoyé sans votre accord.`
      : `Vous avez demandé à recevoir les envois de ${brand.name} (${names}).`;
  const text = [
    'Bonjour,',
    '',
    why,
    `Pour confirmer, ouvrez ce lien dans les ${validHours} heures :`,
    confirmUrl,
    '',
    'Si vous n’avez rien demandé, ignorez ce message : vous ne recevrez rien.',
  ].join('\n');
  const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:Arial,sans-serif;color:#1a1a1a;line-height:1.5;max-width:600px;margin:auto;padding:16px">
<p>Bonjour,</p>
<p>${escapeHtml(why)}</p>
<p><a href="${escapeHtml(confirmUrl)}" style="display:inline-block;background:${escapeHtml(brand.colours.primary)};color:#ffffff;padding:12px 20px;text-decoration:none;border-radius:4px">Confirmer mon inscription</a></p>
<p>Ce lien est valable ${validHours} heures. Si vous n’avez rien demandé, ignorez ce message : vous ne recevrez rien.</p>
</body></html>`;
  return {
    from: { name: brand.senderName, address: brand.senderEmail },
    replyTo: brand.replyTo ? [brand.replyTo] : undefined,
    to,
    subject,
    html,
    text,
    headers: [],
    tags: { kind: 'confirmation' },
  };
}

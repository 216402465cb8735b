import { escapeHtml } from './markdown';

/** Widths the preview shows side by side: a desktop client and a phone. */
export const previewWidths = { desktop: 640, phone: 375 } as const;

/**
 * A page showing a rendered mail at desktop and phone widths, each in a sandboxed iframe
 * (no scripts, no same-origin), so the press attaché sees both before sending.
 */
export function renderPreviewPage(mail: { subject: string; html: string; text?: string }): string {
  const frame = (label: string, width: number) =>
    `<figure style="margin:0 24px 24px 0;display:inline-block;vertical-align:top"><figcaption style="font:14px Arial,sans-serif;margin:0 0 8px">${label} (${width}px)</figcaption>` +
    `<iframe title="${label}" sandbox="" width="${width}" height="900" style="border:1px solid #ccc;background:#fff" srcdoc="${escapeHtml(mail.html)}"></iframe></figure>`;
  const text =
    mail.text === undefined
      ? ''
      : `<h2 style="font:bold 16px Arial,sans-serif">Version texte</h2><pre style="white-space:pre-wrap;max-width:72ch;font:14px/1.5 Consolas,monospace;background:#fff;border:1px solid #ccc;padding:16px">${escapeHtml(mail.text)}</pre>`;
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Aperçu : ${escapeHtml(mail.subject)}</title></head>
<body style="margin:0;padding:24px;background:#eeeeea">
<h1 style="font:bold 18px Arial,sans-serif;margin:0 0 16px">Aperçu : ${escapeHtml(mail.subject)}</h1>
${frame('Ordinateur', previewWidths.desktop)}${frame('Téléphone', previewWidths.phone)}
${text}
</body></html>
`;
}

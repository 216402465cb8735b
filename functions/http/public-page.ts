import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageFrameOptions {
  /** Pages reached by personal links are not indexed; the newsroom is. */
  readonly indexable?: boolean;
  /** Extra elements for the head (an Atom feed link). */
  readonly head?: Html;
  /** Rules added after the common ones. */
  readonly style?: string;
  readonly maxWidth?: string;
}

/** The frame of every public page: French, readable on a phone, not indexed unless asked. */
export const publicPage = (title: string, body: Html, options: PageFrameOptions = {}) => html`<!doctype html>
<html lang="fr">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    ${options.indexable ? '' : html`<meta name="robots" content="noindex" />`}
    <title>${title}</title>
    ${options.head ?? ''}
    <style>
      body { font-family: system-ui, sans-serif; max-width: ${options.maxWidth ?? '36rem'}; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.5; }
      button { font-size: 1rem; padding: 0.6rem 1.2rem; background: #00557f; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
      button.secondary { background: #6b1d1d; }
      label { display: block; margin: 0.5rem 0; }
      input[type='email'], input[type='text'] { font-size: 1rem; padding: 0.4rem; width: 100%; box-sizing: border-box; }
      .hp { position: absolute; left: -10000px; }
      .error { color: #a00000; }
      ${options.style ?? ''}
    </style>
  </head>
  <body>
    ${body}
  </body>
</html>`;

export const invalidLinkPage = (detail = 'Ce lien n’est pas valide ou a expiré.') =>
  publicPage(
    'Lien invalide',
    html`<h1>Lien invalide ou expiré</h1><p>${detail} Utilisez le lien du dernier message reçu, ou inscrivez-vous à nouveau.</p>`,
  );

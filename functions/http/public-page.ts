import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Brand } from '../domain/brand';
import { brandContrastProblems } from '../domain/colour-contrast';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageFrameOptions {
  /** Pages reached by personal links are not indexed; the newsroom is. */
  readonly indexable?: boolean;
  /** Extra elements for the head (an Atom feed link). */
  readonly head?: Html;
  /** Rules added after the common ones. */
  readonly style?: string;
  readonly maxWidth?: string;
  /** The brand whose identity the page wears: logo, colours, footer with address and legal links. */
  readonly brand?: Brand;
  /** Where the brand's name and logo link to (its newsroom). */
  readonly brandHome?: string;
}

export const legalNoticePath = (brandId: string) => `/newsroom/${encodeURIComponent(brandId)}/mentions-legales`;
export const privacyPath = (brandId: string) => `/newsroom/${encodeURIComponent(brandId)}/confidentialite`;

const fallbackPrimary = '#00557f';

/**
 * The brand's colours where they can be read: a primary colour white text fails on (a brand saved
 * before the contrast check) falls back to the default blue rather than printing unreadable text.
 */
function brandColours(brand: Brand | undefined) {
  if (!brand) return { primary: fallbackPrimary, text: '#1a1a1a' };
  const problems = brandContrastProblems(brand.colours).map((p) => p.field);
  return {
    primary: problems.includes('colours.primary') ? fallbackPrimary : brand.colours.primary,
    text: problems.includes('colours.text') ? '#1a1a1a' : brand.colours.text,
  };
}

const brandHeader = (brand: Brand, home: string) =>
  html`<header class="brand-band">
    <a href="${home}" class="brand-home">${brand.logo ? html`<img src="${brand.logo.url}" alt="${brand.logo.alt}" height="48" />` : ''}<span>${brand.name}</span></a>
  </header>`;

const brandFooter = (brand: Brand) =>
  html`<footer class="brand-footer">
    <p><strong>${brand.name}</strong>${brand.postalAddress ? html`<br />${brand.postalAddress}` : ''}</p>
    <ul>
      <li><a href="${legalNoticePath(brand.id)}">Mentions légales</a></li>
      <li><a href="${privacyPath(brand.id)}">Données personnelles</a></li>
      ${brand.websiteUrl ? html`<li><a href="${brand.websiteUrl}">Site web</a></li>` : ''}
    </ul>
  </footer>`;

/** The frame of every public page: French, readable on a phone, not indexed unless asked, in the brand's identity when given. */
export const publicPage = (title: string, body: Html, options: PageFrameOptions = {}) => {
  const colours = brandColours(options.brand);
  return html`<!doctype html>
<html lang="fr">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    ${options.indexable ? '' : html`<meta name="robots" content="noindex" />`}
    <title>${options.brand ? `${title} — ${options.brand.name}` : title}</title>
    ${options.head ?? ''}
    <style>
      body { font-family: system-ui, sans-serif; max-width: ${options.maxWidth ?? '36rem'}; margin: ${options.brand ? '0 auto 3rem' : '3rem auto'}; padding: 0 1rem; color: ${colours.text}; line-height: 1.5; }
      a { color: ${colours.primary}; }
      a:focus, button:focus, input:focus, select:focus { outline: 3px solid #ffbf47; outline-offset: 1px; }
      button { font-size: 1rem; padding: 0.6rem 1.2rem; background: ${colours.primary}; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
      button.secondary { background: #6b1d1d; }
      label { display: block; margin: 0.5rem 0; }
      input[type='email'], input[type='text'], input[type='search'], select { font-size: 1rem; padding: 0.4rem; width: 100%; box-sizing: border-box; }
      .hp { position: absolute; left: -10000px; }
      .error { color: #a00000; }
      .brand-band { background: ${colours.primary}; margin: 0 -1rem 2rem; padding: 0.8rem 1rem; }
      .brand-band a.brand-home { color: #fff; font-weight: 700; font-size: 1.2rem; text-decoration: none; display: flex; gap: 0.8rem; align-items: center; }
      .brand-band img { background: #fff; padding: 2px; border-radius: 2px; }
      .brand-footer { border-top: 1px solid #ccc; margin-top: 3rem; padding-top: 1rem; font-size: 0.9rem; }
      .brand-footer ul { list-style: none; padding: 0; display: flex; gap: 1.2rem; flex-wrap: wrap; }
      .privacy { border-left: 4px solid ${colours.primary}; padding: 0.2rem 1rem; margin-top: 2rem; font-size: 0.9rem; }
      .privacy dt { font-weight: 700; }
      .privacy dd { margin: 0 0 0.5rem; }
      ${options.style ?? ''}
    </style>
  </head>
  <body>
    ${options.brand ? brandHeader(options.brand, options.brandHome ?? `/newsroom/${encodeURIComponent(options.brand.id)}`) : ''}
    ${body}
    ${options.brand ? brandFooter(options.brand) : ''}
  </body>
</html>`;
};

const unset = 'non renseigné dans les réglages de la marque';

/**
 * The information the GDPR (art. 13) requires where personal data is collected, from the
 * brand's settings. A field the brand left empty says so rather than hiding the heading.
 */
export const privacyBlock = (brand: Brand | undefined) => {
  const p = brand?.privacyNotice;
  return html`<section class="privacy" aria-labelledby="titre-donnees">
    <h2 id="titre-donnees">Vos données personnelles</h2>
    <dl>
      <dt>Responsable du traitement</dt><dd>${p?.controller ?? brand?.name ?? unset}</dd>
      <dt>Finalité</dt><dd>${p?.purpose ?? unset}</dd>
      <dt>Base légale</dt><dd>${p?.lawfulBasis ?? unset}</dd>
      <dt>Durée de conservation</dt><dd>${p?.retention ?? unset}</dd>
      <dt>Vos droits et comment les exercer</dt><dd>${p?.rights ?? unset}</dd>
      <dt>Délégué à la protection des données</dt><dd>${p?.dpoContact ?? unset}</dd>
    </dl>
    <p>Vous pouvez aussi adresser une réclamation à la CNIL (cnil.fr).</p>
  </section>`;
};

export const invalidLinkPage = (detail = 'Ce lien n’est pas valide ou a expiré.', brand?: Brand) =>
  publicPage(
    'Lien invalide',
    html`<h1>Lien invalide ou expiré</h1><p>${detail} Utilisez le lien du dernier message reçu, ou inscrivez-vous à nouveau.</p>`,
    { brand },
  );

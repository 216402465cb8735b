import type { Brand } from '../domain/brand';
import type { Release, ReleaseContent } from '../domain/release';
import { personalise, type RecipientVars } from '../render/compiled-mail';
import { icsFilename, renderIcs } from '../render/ics';
import { renderPreviewPage } from '../render/preview';
import type { AppDeps, Renderer } from './deps';
import { getRelease } from './manage-releases';
import { brandsOf, publicReleaseUrl } from './release-rendering';

/**
 * What a release can be rendered as, for the API's preview route and `communique render`:
 * - `html`: the mail's HTML part as a recipient gets it (inert links in place of theirs);
 * - `text`: the mail's plain-text part, likewise;
 * - `ics`: the event's calendar entry (event announcements only);
 * - `web`: the public web version (same layout, no per-recipient link);
 * - `preview`: a page showing the HTML at desktop (640 px) and phone (375 px) widths side by
 *   side, with the text part below: what the press attaché checks before sending.
 */
export const previewFormats = ['html', 'text', 'ics', 'web', 'preview'] as const;
export type PreviewFormat = (typeof previewFormats)[number];

export interface RenderedRelease {
  readonly format: PreviewFormat;
  /** With its charset: what the HTTP answer carries. */
  readonly contentType: string;
  readonly body: string;
  /** For `ics`: the file name a calendar download gets. */
  readonly filename?: string;
}

/** Stands in for a recipient in previews: links that go nowhere, an address that is nobody's. */
export const previewRecipient: RecipientVars = {
  unsubscribeUrl: '#desinscription',
  preferencesUrl: '#preferences',
  email: 'apercu@example.org',
  name: 'Aperçu',
};

/** Everything a release is rendered from: its content and the brands it is signed with. */
export interface RenderSource {
  readonly content: ReleaseContent;
  readonly brand: Brand;
  readonly coBrands: readonly Brand[];
  readonly webVersionUrl: string;
  readonly now: Date;
}

export interface ReleaseRenderContext {
  readonly release: Release;
  readonly brand: Brand;
  readonly coBrands: Brand[];
}

/** A stored release and its brands (a co-brand deleted since is left out, as at launch). */
export async function loadRenderContext(deps: Pick<AppDeps, 'store'>, id: string): Promise<ReleaseRenderContext> {
  const release = await getRelease(deps, id);
  return { release, ...(await brandsOf(deps, release.content)) };
}

const html = 'text/html; charset=utf-8';

/**
 * Renders a release in one format. Shared by the API (stored release) and the CLI (a JSON file,
 * no server): both give the same bytes for the same content. The MJML renderer is injected (as
 * everywhere in the use-cases, so no handler that merely imports this pulls MJML in); the ICS
 * needs no MJML. Render failures are RenderErrors naming the field (422 in the API).
 */
export async function renderReleaseAs(source: RenderSource, format: PreviewFormat, renderer: Renderer): Promise<RenderedRelease> {
  const { content, brand, now } = source;
  const coBrands = [...source.coBrands];
  switch (format) {
    case 'ics':
      // renderIcs refuses a release without event with a French RenderError (field `event`).
      return { format, contentType: 'text/calendar; charset=utf-8', body: renderIcs(content, { now }), filename: icsFilename(content) };
    case 'web':
      return { format, contentType: html, body: await renderer.renderWebPage({ content, brand, coBrands, now }) };
    case 'html':
    case 'text':
    case 'preview': {
      const mail = personalise(
        await renderer.compileRelease({ content, brand, coBrands, webVersionUrl: source.webVersionUrl, now }),
        previewRecipient,
      );
      if (format === 'html') return { format, contentType: html, body: mail.html };
      if (format === 'text') return { format, contentType: 'text/plain; charset=utf-8', body: mail.text };
      return { format, contentType: html, body: renderPreviewPage(mail) };
    }
  }
}

/** A stored release rendered exactly as a recipient would get it (or as its web page, ICS, preview page). */
export async function previewRelease(deps: AppDeps, id: string, format: PreviewFormat = 'html'): Promise<RenderedRelease> {
  const { release, brand, coBrands } = await loadRenderContext(deps, id);
  return renderReleaseAs(
    { content: release.content, brand, coBrands, webVersionUrl: publicReleaseUrl(deps.publicBaseUrl, release.id), now: deps.clock.now() },
    format,
    deps,
  );
}

import { Feed } from 'feed';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { InvalidCursorError } from '../adapters/dynamodb/keys';
import type { AppDeps } from '../app/deps';
import { listPublishedReleases, type NewsroomPage, publicEventCalendar, publicSince, renderPublicWebVersion } from '../app/newsroom';
import { publicCalendarUrl, publicReleaseUrl } from '../app/release-rendering';
import type { Brand } from '../domain/brand';
import { NotFoundError, ValidationError } from '../domain/errors';
import { formatFrenchDate, formatFrenchLongDate } from '../domain/french-dates';
import type { Release } from '../domain/release';
import { frenchTypography } from '../domain/typography';
import { subjectOf } from '../render/subject';
import { type Html, publicPage } from './public-page';

const newsroomStyle = `a { color: #00557f; }
      nav.brands a { margin-right: 1rem; }
      ol.releases { list-style: none; padding: 0; }
      ol.releases li { border-top: 1px solid #ddd; padding: 1rem 0; }
      ol.releases h2 { font-size: 1.2rem; margin: 0.2rem 0; }
      .meta { color: #555; font-size: 0.9rem; margin: 0; }`;

/** The frame of the newsroom pages: the public one, indexable (unlike the pages reached by personal links). */
const newsroomFrame = (title: string, body: Html, options: { feedUrl?: string; noindex?: boolean } = {}) =>
  publicPage(title, body, {
    indexable: !options.noindex,
    maxWidth: '48rem',
    style: newsroomStyle,
    head: options.feedUrl
      ? html`<link rel="alternate" type="application/atom+xml" title="${title}" href="${options.feedUrl}" />`
      : undefined,
  });

/** One answer for unknown, unsent and embargoed alike: the page must not reveal that a release exists. */
const notFoundPage = () =>
  newsroomFrame(
    'Page introuvable',
    html`<h1>Page introuvable</h1><p>Cette page n’existe pas ou n’est pas publiée.</p><p><a href="/newsroom">Voir la salle de presse</a></p>`,
    { noindex: true },
  );

const kindLabels = { 'press-release': 'Communiqué de presse', 'event-announcement': 'Annonce d’événement' } as const;

const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });
/** The date shown for a release: its dateline, else the day (in Paris) it became public. */
const displayDate = (r: Release) => r.content.dateline?.date ?? parisDay.format(publicSince(r));

/** The feed library writes entry titles and summaries as `type="html"`: plain text must reach it escaped. */
const htmlText = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const summaryOf = (r: Release) => {
  const text = r.content.subtitle ?? r.content.lead;
  return text ? frenchTypography(text) : undefined;
};

export function newsroomRoutes(deps: AppDeps): Hono {
  const pub = new Hono();
  const base = deps.publicBaseUrl;
  const homeOf = (brand?: Brand) => (brand ? `${base}/newsroom/${brand.id}` : `${base}/newsroom`);

  /** What the use-cases refuse becomes a French page; anything else goes to the app's error handler. */
  const failure = (c: Context, e: unknown) => {
    if (e instanceof NotFoundError) return c.html(notFoundPage(), 404);
    if ((e instanceof ValidationError && e.field === 'cursor') || e instanceof InvalidCursorError) {
      return c.html(
        newsroomFrame(
          'Lien invalide',
          html`<h1>Lien invalide</h1><p class="error">Ce lien de page n’est pas valide.</p><p><a href="/newsroom">Revenir à la première page</a></p>`,
          { noindex: true },
        ),
        400,
      );
    }
    throw e;
  };

  const listing = (page: NewsroomPage, brand: Brand | undefined, cursor: string | undefined) => {
    const home = homeOf(brand);
    const names = new Map(page.brands.map((b) => [b.id, b.name]));
    const title = brand ? `Salle de presse — ${brand.name}` : 'Salle de presse';
    return newsroomFrame(
      title,
      html`<header>
          <h1>${title}</h1>
          ${
            brand
              ? html`<p><a href="${base}/newsroom">Toutes les marques</a></p>`
              : page.brands.length > 1
                ? html`<nav class="brands" aria-label="Marques">${page.brands.map((b) => html`<a href="${homeOf(b)}">${b.name}</a>`)}</nav>`
                : ''
          }
          <p><a href="${home}/feed.xml">S’abonner au flux Atom</a></p>
        </header>
        <main>
          ${
            page.items.length === 0
              ? html`<p>Aucun communiqué publié${cursor ? ' sur cette page' : ' pour le moment'}.</p>`
              : html`<ol class="releases">
                ${page.items.map((r) => {
                  const event = r.content.event;
                  const summary = summaryOf(r);
                  return html`<li>
                    <article>
                      <p class="meta">${kindLabels[r.content.kind]} · <time datetime="${displayDate(r)}">${formatFrenchDate(displayDate(r))}</time>${brand ? '' : html` · ${names.get(r.content.brandId) ?? r.content.brandId}`}</p>
                      <h2><a href="${publicReleaseUrl(base, r.id)}">${subjectOf(r.content)}</a></h2>
                      ${summary ? html`<p>${summary}</p>` : ''}
                      ${
                        event
                          ? html`<p class="meta">Événement : ${formatFrenchLongDate(event.start)}, ${frenchTypography(event.venue.name)} · <a href="${publicCalendarUrl(base, r.id)}">Ajouter à mon agenda (.ics)</a></p>`
                          : ''
                      }
                    </article>
                  </li>`;
                })}
              </ol>`
          }
          ${
            cursor || page.cursor
              ? html`<nav aria-label="Pages">
                ${cursor ? html`<a href="${home}">Plus récents</a>` : ''}
                ${page.cursor ? html`<a rel="next" href="${home}?cursor=${encodeURIComponent(page.cursor)}">Communiqués plus anciens</a>` : ''}
              </nav>`
              : ''
          }
        </main>`,
      { feedUrl: `${home}/feed.xml` },
    );
  };

  const atom = (page: NewsroomPage, brand: Brand | undefined) => {
    const home = homeOf(brand);
    const names = new Map(page.brands.map((b) => [b.id, b.name]));
    // The list is in the releases' own date order; the feed's date is its latest publication.
    const updated = page.items.reduce<Date | undefined>((latest, r) => {
      const at = publicSince(r);
      return latest && latest >= at ? latest : at;
    }, undefined);
    const feed = new Feed({
      id: home,
      title: brand ? `Communiqués — ${brand.name}` : 'Salle de presse — communiqués',
      link: home,
      language: 'fr',
      updated: updated ?? deps.clock.now(),
      generator: 'Communiqué',
      feedLinks: { atom: `${home}/feed.xml` },
    });
    for (const r of page.items) {
      const url = publicReleaseUrl(base, r.id);
      const summary = summaryOf(r);
      feed.addItem({
        id: url,
        title: htmlText(subjectOf(r.content)),
        link: url,
        date: publicSince(r),
        published: publicSince(r),
        ...(summary ? { description: htmlText(summary) } : {}),
        author: [{ name: names.get(r.content.brandId) ?? r.content.brandId }],
      });
    }
    return feed.atom1();
  };

  const newsroomPage = async (c: Context, brandId: string | undefined) => {
    const cursor = c.req.query('cursor') || undefined;
    try {
      const page = await listPublishedReleases(deps, { brandId, cursor });
      return c.html(listing(page, brandId === undefined ? undefined : page.brands[0], cursor));
    } catch (e: unknown) {
      return failure(c, e);
    }
  };

  const feedOf = async (c: Context, brandId: string | undefined) => {
    try {
      const page = await listPublishedReleases(deps, { brandId });
      return c.body(atom(page, brandId === undefined ? undefined : page.brands[0]), 200, {
        'content-type': 'application/atom+xml; charset=utf-8',
      });
    } catch (e: unknown) {
      return failure(c, e);
    }
  };

  // The feed before `/newsroom/:brandId`, which also matches it: Hono answers with the first handler that responds.
  pub.get('/newsroom/feed.xml', (c) => feedOf(c, undefined));
  pub.get('/newsroom/:brandId/feed.xml', (c) => feedOf(c, c.req.param('brandId')));
  pub.get('/newsroom', (c) => newsroomPage(c, undefined));
  pub.get('/newsroom/:brandId', (c) => newsroomPage(c, c.req.param('brandId')));

  pub.get('/releases/:id/event.ics', async (c) => {
    try {
      const { filename, ics } = await publicEventCalendar(deps, c.req.param('id'));
      return c.body(ics, 200, {
        'content-type': 'text/calendar; charset=utf-8',
        'content-disposition': `attachment; filename="${filename}"`,
      });
    } catch (e: unknown) {
      return failure(c, e);
    }
  });

  pub.get('/releases/:id', async (c) => {
    try {
      return c.html(await renderPublicWebVersion(deps, c.req.param('id')));
    } catch (e: unknown) {
      return failure(c, e);
    }
  });

  return pub;
}

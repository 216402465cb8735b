import { Feed } from 'feed';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { InvalidCursorError } from '../adapters/dynamodb/keys';
import type { AppDeps } from '../app/deps';
import { listPublishedReleases, type NewsroomPage, publicEventCalendar, publicSince, renderPublicWebVersion } from '../app/newsroom';
import { buildPressKit, pressKitEntries } from '../app/press-kit';
import { brandsOf, publicCalendarUrl, publicReleaseUrl } from '../app/release-rendering';
import type { Brand } from '../domain/brand';
import { NotFoundError, ValidationError } from '../domain/errors';
import { formatFrenchDate, formatFrenchLongDate } from '../domain/french-dates';
import type { Release } from '../domain/release';
import { frenchTypography } from '../domain/typography';
import { subjectOf } from '../render/subject';
import { releaseHeadTags, sitemapXml } from './newsroom-metadata';
import { type Html, legalNoticePath, privacyBlock, privacyPath, publicPage } from './public-page';

const newsroomStyle = `a { color: #00557f; }
      nav.brands a { margin-right: 1rem; }
      ol.releases { list-style: none; padding: 0; }
      ol.releases li { border-top: 1px solid #ddd; padding: 1rem 0; }
      ol.releases h2 { font-size: 1.2rem; margin: 0.2rem 0; }
      .meta { color: #555; font-size: 0.9rem; margin: 0; }
      .featured { border: 2px solid currentColor; border-radius: 4px; padding: 1rem; margin-bottom: 2rem; }
      .featured img { max-width: 100%; height: auto; }
      form.filters { display: grid; grid-template-columns: 2fr 1fr 1fr auto; gap: 0.6rem; align-items: end; margin: 1rem 0 2rem; }
      form.filters label { margin: 0; }
      @media (max-width: 40rem) { form.filters { grid-template-columns: 1fr; } }`;

/** The frame of the newsroom pages: the public one, indexable (unlike the pages reached by personal links). */
const newsroomFrame = (title: string, body: Html, options: { feedUrl?: string; noindex?: boolean; brand?: Brand } = {}) =>
  publicPage(title, body, {
    indexable: !options.noindex,
    maxWidth: '48rem',
    style: newsroomStyle,
    brand: options.brand,
    head: options.feedUrl
      ? html`<link rel="alternate" type="application/atom+xml" title="${title}" href="${options.feedUrl}" />`
      : undefined,
  });

/** What a visitor filters the newsroom by: words, brand, kind. All work as a plain GET form. */
interface NewsroomFilters {
  readonly q?: string;
  readonly kind?: Release['content']['kind'];
}

const fold = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLocaleLowerCase('fr');

/** Every word of the search appears in the title, subtitle, lead or body (accents and case ignored). */
function matcherOf(filters: NewsroomFilters): ((r: Release) => boolean) | undefined {
  const words = fold(filters.q ?? '')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0 && !filters.kind) return undefined;
  return (r) => {
    if (filters.kind && r.content.kind !== filters.kind) return false;
    const text = fold([r.content.title, r.content.subtitle, r.content.lead, r.content.body].filter(Boolean).join(' '));
    return words.every((w) => text.includes(w));
  };
}

const filtersQuery = (filters: NewsroomFilters, brandId?: string) => {
  const q = new URLSearchParams();
  if (filters.q) q.set('q', filters.q);
  if (filters.kind) q.set('type', filters.kind);
  if (brandId) q.set('marque', brandId);
  return q.toString();
};

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

  const featuredBlock = (r: Release, names: Map<string, string>) => {
    const image = r.content.images[0];
    const summary = summaryOf(r);
    return html`<section class="featured" aria-labelledby="titre-une">
      <h2 id="titre-une">À la une</h2>
      <article>
        ${image ? html`<figure><img src="${image.url}" alt="${image.alt}" />${image.credit ? html`<figcaption>${image.credit}</figcaption>` : ''}</figure>` : ''}
        <p class="meta">${kindLabels[r.content.kind]} · <time datetime="${displayDate(r)}">${formatFrenchDate(displayDate(r))}</time> · ${names.get(r.content.brandId) ?? r.content.brandId}</p>
        <h3><a href="${publicReleaseUrl(base, r.id)}">${subjectOf(r.content)}</a></h3>
        ${summary ? html`<p>${summary}</p>` : ''}
        ${
          r.content.event
            ? html`<p class="meta">Événement : ${formatFrenchLongDate(r.content.event.start)}, ${frenchTypography(r.content.event.venue.name)} · <a href="${publicCalendarUrl(base, r.id)}">Ajouter à mon agenda (.ics)</a></p>`
            : ''
        }
      </article>
    </section>`;
  };

  const filterForm = (all: readonly Brand[], brand: Brand | undefined, filters: NewsroomFilters) =>
    html`<form class="filters" method="get" action="${base}/newsroom" role="search" aria-label="Rechercher dans la salle de presse">
      <label>Rechercher <input type="search" name="q" value="${filters.q ?? ''}" maxlength="200" /></label>
      <label>Marque
        <select name="marque">
          <option value="">Toutes</option>
          ${all.map((b) => html`<option value="${b.id}" ${brand?.id === b.id ? 'selected' : ''}>${b.name}</option>`)}
        </select>
      </label>
      <label>Type
        <select name="type">
          <option value="">Tous</option>
          ${Object.entries(kindLabels).map(([k, label]) => html`<option value="${k}" ${filters.kind === k ? 'selected' : ''}>${label}</option>`)}
        </select>
      </label>
      <button type="submit">Filtrer</button>
    </form>`;

  const listing = (
    page: NewsroomPage,
    brand: Brand | undefined,
    cursor: string | undefined,
    filters: NewsroomFilters = {},
    allBrands: readonly Brand[] = page.brands,
  ) => {
    const home = homeOf(brand);
    const names = new Map([...allBrands, ...page.brands].map((b) => [b.id, b.name]));
    const title = brand ? `Salle de presse — ${brand.name}` : 'Salle de presse';
    const filtered = Boolean(filters.q || filters.kind);
    // The newest release is "à la une" on the first page of an unfiltered newsroom, then not repeated below.
    const featured = !cursor && !filtered ? page.items[0] : undefined;
    const rest = featured ? page.items.slice(1) : page.items;
    const more = filtersQuery(filters, undefined);
    return newsroomFrame(
      title,
      html`<header>
          <h1>${title}</h1>
          ${
            brand
              ? html`<p><a href="${base}/newsroom">Toutes les marques</a></p>`
              : allBrands.length > 1
                ? html`<nav class="brands" aria-label="Marques">${allBrands.map((b) => html`<a href="${homeOf(b)}">${b.name}</a>`)}</nav>`
                : ''
          }
          <p><a href="${home}/feed.xml">S’abonner au flux Atom</a></p>
        </header>
        <main>
          ${filterForm(allBrands, brand, filters)}
          ${featured ? featuredBlock(featured, names) : ''}
          ${filtered ? html`<p role="status">${page.items.length === 0 ? 'Aucun communiqué ne correspond à la recherche.' : `Résultats de la recherche${page.cursor ? ' (page suivante disponible)' : ''}.`}</p>` : ''}
          ${
            page.items.length === 0
              ? filtered
                ? ''
                : html`<p>Aucun communiqué publié${cursor ? ' sur cette page' : ' pour le moment'}.</p>`
              : rest.length === 0
                ? ''
                : html`${featured ? html`<h2>Derniers communiqués</h2>` : ''}<ol class="releases">
                ${rest.map((r) => {
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
                ${cursor ? html`<a href="${home}${more ? `?${more}` : ''}">Plus récents</a>` : ''}
                ${page.cursor ? html`<a rel="next" href="${home}?cursor=${encodeURIComponent(page.cursor)}${more ? `&${more}` : ''}">Communiqués plus anciens</a>` : ''}
              </nav>`
              : ''
          }
        </main>`,
      { feedUrl: `${home}/feed.xml`, brand },
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

  const newsroomPage = async (c: Context, pathBrandId: string | undefined) => {
    const cursor = c.req.query('cursor') || undefined;
    const type = c.req.query('type');
    const filters: NewsroomFilters = {
      q: c.req.query('q')?.trim().slice(0, 200) || undefined,
      kind: type === 'press-release' || type === 'event-announcement' ? type : undefined,
    };
    // The filter form sends `marque`; a brand's own newsroom has it in its path.
    const brandId = pathBrandId ?? (c.req.query('marque') || undefined);
    try {
      const [page, allBrands] = await Promise.all([
        listPublishedReleases(deps, { brandId, cursor, matches: matcherOf(filters) }),
        deps.store.listBrands(),
      ]);
      allBrands.sort((a, b) => a.name.localeCompare(b.name, 'fr'));
      return c.html(listing(page, brandId === undefined ? undefined : page.brands[0], cursor, filters, allBrands));
    } catch (e: unknown) {
      return failure(c, e);
    }
  };

  /** A brand's legal notice and privacy page: what its footer links to. */
  const brandTextPage = async (c: Context, which: 'legal' | 'privacy') => {
    const brand = await deps.store.getBrand(c.req.param('brandId') ?? '');
    if (!brand) return c.html(notFoundPage(), 404);
    if (which === 'legal')
      return c.html(
        newsroomFrame(
          'Mentions légales',
          html`<main><h1>Mentions légales</h1>${
            brand.legalNotice
              ? brand.legalNotice.split(/\n{2,}/).map((p) => html`<p>${p}</p>`)
              : html`<p>Les mentions légales de ${brand.name} n’ont pas encore été renseignées.</p>`
          }${brand.postalAddress ? html`<p>Adresse : ${brand.postalAddress}</p>` : ''}</main>`,
          { brand },
        ),
      );
    return c.html(
      newsroomFrame(
        'Données personnelles',
        html`<main><h1>Données personnelles</h1><p>Ce que ${brand.name} fait des données recueillies par ses listes de diffusion.</p>${privacyBlock(brand)}</main>`,
        { brand },
      ),
    );
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
  pub.get('/newsroom/:brandId/mentions-legales', (c) => brandTextPage(c, 'legal'));
  pub.get('/newsroom/:brandId/confidentialite', (c) => brandTextPage(c, 'privacy'));
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

  pub.get('/releases/:id/dossier-de-presse.zip', async (c) => {
    try {
      const kit = await buildPressKit(deps, c.req.param('id'));
      if (!kit) return c.html(notFoundPage(), 404);
      return c.body(kit.zip as Uint8Array<ArrayBuffer>, 200, {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="${kit.filename}"`,
        'x-content-type-options': 'nosniff',
      });
    } catch (e: unknown) {
      return failure(c, e);
    }
  });

  pub.get('/releases/:id', async (c) => {
    try {
      const id = c.req.param('id');
      const page = await renderPublicWebVersion(deps, id);
      const { release, files } = await pressKitEntries(deps, id);
      const { brand } = await brandsOf(deps, release.content);
      const url = publicReleaseUrl(base, release.id);
      const tags = await releaseHeadTags({ release, brand, url, newsroomUrl: homeOf(brand), publishedAt: publicSince(release) });
      const band =
        await html`<nav aria-label="Salle de presse" style="font-family: system-ui, sans-serif; padding: 0.6rem 1rem;"><a href="${homeOf(brand)}">Salle de presse — ${brand.name}</a>${files.length > 0 ? html` · <a href="${publicReleaseUrl(base, release.id)}/dossier-de-presse.zip">Dossier de presse (${files.length} fichier${files.length > 1 ? 's' : ''}, .zip)</a>` : ''} · <a href="${legalNoticePath(brand.id)}">Mentions légales</a> · <a href="${privacyPath(brand.id)}">Données personnelles</a></nav>`;
      return c.html(withHead(page, String(tags), String(band)));
    } catch (e: unknown) {
      return failure(c, e);
    }
  });

  // Every public release and each newsroom, for search engines; what is not public is not listed.
  pub.get('/sitemap.xml', async (c) => {
    const brands = await deps.store.listBrands();
    const entries: { loc: string; lastmod?: string }[] = [{ loc: homeOf(undefined) }, ...brands.map((b) => ({ loc: homeOf(b) }))];
    let cursor: string | undefined;
    // Bounded walk: 100 pages of 100 releases is far beyond a press office's output, and within a sitemap's 50,000 URLs.
    for (let pages = 0; pages < 100; pages += 1) {
      const page = await listPublishedReleases(deps, { cursor, limit: 100 });
      for (const r of page.items)
        entries.push({
          loc: publicReleaseUrl(base, r.id),
          lastmod: new Date(Math.max(Date.parse(r.updatedAt), publicSince(r).getTime())).toISOString(),
        });
      cursor = page.cursor;
      if (!cursor) break;
    }
    return c.body(sitemapXml(entries), 200, { 'content-type': 'application/xml; charset=utf-8' });
  });

  return pub;
}

/** Puts the tags in the web version's head and the newsroom band at the top of its body. */
function withHead(page: string, tags: string, band: string): string {
  const withTags = page.includes('</head>')
    ? page.replace('</head>', `${tags}</head>`)
    : page.replace(/<html[^>]*>/, (open) => `${open}<head>${tags}</head>`);
  return withTags.replace(/<body[^>]*>/, (open) => `${open}${band}`);
}

import { html, raw } from 'hono/html';
import { Temporal } from 'temporal-polyfill';
import type { Brand } from '../domain/brand';
import type { Release } from '../domain/release';
import { frenchTypography } from '../domain/typography';
import { subjectOf } from '../render/subject';

/** JSON inside a <script> element: `<` escaped so that no `</script>` in a text can end it early. */
export const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** An event's local start or end as schema.org wants it: ISO 8601 with the offset of its zone that day. */
export function eventInstant(local: string, timeZone: string): string {
  return Temporal.PlainDateTime.from(local).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).toString({ timeZoneName: 'never' });
}

export const descriptionOf = (r: Release) => {
  const text = r.content.subtitle ?? r.content.lead ?? r.content.body.replace(/[#*_>`[\]()]/g, '').slice(0, 300);
  return frenchTypography(text.trim()).slice(0, 300);
};

export interface ReleaseMetadataInput {
  readonly release: Release;
  readonly brand: Brand;
  readonly url: string;
  readonly newsroomUrl: string;
  readonly publishedAt: Date;
}

/**
 * What search engines and social networks read: `NewsArticle` (or `Event` for an event
 * announcement, with the article as its subject page), in JSON-LD.
 */
export function releaseJsonLd(input: ReleaseMetadataInput): Record<string, unknown> {
  const { release, brand, url } = input;
  const c = release.content;
  const images = c.images.map((i) => i.url);
  const publisher = {
    '@type': 'Organization',
    name: brand.name,
    url: brand.websiteUrl ?? input.newsroomUrl,
    ...(brand.logo ? { logo: { '@type': 'ImageObject', url: brand.logo.url } } : {}),
  };
  if (c.kind === 'event-announcement' && c.event) {
    const e = c.event;
    return {
      '@context': 'https://schema.org',
      '@type': 'Event',
      name: e.edition ? `${e.name} ${e.edition}` : e.name,
      description: descriptionOf(release),
      url,
      startDate: eventInstant(e.start, e.timeZone),
      ...(e.end ? { endDate: eventInstant(e.end, e.timeZone) } : {}),
      eventStatus: 'https://schema.org/EventScheduled',
      eventAttendanceMode: 'https://schema.org/OfflineEventAttendanceMode',
      location: {
        '@type': 'Place',
        name: e.venue.name,
        ...(e.venue.address ? { address: e.venue.address } : {}),
      },
      organizer: publisher,
      ...(images.length > 0 ? { image: images } : {}),
      inLanguage: c.language,
    };
  }
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: subjectOf(c).slice(0, 110),
    description: descriptionOf(release),
    mainEntityOfPage: url,
    url,
    datePublished: input.publishedAt.toISOString(),
    dateModified: release.updatedAt,
    inLanguage: c.language,
    author: publisher,
    publisher,
    ...(images.length > 0 ? { image: images } : {}),
  };
}

/** Open Graph, Twitter card, canonical link and JSON-LD for a release's public page. */
export function releaseHeadTags(input: ReleaseMetadataInput) {
  const { release, brand, url } = input;
  const title = subjectOf(release.content);
  const description = descriptionOf(release);
  const image = release.content.images[0];
  return html`<link rel="canonical" href="${url}" />
    <meta name="description" content="${description}" />
    <meta property="og:type" content="article" />
    <meta property="og:site_name" content="${brand.name}" />
    <meta property="og:locale" content="fr_FR" />
    <meta property="og:title" content="${title}" />
    <meta property="og:description" content="${description}" />
    <meta property="og:url" content="${url}" />
    <meta property="article:published_time" content="${input.publishedAt.toISOString()}" />
    ${image ? html`<meta property="og:image" content="${image.url}" /><meta property="og:image:alt" content="${image.alt}" />` : ''}
    <meta name="twitter:card" content="${image ? 'summary_large_image' : 'summary'}" />
    <meta name="twitter:title" content="${title}" />
    <meta name="twitter:description" content="${description}" />
    ${image ? html`<meta name="twitter:image" content="${image.url}" /><meta name="twitter:image:alt" content="${image.alt}" />` : ''}
    <script type="application/ld+json">${raw(scriptJson(releaseJsonLd(input)))}</script>`;
}

const xmlText = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** sitemaps.org 0.9: each URL with its last modification day when known. */
export function sitemapXml(entries: readonly { loc: string; lastmod?: string }[]): string {
  const urls = entries
    .map((e) => `  <url><loc>${xmlText(e.loc)}</loc>${e.lastmod ? `<lastmod>${xmlText(e.lastmod)}</lastmod>` : ''}</url>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}\n</urlset>\n`;
}

import ical, { type VEvent } from 'node-ical';
import { describe, expect, it } from 'vitest';
import { xml2js } from 'xml-js';
import { getPublicRelease, listPublishedReleases, publicEventCalendar, renderPublicWebVersion } from '../../../functions/app/newsroom';
import { NotFoundError, ValidationError } from '../../../functions/domain/errors';
import { type Release, type ReleaseContentInput, releaseContentSchema } from '../../../functions/domain/release';
import { buildHttpApp } from '../../../functions/http/app';
import { mjmlRenderer } from '../../../functions/render/compile-release';
import { subjectOf } from '../../../functions/render/subject';
import { brands, seed000, seed001 } from '../../fixtures/seeds';
import { fakeDeps, ManualClock } from '../../support/fakes';

const base = 'https://communique.example.org';

async function world(now = '2026-03-06T09:00:00Z') {
  const clock = new ManualClock(new Date(now));
  const ctx = fakeDeps({ clock, publicBaseUrl: base, renderWebPage: mjmlRenderer.renderWebPage });
  for (const brand of brands) await ctx.store.putBrand(brand);
  let n = 0;
  /** Stores a release as the workflow would have left it. */
  const put = async (input: ReleaseContentInput, state: Partial<Release> = {}): Promise<Release> => {
    const release: Release = {
      id: `r${String(++n).padStart(3, '0')}`,
      status: 'draft',
      version: 1,
      content: releaseContentSchema.parse(input),
      createdAt: '2026-01-01T08:00:00.000Z',
      updatedAt: '2026-01-01T08:00:00.000Z',
      ...state,
    };
    await ctx.store.createRelease(release);
    return release;
  };
  const http = buildHttpApp(ctx.deps, { adminToken: 'root', health: async () => ({}), logError: () => {} });
  return { ...ctx, clock, put, http };
}

const sent = (at: string) => ({ status: 'sent' as const, sentAt: at, publishedAt: at });
const titles = (releases: readonly Release[]) => releases.map((r) => r.content.title);

/** Atom entries as a reader sees them: titles are `type="html"`, so their entities are decoded. */
function parseAtom(xml: string) {
  type Node = { _text?: string[]; _cdata?: string[]; _attributes?: Record<string, string> } & Record<string, Node[] | undefined>;
  const doc = xml2js(xml, { compact: true, alwaysArray: true }) as unknown as { feed?: Node[] };
  const feed = doc.feed?.[0];
  if (!feed) throw new Error('no <feed> element');
  const text = (n: Node[] | undefined) => (n?.[0]?._cdata ?? n?.[0]?._text ?? []).join('');
  const decode = (s: string) =>
    s
      .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
  return {
    id: text(feed.id),
    links: (feed.link ?? []).map((l) => l._attributes ?? {}),
    entries: (feed.entry ?? []).map((e) => ({
      rawTitle: text(e.title),
      title: decode(text(e.title)),
      id: text(e.id),
      link: e.link?.[0]?._attributes?.href,
      updated: text(e.updated),
    })),
  };
}

const onlyEvent = (ics: string): VEvent => {
  const events = Object.values(ical.sync.parseICS(ics)).filter((c): c is VEvent => c?.type === 'VEVENT');
  expect(events).toHaveLength(1);
  return events[0] as VEvent;
};

describe('listPublishedReleases', () => {
  it('lists what went out, newest first across brands, and leaves out drafts, reviews and approved-not-sent', async () => {
    const { deps, put } = await world();
    await put({ brandId: 'cd41', title: 'Janvier', dateline: { city: 'Blois', date: '2026-01-10' } }, sent('2026-01-10T08:00:00Z'));
    await put({ brandId: 'cd37', title: 'Février', dateline: { city: 'Tours', date: '2026-02-01' } }, sent('2026-02-01T08:00:00Z'));
    // Sent by the workflow before `publishedAt` existed: the status alone makes it public.
    await put(
      { brandId: 'cd41', title: 'Mars', dateline: { city: 'Blois', date: '2026-03-01' } },
      { status: 'sent', sentAt: '2026-03-01T08:00:00Z' },
    );
    await put({ brandId: 'cd41', title: 'Brouillon', dateline: { city: 'Blois', date: '2026-03-05' } });
    await put({ brandId: 'cd41', title: 'Approuvé', dateline: { city: 'Blois', date: '2026-03-04' } }, { status: 'approved' });
    await put({ brandId: 'cd37', title: 'En relecture', dateline: { city: 'Tours', date: '2026-03-03' } }, { status: 'in_review' });

    const all = await listPublishedReleases(deps);
    const cd41 = await listPublishedReleases(deps, { brandId: 'cd41' });

    expect(titles(all.items)).toEqual(['Mars', 'Février', 'Janvier']);
    expect(all.cursor).toBeUndefined();
    expect(titles(cd41.items)).toEqual(['Mars', 'Janvier']);
    expect(cd41.brands.map((b) => b.id)).toEqual(['cd41']);
  });

  it('pages by cursor through several store pages and brands, each release once, in order', async () => {
    const { deps, put } = await world();
    const expected: string[] = [];
    for (let day = 1; day <= 56; day += 1) {
      const date = new Date(Date.UTC(2025, 0, day)).toISOString().slice(0, 10);
      const brandId = day % 3 === 0 ? 'cd37' : 'cd41';
      await put({ brandId, title: `Publié ${date}`, dateline: { city: 'Blois', date } }, sent(`${date}T08:00:00Z`));
      await put({ brandId, title: `Brouillon ${date}`, dateline: { city: 'Blois', date } });
      expected.unshift(`Publié ${date}`);
    }

    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await listPublishedReleases(deps, { cursor });
      seen.push(...titles(page.items));
      sizes.push(page.items.length);
      cursor = page.cursor;
    } while (cursor !== undefined && sizes.length < 10);

    expect(sizes).toEqual([20, 20, 16]);
    expect(seen).toEqual(expected);
  });

  it('bounds the store reads of one page and resumes past a long run of drafts', async () => {
    const { deps, store, put } = await world();
    await put({ brandId: 'cd41', title: 'Ancien publié', dateline: { city: 'Blois', date: '2020-01-01' } }, sent('2020-01-01T08:00:00Z'));
    for (let i = 0; i < 700; i += 1)
      await put({ brandId: 'cd41', title: `Brouillon ${i}`, dateline: { city: 'Blois', date: '2025-06-01' } });
    let reads = 0;
    const read = store.listReleasesByBrand.bind(store);
    store.listReleasesByBrand = (brandId, options) => {
      reads += 1;
      return read(brandId, options);
    };

    const first = await listPublishedReleases(deps, { brandId: 'cd41' });
    const firstReads = reads;
    const second = await listPublishedReleases(deps, { brandId: 'cd41', cursor: first.cursor });

    expect(first.items).toEqual([]);
    expect(first.cursor).toBeDefined();
    expect(firstReads).toBeLessThanOrEqual(12);
    expect(titles(second.items)).toEqual(['Ancien publié']);
    expect(second.cursor).toBeUndefined();
  });

  it('refuses an unknown brand (404) and a forged cursor (400)', async () => {
    const { deps } = await world();
    await expect(listPublishedReleases(deps, { brandId: 'inconnue' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(listPublishedReleases(deps, { cursor: 'pas-un-curseur' })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('embargo on the public side', () => {
  // Sent to the press under embargo on 20 March; public from 21 March 2024, 10:00 in Paris (09:00Z).
  const embargoed = { ...seed001, embargoUntil: '2024-03-21T10:00:00+01:00' };

  it('hides an embargoed release from newsroom, web version, feed and .ics until the embargo lifts', async () => {
    const { deps, put, http, clock } = await world('2024-03-21T08:30:00Z');
    const release = await put(embargoed, sent('2024-03-20T08:00:00Z'));
    const unknown404 = await (await http.request('/releases/inconnu')).text();

    expect((await listPublishedReleases(deps)).items).toEqual([]);
    await expect(getPublicRelease(deps, release.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(renderPublicWebVersion(deps, release.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(publicEventCalendar(deps, release.id)).rejects.toBeInstanceOf(NotFoundError);
    const page = await http.request(`/releases/${release.id}`);
    expect(page.status).toBe(404);
    expect(await page.text()).toBe(unknown404); // the same answer as for a release that does not exist
    expect((await http.request(`/releases/${release.id}/event.ics`)).status).toBe(404);
    expect(parseAtom(await (await http.request('/newsroom/feed.xml')).text()).entries).toEqual([]);
    expect(await (await http.request('/newsroom')).text()).not.toContain(release.id);

    clock.advance(31 * 60_000); // 09:01Z, one minute after the embargo

    expect(titles((await listPublishedReleases(deps)).items)).toEqual([seed001.title]);
    const web = await renderPublicWebVersion(deps, release.id);
    expect(web).toContain('Festival du travail social');
    expect(web).not.toContain('Sous embargo');
    expect((await http.request(`/releases/${release.id}`)).status).toBe(200);
    expect((await http.request(`/releases/${release.id}/event.ics`)).status).toBe(200);
    const entries = parseAtom(await (await http.request('/newsroom/feed.xml')).text()).entries;
    expect(entries.map((e) => e.link)).toEqual([`${base}/releases/${release.id}`]);
    // Its public date is the embargo's end, not the day it went to the press.
    expect(entries[0]?.updated).toBe('2024-03-21T09:00:00.000Z');
    expect(await (await http.request('/newsroom')).text()).toContain(`${base}/releases/${release.id}`);
  });
});

describe('newsroom over HTTP', () => {
  async function seeded() {
    const w = await world('2024-03-25T10:00:00Z');
    const r000 = await w.put(seed000, sent('2023-03-06T09:00:00Z'));
    const r001 = await w.put(seed001, { ...sent('2024-03-20T09:30:00Z'), createdAt: '2024-03-15T10:00:00.000Z' });
    const draft = await w.put({
      brandId: 'cd41',
      title: 'Brouillon <script>alert(1)</script>',
      dateline: { city: 'Blois', date: '2024-03-24' },
    });
    const other = await w.put(
      { brandId: 'cd37', title: 'Tours & <b>Loches</b>', dateline: { city: 'Tours', date: '2024-03-01' } },
      sent('2024-03-01T09:00:00Z'),
    );
    return { ...w, r000, r001, draft, other };
  }

  it('serves the Atom feed of all brands and of one, newest first, with absolute links', async () => {
    const { http, r000, r001, other } = await seeded();

    const response = await http.request('/newsroom/feed.xml');
    const feed = parseAtom(await response.text());
    const cd41 = parseAtom(await (await http.request('/newsroom/cd41/feed.xml')).text());

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(feed.id).toBe(`${base}/newsroom`);
    expect(feed.links).toContainEqual({ rel: 'self', href: `${base}/newsroom/feed.xml` });
    expect(feed.entries).toHaveLength(3);
    expect(feed.entries.map((e) => e.title)).toEqual([subjectOf(r001.content), subjectOf(other.content), subjectOf(r000.content)]);
    expect(feed.entries.map((e) => e.link)).toEqual([r001, other, r000].map((r) => `${base}/releases/${r.id}`));
    // Titles are HTML in Atom: markup typed by an author is text, not tags.
    expect(feed.entries[1]?.rawTitle).toBe('Tours &#38; &#60;b&#62;Loches&#60;/b&#62;');
    expect(cd41.entries.map((e) => e.link)).toEqual([r001, r000].map((r) => `${base}/releases/${r.id}`));
  });

  it('lists releases in French HTML, escaped, with the feed and the event’s .ics linked', async () => {
    const { http, r000, r001, draft, other } = await seeded();

    const response = await http.request('/newsroom');
    const page = await response.text();

    expect(response.status).toBe(200);
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain(`<link rel="alternate" type="application/atom+xml" title="Salle de presse" href="${base}/newsroom/feed.xml" />`);
    const links = [...page.matchAll(/href="https:\/\/communique\.example\.org\/releases\/([^"]+)"/g)].map((m) => m[1]);
    expect(links).toEqual([r001.id, `${r001.id}/event.ics`, other.id, r000.id]);
    expect(page).not.toContain(draft.id);
    expect(page).toContain('Tours &amp; &lt;b&gt;Loches&lt;/b&gt;');
    expect(page).not.toContain('<b>Loches');
    expect(page).toContain('<time datetime="2023-03-06">6 mars 2023</time>');
  });

  it('serves the web version, with the .ics linked for an event, and a French 404 otherwise', async () => {
    const { http, r000, r001, draft } = await seeded();

    const event = await http.request(`/releases/${r001.id}`);
    const eventPage = await event.text();
    const plain = await (await http.request(`/releases/${r000.id}`)).text();
    const unsent = await http.request(`/releases/${draft.id}`);

    expect(event.status).toBe(200);
    expect(eventPage).toContain('<html lang="fr"');
    expect(eventPage).toContain(`href="${base}/releases/${r001.id}/event.ics"`);
    expect(plain).toContain('Blois, le 6 mars 2023');
    expect(plain).not.toContain('event.ics');
    expect(unsent.status).toBe(404);
    expect(await unsent.text()).toContain('Page introuvable');
  });

  it('serves seed 001’s event as a calendar file starting on 2 April 2024, and none for a communiqué', async () => {
    const { http, r000, r001 } = await seeded();

    const response = await http.request(`/releases/${r001.id}/event.ics`);
    const event = onlyEvent(await response.text());
    const none = await http.request(`/releases/${r000.id}/event.ics`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="festival-du-travail-social-2024-04-02.ics"');
    expect(event.start.toISOString()).toBe('2024-04-02T07:00:00.000Z');
    expect(new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' }).format(event.start)).toBe('2 avril 2024');
    expect(event.summary).toBe('Festival du travail social (3e édition)');
    expect(none.status).toBe(404);
  });

  it('answers an unknown brand with a French 404 page, and pages with a working cursor link', async () => {
    const { http, put, r000, r001 } = await seeded();
    for (let i = 1; i <= 25; i += 1) {
      const date = `2024-02-${String(i).padStart(2, '0')}`;
      await put({ brandId: 'cd37', title: `Note ${date}`, dateline: { city: 'Tours', date } }, sent(`${date}T09:00:00Z`));
    }

    const unknown = await http.request('/newsroom/inconnue');
    const unknownFeed = await http.request('/newsroom/inconnue/feed.xml');
    const first = await (await http.request('/newsroom/cd37')).text();
    const next = /<a rel="next" href="https:\/\/communique\.example\.org(\/newsroom\/cd37\?cursor=[^"]+)"/.exec(first)?.[1];
    const second = await http.request(next ?? '/no-next-link');
    const secondPage = await second.text();
    const forged = await http.request('/newsroom?cursor=xyz');

    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await unknown.text()).toContain('<html lang="fr">');
    expect(unknownFeed.status).toBe(404);
    expect(first.match(/<article>/g)).toHaveLength(20);
    expect(second.status).toBe(200);
    // cd37 holds 28: its 1 March release, 25 notes, and the two seeds it co-brands (CLTS 37/41);
    // the second page has the 7 oldest notes and seed 000 (6 March 2023).
    expect(secondPage.match(/<article>/g)).toHaveLength(8);
    expect(secondPage).toContain('Note 2024-02-01');
    expect(secondPage).toContain(`/releases/${r000.id}`);
    expect(first).toContain(`/releases/${r001.id}`);
    expect(secondPage).not.toContain('rel="next"');
    expect(forged.status).toBe(400);
  });
});

import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { uploadMedia } from '../../../functions/app/upload-media';
import type { Brand } from '../../../functions/domain/brand';
import { type Release, type ReleaseContentInput, releaseContentSchema } from '../../../functions/domain/release';
import { buildHttpApp } from '../../../functions/http/app';
import { mjmlRenderer } from '../../../functions/render/compile-release';
import { brands, seed000, seed001 } from '../../fixtures/seeds';
import { fakeDeps, ManualClock } from '../../support/fakes';
import { pdfBytes, pngBytes } from '../../support/media-samples';

const base = 'https://communique.example.org';

async function world() {
  const clock = new ManualClock(new Date('2024-03-25T10:00:00Z'));
  const ctx = fakeDeps({ clock, publicBaseUrl: base, renderWebPage: mjmlRenderer.renderWebPage });
  for (const brand of brands) await ctx.store.putBrand(brand);
  const cd41 = brands.find((b) => b.id === 'cd41') as Brand;
  await ctx.store.putBrand({
    ...cd41,
    logo: { url: `${base}/media/20240101t000000-logo/logo.png`, alt: 'Logo du Département' },
    postalAddress: 'Place de la République, 41000 Blois',
    legalNotice: 'Éditeur : Conseil départemental de Loir-et-Cher.\n\nHébergeur : Amazon Web Services, Paris.',
    privacyNotice: { controller: 'Le président du Conseil départemental', dpoContact: 'dpo@cd41.example.org' },
  });
  let n = 0;
  const put = async (input: ReleaseContentInput, state: Partial<Release> = {}): Promise<Release> => {
    const release: Release = {
      id: `r${String(++n).padStart(3, '0')}`,
      status: 'draft',
      version: 1,
      content: releaseContentSchema.parse(input),
      createdAt: '2024-01-01T08:00:00.000Z',
      updatedAt: '2024-01-01T08:00:00.000Z',
      ...state,
    };
    await ctx.store.createRelease(release);
    return release;
  };
  const sent = (at: string) => ({ status: 'sent' as const, sentAt: at, publishedAt: at });
  const r000 = await put(
    {
      ...seed000,
      images: [{ url: `${base}/media/20240101t000000-photo/photo.jpg`, alt: 'Le jury du festival', credit: '© CD41 / J. Martin' }],
    },
    sent('2023-03-06T09:00:00Z'),
  );
  const r001 = await put(seed001, { ...sent('2024-03-20T09:30:00Z'), createdAt: '2024-03-15T10:00:00.000Z' });
  const draft = await put({ brandId: 'cd41', title: 'Brouillon secret', dateline: { city: 'Blois', date: '2024-03-24' } });
  const embargoed = await put(
    { brandId: 'cd41', title: 'Sous embargo', dateline: { city: 'Blois', date: '2024-03-23' }, embargoUntil: '2024-04-01T08:00:00+02:00' },
    sent('2024-03-22T09:00:00Z'),
  );
  const withdrawn = await put(
    { brandId: 'cd41', title: 'Retiré', dateline: { city: 'Blois', date: '2024-03-22' } },
    { ...sent('2024-03-21T09:00:00Z'), unpublishedAt: '2024-03-22T09:00:00Z' },
  );
  const other = await put(
    {
      brandId: 'cd37',
      title: 'Routes de Touraine',
      body: 'Travaux sur la départementale.',
      dateline: { city: 'Tours', date: '2024-03-01' },
    },
    sent('2024-03-01T09:00:00Z'),
  );
  const http = buildHttpApp(ctx.deps, { adminToken: 'root', health: async () => ({}), logError: (e) => console.error(e) });
  return { ...ctx, clock, http, r000, r001, draft, embargoed, withdrawn, other };
}

const releaseLinks = (page: string) => [...page.matchAll(/href="https:\/\/communique\.example\.org\/releases\/(r\d+)"/g)].map((m) => m[1]);

describe('newsroom: brand identity, featured release, search and filters', () => {
  it('a brand’s newsroom wears its logo and colours, with a footer giving its address, legal notice and privacy links', async () => {
    const { http } = await world();
    const page = await (await http.request('/newsroom/cd41')).text();
    expect(page).toContain('alt="Logo du Département"');
    expect(page).toContain('Place de la République, 41000 Blois');
    expect(page).toContain('href="/newsroom/cd41/mentions-legales"');
    expect(page).toContain('href="/newsroom/cd41/confidentialite"');
  });

  it('features the newest release on the first page, then lists the others; filters form works without JS', async () => {
    const { http, r001, r000, other } = await world();
    const page = await (await http.request('/newsroom')).text();
    expect(page).toContain('À la une');
    expect(releaseLinks(page)).toEqual([r001.id, other.id, r000.id]);
    expect(page).toMatch(/<form class="filters" method="get" action="https:\/\/communique\.example\.org\/newsroom"/);
    expect(page).toContain('<input type="search" name="q"');
    expect(page).not.toContain('<script');
  });

  it('searches words in the text, accents and case ignored', async () => {
    const { http, other } = await world();
    const page = await (await http.request('/newsroom?q=DEPARTEMENTALE')).text();
    expect(releaseLinks(page)).toEqual([other.id]);
    expect(page).not.toContain('À la une');
    const none = await (await http.request('/newsroom?q=introuvable')).text();
    expect(none).toContain('Aucun communiqué ne correspond à la recherche.');
  });

  it('filters by kind and by brand (the form’s marque)', async () => {
    const { http, r001, r000, other } = await world();
    expect(releaseLinks(await (await http.request('/newsroom?type=event-announcement')).text())).toEqual([r001.id]);
    const cd41 = await (await http.request('/newsroom?marque=cd41')).text();
    expect(releaseLinks(cd41)).toEqual([r001.id, r000.id]);
    expect(cd41).not.toContain(`/releases/${other.id}"`);
    expect((await http.request('/newsroom?marque=inconnue')).status).toBe(404);
  });

  it('never shows a draft, an embargoed or a withdrawn release', async () => {
    const { http, draft, embargoed, withdrawn } = await world();
    const page = await (await http.request('/newsroom?q=e')).text();
    for (const r of [draft, embargoed, withdrawn]) expect(page).not.toContain(`/releases/${r.id}"`);
  });

  it('serves the brand’s legal notice and privacy page; an unknown brand is a French 404', async () => {
    const { http } = await world();
    const legal = await (await http.request('/newsroom/cd41/mentions-legales')).text();
    expect(legal).toContain('<h1>Mentions légales</h1>');
    expect(legal).toContain('<p>Hébergeur : Amazon Web Services, Paris.</p>');
    const privacy = await (await http.request('/newsroom/cd41/confidentialite')).text();
    expect(privacy).toContain('Le président du Conseil départemental');
    expect(privacy).toContain('dpo@cd41.example.org');
    const unknown = await http.request('/newsroom/inconnue/mentions-legales');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Page introuvable');
  });
});

describe('release page: Open Graph, Twitter card, JSON-LD', () => {
  const jsonLd = (page: string) => {
    const m = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(page);
    expect(m).not.toBeNull();
    return JSON.parse(m?.[1] ?? '{}') as Record<string, unknown>;
  };

  it('a press release carries OG and Twitter tags, and JSON-LD NewsArticle with its image and publisher', async () => {
    const { http, r000 } = await world();
    const page = await (await http.request(`/releases/${r000.id}`)).text();
    expect(page).toContain(`<link rel="canonical" href="${base}/releases/${r000.id}" />`);
    expect(page).toContain('<meta property="og:type" content="article" />');
    expect(page).toContain(`<meta property="og:url" content="${base}/releases/${r000.id}" />`);
    expect(page).toContain(`<meta property="og:image" content="${base}/media/20240101t000000-photo/photo.jpg" />`);
    expect(page).toContain('<meta property="og:image:alt" content="Le jury du festival" />');
    expect(page).toContain('<meta name="twitter:card" content="summary_large_image" />');
    expect(page).toContain('© CD41 / J. Martin');
    const ld = jsonLd(page);
    expect(ld).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'NewsArticle',
      url: `${base}/releases/${r000.id}`,
      datePublished: '2023-03-06T09:00:00.000Z',
      image: [`${base}/media/20240101t000000-photo/photo.jpg`],
      publisher: {
        '@type': 'Organization',
        name: 'Conseil départemental de Loir-et-Cher',
        logo: { url: `${base}/media/20240101t000000-logo/logo.png` },
      },
    });
    expect(page).toContain('href="/newsroom/cd41/mentions-legales"');
  });

  it('an event announcement carries JSON-LD Event with start in Paris time, venue and organiser; the calendar is linked', async () => {
    const { http, r001 } = await world();
    const page = await (await http.request(`/releases/${r001.id}`)).text();
    const ld = jsonLd(page);
    expect(ld['@type']).toBe('Event');
    expect(String(ld.startDate)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/);
    expect(ld).toMatchObject({
      location: { '@type': 'Place' },
      organizer: { '@type': 'Organization' },
      url: `${base}/releases/${r001.id}`,
    });
    expect(page).toContain(`${base}/releases/${r001.id}/event.ics`);
  });

  it('JSON-LD cannot be closed early by a title holding </script>', async () => {
    const { http, store } = await world();
    await store.createRelease({
      id: 'r900',
      status: 'sent',
      version: 1,
      sentAt: '2024-03-24T09:00:00Z',
      publishedAt: '2024-03-24T09:00:00Z',
      content: releaseContentSchema.parse({ brandId: 'cd41', title: 'Fin </script><script>alert(1)</script>' }),
      createdAt: '2024-03-24T08:00:00.000Z',
      updatedAt: '2024-03-24T08:00:00.000Z',
    });
    const page = await (await http.request('/releases/r900')).text();
    expect(page).not.toContain('<script>alert(1)');
    expect(jsonLd(page).headline).toContain('</script>');
  });
});

describe('GET /sitemap.xml', () => {
  it('lists the newsroom, each brand’s, and every published release — not drafts, embargoed or withdrawn ones', async () => {
    const { http, r000, r001, other, draft, embargoed, withdrawn } = await world();
    const res = await http.request('/sitemap.xml');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    const xml = await res.text();
    expect(xml).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    expect(locs).toContain(`${base}/newsroom`);
    expect(locs).toContain(`${base}/newsroom/cd41`);
    for (const r of [r000, r001, other]) expect(locs).toContain(`${base}/releases/${r.id}`);
    for (const r of [draft, embargoed, withdrawn]) expect(locs).not.toContain(`${base}/releases/${r.id}`);
    expect(xml).toMatch(new RegExp(`<loc>${base}/releases/${r000.id}</loc><lastmod>2024-01-01T08:00:00.000Z</lastmod>`));
  });

  it('lists an embargoed release once its embargo lifts', async () => {
    const { http, clock, embargoed } = await world();
    clock.advance(8 * 24 * 3600 * 1000);
    expect(await (await http.request('/sitemap.xml')).text()).toContain(`${base}/releases/${embargoed.id}</loc>`);
  });
});

describe('press kit (GET /releases/:id/dossier-de-presse.zip)', () => {
  it('zips the release’s library files with a readme naming alt texts and credits; linked from the page', async () => {
    const { http, store, deps } = await world();
    const admin = { id: 'admin', name: 'Admin', role: 'admin' as const };
    const photo = await uploadMedia(deps, admin, { bytes: pngBytes, originalName: 'jury.png', alt: 'Le jury' });
    const pdf = await uploadMedia(deps, admin, { bytes: pdfBytes, originalName: 'programme.pdf' });
    await store.createRelease({
      id: 'r950',
      status: 'sent',
      version: 1,
      sentAt: '2024-03-24T09:00:00Z',
      publishedAt: '2024-03-24T09:00:00Z',
      content: releaseContentSchema.parse({
        brandId: 'cd41',
        title: 'Festival : le programme',
        images: [
          { url: photo.url, alt: 'Le jury', credit: '© CD41' },
          { url: 'https://ailleurs.example/x.jpg', alt: 'Externe' },
        ],
        attachments: [{ label: 'Programme complet', url: pdf.url, kind: 'pdf' }],
      }),
      createdAt: '2024-03-24T08:00:00.000Z',
      updatedAt: '2024-03-24T08:00:00.000Z',
    });
    const page = await (await http.request('/releases/r950')).text();
    expect(page).toContain(`href="${base}/releases/r950/dossier-de-presse.zip"`);
    expect(page).toContain('Dossier de presse (2 fichiers, .zip)');

    const res = await http.request('/releases/r950/dossier-de-presse.zip');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="dossier-de-presse-r950.zip"');
    const zip = await JSZip.loadAsync(await res.arrayBuffer());
    expect(Object.keys(zip.files).sort()).toEqual(['jury.png', 'lisez-moi.txt', 'programme.pdf']);
    expect(Buffer.from(await (zip.file('jury.png')?.async('uint8array') ?? new Uint8Array()))).toEqual(Buffer.from(pngBytes));
    const readme = (await zip.file('lisez-moi.txt')?.async('string')) ?? '';
    expect(readme).toContain('jury.png : Le jury — © CD41');
    expect(readme).toContain('programme.pdf : Programme complet');
  });

  it('answers a French 404 for a release without library files, and for one not public', async () => {
    const { http, r001, draft } = await world();
    const none = await http.request(`/releases/${r001.id}/dossier-de-presse.zip`);
    expect(none.status).toBe(404);
    expect(await none.text()).toContain('Page introuvable');
    expect((await http.request(`/releases/${draft.id}/dossier-de-presse.zip`)).status).toBe(404);
  });
});

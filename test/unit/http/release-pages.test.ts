import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRelease, updateRelease } from '../../../functions/app/manage-releases';
import type { Actor } from '../../../functions/domain/actor';
import { type ReleaseContentInput, releaseContentSchema } from '../../../functions/domain/release';
import { contentToForm } from '../../../functions/http/pages/releases/release-form';
import { mjmlRenderer } from '../../../functions/render/compile-release';
import { testBrand } from '../../support/fakes';
import { workspaceHarness } from '../../support/workspace-harness';

const seed = (n: string) => JSON.parse(readFileSync(`test/fixtures/releases/seed-${n}.json`, 'utf8')) as ReleaseContentInput;
const alice: Actor = { id: 'u-alice', name: 'Alice Martin', role: 'editor' };

/** The fields the editor posts for a content, as strings. */
function formOf(content: ReleaseContentInput, version?: number): Record<string, string | string[]> {
  const state = contentToForm(releaseContentSchema.parse(content));
  const body: Record<string, string | string[]> = { ...state.fields, coBrandIds: [...state.coBrandIds] };
  for (const [block, rows] of Object.entries(state.blocks))
    rows.forEach((row, i) => {
      for (const [k, v] of Object.entries(row)) body[`${block}.${i}.${k}`] = v;
    });
  if (version !== undefined) body.version = String(version);
  return body;
}

/** The notice a redirect carries to the next page (cookie, URI-encoded twice). */
const noticeOf = (r: Response) =>
  decodeURIComponent(decodeURIComponent(/communique_notice=([^;]*)/.exec(r.headers.get('set-cookie') ?? '')?.[1] ?? ''));

async function withRelease(overrides = {}, content: ReleaseContentInput = { brandId: 'cd41', title: 'Rentrée des collèges' }) {
  const h = await workspaceHarness(overrides);
  const release = await createRelease(h.deps, content, alice);
  return { h, release };
}

describe('/communiques: the list', () => {
  it('lists releases with their status in words, filters by status, kind and title, and pages by cursor', async () => {
    const h = await workspaceHarness();
    await h.store.putBrand({ ...testBrand, id: 'cd37', name: 'Conseil départemental d’Indre-et-Loire' });
    for (let i = 0; i < 23; i++)
      await createRelease(
        h.deps,
        { brandId: 'cd41', title: `Communiqué n° ${i}`, dateline: { city: 'Blois', date: `2024-01-${String(i + 1).padStart(2, '0')}` } },
        alice,
      );
    await createRelease(h.deps, { ...seed('001'), dateline: { city: 'Tours', date: '2024-03-01' } }, alice);
    const ed = h.as('editor');

    const first = await (await ed.get('/communiques')).text();
    const events = await (await ed.get('/communiques?genre=event-announcement')).text();
    const search = await (await ed.get('/communiques?q=festival%20TRAVAIL')).text();
    const none = await (await ed.get('/communiques?statut=sent')).text();
    const next = /href="(\/communiques\?apres=[^"]+)"/.exec(first)?.[1]?.replace(/&amp;/g, '&');
    const second = await (await ed.get(next ?? '/nope')).text();

    expect(first).toContain('<h1>Communiqués</h1>');
    expect(first).toContain('Brouillon');
    expect(first).toContain('Festival du travail social');
    expect(first.match(/<tr>/g)?.length).toBe(21); // header + 20
    expect(first).toContain('Page suivante');
    expect(second).toContain('Communiqué n° 0');
    expect(second).not.toContain('Festival du travail social');
    expect(second).toContain('Première page');
    expect(events).toContain('Festival du travail social');
    expect(events).not.toContain('Communiqué n° 1<');
    expect(search).toContain('Festival du travail social');
    expect(search).not.toContain('Communiqué n° 1<');
    expect(none).toContain('Aucun communiqué ne correspond à ces filtres.');

    const asReviewer = await (await h.as('reviewer').get('/communiques')).text();
    expect(asReviewer).not.toContain('Nouveau communiqué');
    expect(asReviewer).not.toContain('Dupliquer');
  });

  it('shows a title with markup as text', async () => {
    const { h } = await withRelease({}, { brandId: 'cd41', title: '<script>alert("x")</script>' });

    const page = await (await h.as('reviewer').get('/communiques')).text();

    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert');
  });

  it('duplicates a release into a new draft, and refuses it to a reviewer (403) and without the CSRF token', async () => {
    const { h, release } = await withRelease();

    const r = await h.as('editor').post(`/communiques/${release.id}/dupliquer`, {});
    const forbidden = await h.as('reviewer').post(`/communiques/${release.id}/dupliquer`, {});
    const noCsrf = await h.as('editor').post(`/communiques/${release.id}/dupliquer`, {}, { csrf: false });

    expect(r.status).toBe(303);
    const copy = await h.store.getRelease(r.headers.get('location')?.split('/').pop() ?? '');
    expect(copy?.content.title).toBe('Rentrée des collèges');
    expect(copy?.id).not.toBe(release.id);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).toContain('Accès refusé');
    expect(noCsrf.status).toBe(403);
    expect((await h.store.listReleases()).items).toHaveLength(2);
  });
});

describe('/communiques/nouveau', () => {
  it('offers a blank communiqué or an event announcement with the event fields', async () => {
    const h = await workspaceHarness();
    const ed = h.as('editor');

    const blank = await (await ed.get('/communiques/nouveau')).text();
    const event = await (await ed.get('/communiques/nouveau?genre=evenement')).text();

    expect(blank).toContain('<h1>Nouveau communiqué</h1>');
    expect(blank).not.toContain('name="event.venue.name"');
    expect(blank).toContain('Aide-mémoire Markdown');
    expect(event).toContain('Nouvelle annonce d’événement');
    expect(event).toContain('name="event.venue.name"');
    expect(event).toContain('value="add:event.programme"');
  });

  it('creates the release and goes to its editor; an invalid one comes back with the errors and the text kept', async () => {
    const h = await workspaceHarness();
    const ed = h.as('editor');

    const ok = await ed.post('/communiques/nouveau', formOf(seed('001')));
    const bad = await ed.post('/communiques/nouveau', {
      ...formOf({ brandId: 'cd41', title: 'x' }),
      title: '',
      body: 'Mon texte précieux',
    });
    const badPage = await bad.text();

    expect(ok.status).toBe(303);
    const id = ok.headers.get('location')?.split('/').pop() ?? '';
    expect((await h.store.getRelease(id))?.content.event?.venue.name).toBe(releaseContentSchema.parse(seed('001')).event?.venue.name);
    expect(bad.status).toBe(400);
    expect(badPage).toContain('Il y a un problème');
    expect(badPage).toContain('href="#champ-title"');
    expect(badPage).toMatch(/<a href="#champ-title">Titre : [^<]+<\/a>/);
    expect(badPage).toContain('Mon texte précieux');
  });

  it('adds a programme row without JS (unsaved), and answers only the block to htmx', async () => {
    const h = await workspaceHarness();
    const ed = h.as('editor');
    const form = { ...formOf(seed('001')), _action: 'add:event.programme' };
    const rows = releaseContentSchema.parse(seed('001')).event?.programme.length ?? 0;

    const page = await ed.post('/communiques/nouveau', form);
    const fragment = await ed.post('/communiques/nouveau', form, {
      headers: { 'hx-request': 'true', 'hx-target': 'bloc-event-programme' },
    });
    const html = await page.text();
    const part = await fragment.text();

    expect(page.status).toBe(200);
    expect(html).toContain('pas encore enregistré');
    expect(html).toContain(`name="event.programme.${rows}.title"`);
    expect(part.startsWith('<fieldset id="bloc-event-programme"')).toBe(true);
    expect(part).toContain(`name="event.programme.${rows}.title"`);
    expect(part).not.toContain('<html');
    expect((await h.store.listReleases()).items).toHaveLength(0);
  });

  it('removes and moves rows without JS, focusing the moved row, or the add button once the block is empty', async () => {
    const h = await workspaceHarness();
    const ed = h.as('editor');
    const form = {
      ...formOf({ brandId: 'cd41', title: 'T' }),
      'quotes.0.text': 'Un',
      'quotes.0.author': 'A',
      'quotes.1.text': 'Deux',
      'quotes.1.author': 'B',
    };

    const moved = await (await ed.post('/communiques/nouveau', { ...form, _action: 'up:quotes:1' })).text();
    const emptied = await (
      await ed.post(
        '/communiques/nouveau',
        { ...formOf({ brandId: 'cd41', title: 'T' }), 'quotes.0.text': 'Seule', 'quotes.0.author': 'A', _action: 'remove:quotes:0' },
        { headers: { 'hx-request': 'true', 'hx-target': 'bloc-quotes' } },
      )
    ).text();

    expect(moved.indexOf('Deux')).toBeLessThan(moved.indexOf('>Un<'));
    expect(moved).toMatch(/name="quotes\.0\.text"[^>]*data-autofocus/);
    expect(emptied).not.toContain('Seule');
    expect(emptied).toMatch(/value="add:quotes"[^>]*data-autofocus/);
  });

  it('serves the editor’s script and styles (toolbar buttons exist only with JS)', async () => {
    const h = await workspaceHarness();

    const js = await h.app.request('/communiques/editeur.js');
    const css = await h.app.request('/communiques/editeur.css');

    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toContain('data-md-toolbar');
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('refuses a reviewer (403), and a request without the CSRF token', async () => {
    const h = await workspaceHarness();

    const reviewer = await h.as('reviewer').post('/communiques/nouveau', formOf(seed('000')));
    const noCsrf = await h.as('editor').post('/communiques/nouveau', formOf(seed('000')), { csrf: false });

    expect(reviewer.status).toBe(403);
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.text()).toContain('Formulaire expiré');
    expect((await h.store.listReleases()).items).toHaveLength(0);
  });
});

describe('/communiques/:id: the editor', () => {
  it('shows the whole content model, the version in a hidden field, who saved it, and the preview in a sandboxed iframe', async () => {
    const { h, release } = await withRelease({ ...mjmlRenderer }, seed('001'));

    const r = await h.as('editor').get(`/communiques/${release.id}`);
    const page = await r.text();

    expect(r.status).toBe(200);
    for (const name of [
      'title',
      'subtitle',
      'lead',
      'body',
      'dateline.city',
      'embargoLocal',
      'event.start',
      'event.registrationUrl',
      'about.0.title',
    ])
      expect(page).toContain(`name="${name}"`);
    expect(page).toContain('name="version" value="1"');
    expect(page).toContain('Brouillon');
    expect(page).toContain('par Alice Martin');
    expect(page).toMatch(/<iframe sandbox="" srcdoc="[^"]*Festival/);
    expect(page).toContain('width="375"');
    expect(page).toContain('href="#apercu-agenda"');
    expect(page).toContain('BEGIN:VCALENDAR');
    expect(page).toContain('hx-trigger="input changed delay:500ms from:closest form');
    expect(page).toContain('Historique des versions (1)');
    expect(page).not.toContain('<fieldset disabled');
  });

  it('answers 404 in French for an unknown release', async () => {
    const h = await workspaceHarness();

    const r = await h.as('editor').get('/communiques/inconnu');

    expect(r.status).toBe(404);
    expect(await r.text()).toContain('Communiqué introuvable : inconnu');
  });

  it('saves a new version and says so; a reviewer may not (403); no CSRF token, nothing saved', async () => {
    const { h, release } = await withRelease();
    const form = { ...formOf({ brandId: 'cd41', title: 'Rentrée des collèges 2024' }, 1) };

    const reviewer = await h.as('reviewer').post(`/communiques/${release.id}`, form);
    const noCsrf = await h.as('editor').post(`/communiques/${release.id}`, form, { csrf: false });
    const ok = await h.as('editor').post(`/communiques/${release.id}`, form);
    const after = await (await h.as('editor').get(`/communiques/${release.id}`)).text();

    expect(reviewer.status).toBe(403);
    expect(noCsrf.status).toBe(403);
    expect(ok.status).toBe(303);
    expect(noticeOf(ok)).toContain('Communiqué enregistré (version 2)');
    expect((await h.store.getRelease(release.id))?.version).toBe(2);
    expect((await h.store.getRelease(release.id))?.content.title).toBe('Rentrée des collèges 2024');
    expect(after).toContain('name="version" value="2"');
    expect(after).toContain('Historique des versions (2)');
  });

  it('on a version conflict, says who saved and when, shows the difference field by field, and keeps the input', async () => {
    const { h, release } = await withRelease();
    await updateRelease(h.deps, release.id, { brandId: 'cd41', title: 'Titre de Bruno', lead: 'Chapô de Bruno' }, 1, {
      id: 'u-bruno',
      name: 'Bruno Petit',
      role: 'editor',
    });
    const mine = {
      ...formOf({ brandId: 'cd41', title: 'x' }, 1),
      title: 'Mon titre à moi ',
      body: 'Mon long texte que je ne veux pas perdre',
    };

    const r = await h.as('editor').post(`/communiques/${release.id}`, mine);
    const page = await r.text();
    const stored = await h.store.getRelease(release.id);

    expect(r.status).toBe(409);
    expect(page).toContain('Bruno Petit a enregistré la version 2');
    expect(page).toContain('(heure de Paris)');
    expect(page).toContain('<th scope="row">Titre</th>');
    expect(page).toContain('Titre de Bruno');
    expect(page).toContain('<th scope="row">Chapô</th>');
    expect(page).toContain('value="Mon titre à moi "');
    expect(page).toContain('<td><span class="diff-text">Mon titre à moi</span></td>');
    expect(page).toContain('Mon long texte que je ne veux pas perdre');
    expect(page).toContain('value="overwrite:2"');
    expect(stored?.content.title).toBe('Titre de Bruno');

    const overwrite = await h.as('editor').post(`/communiques/${release.id}`, { ...mine, _action: 'overwrite:2' });
    expect(overwrite.status).toBe(303);
    expect((await h.store.getRelease(release.id))?.content.title).toBe('Mon titre à moi');
  });

  it('keeps the input of a release deleted meanwhile, says so in French, and offers to save it as new', async () => {
    const { h, release } = await withRelease();
    h.store.releases.delete(release.id);
    const form = { ...formOf({ brandId: 'cd41', title: 'Texte sauvé' }, 1), body: 'Corps à garder' };

    const r = await h.as('editor').post(`/communiques/${release.id}`, form);
    const page = await r.text();

    expect(r.status).toBe(404);
    expect(page).toContain('Ce communiqué n’existe plus');
    expect(page).toContain('value="Texte sauvé"');
    expect(page).toContain('Corps à garder');
    expect(page).toContain('formaction="/communiques/nouveau"');
  });

  it('shows markup typed in fields as text, and accepts fields at their limits', async () => {
    const { h, release } = await withRelease();
    const title = `<img src=x onerror=alert(1)>${'é'.repeat(300 - 28)}`;
    const form = { ...formOf({ brandId: 'cd41', title: 'x' }, 1), title, body: '<script>alert(2)</script>' };

    const saved = await h.as('editor').post(`/communiques/${release.id}`, form);
    const tooLong = await h.as('editor').post(`/communiques/${release.id}`, { ...form, version: '2', title: `${title}x` });
    const page = await (await h.as('editor').get(`/communiques/${release.id}`)).text();

    expect(saved.status).toBe(303);
    expect((await h.store.getRelease(release.id))?.content.title).toBe(title);
    expect(tooLong.status).toBe(400);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(2)');
    expect(page).not.toContain('<img src=x');
  });

  it('asks in words which embargo hour is meant at the October change, keeping the input', async () => {
    const { h, release } = await withRelease();

    const r = await h
      .as('editor')
      .post(`/communiques/${release.id}`, { ...formOf({ brandId: 'cd41', title: 'T' }, 1), embargoLocal: '2024-10-27T02:30' });
    const page = await r.text();

    expect(r.status).toBe(400);
    expect(page).toContain('existe deux fois');
    expect(page).toContain('La première, encore à l’heure d’été');
    expect(page).toContain('value="2024-10-27T02:30"');
  });
});

describe('/communiques/:id/apercu: the live preview', () => {
  it('renders the unsaved content with the campaign’s renderer, at both widths, with text, web and calendar tabs', async () => {
    const { h, release } = await withRelease({ ...mjmlRenderer }, seed('001'));
    const form = { ...formOf(seed('001'), 1), title: 'Titre tapé mais pas enregistré' };

    const r = await h.as('editor').post(`/communiques/${release.id}/apercu`, form, { headers: { 'hx-request': 'true' } });
    const html = await r.text();

    expect(r.status).toBe(200);
    expect(html).not.toContain('<html lang="fr">');
    expect(html).toMatch(/<iframe sandbox="" srcdoc="[^"]*Titre tapé mais pas enregistré/);
    expect(html).toContain('width="640"');
    expect(html).toContain('width="375"');
    expect(html).toContain('Version texte');
    expect(html).toContain('BEGIN:VCALENDAR');
    expect((await h.store.getRelease(release.id))?.content.title).not.toBe('Titre tapé mais pas enregistré');
  });

  it('shows markup typed in a field as text in the rendered mail too', async () => {
    const { h, release } = await withRelease({ ...mjmlRenderer });
    const form = {
      ...formOf({ brandId: 'cd41', title: 'x' }, 1),
      title: '<script>alert(1)</script>',
      lead: '<img src=x onerror=alert(2)>',
    };

    const html = await (await h.as('editor').post(`/communiques/${release.id}/apercu`, form)).text();
    const srcdoc = /srcdoc="([^"]*)"/.exec(html)?.[1] ?? '';

    expect(srcdoc).toContain('&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;');
    expect(srcdoc).not.toContain('&lt;script&gt;alert');
    expect(srcdoc).not.toContain('&lt;img src=x');
  });

  it('puts an error beside the field it names, and clears the one shown before', async () => {
    const { h, release } = await withRelease({ ...mjmlRenderer }, seed('000'));
    const form = {
      ...formOf(seed('000'), 1),
      title: '',
      'links.0.label': 'Site',
      'links.0.url': 'javascript:alert(1)',
      _liveErrors: 'lead',
    };

    const html = await (await h.as('editor').post(`/communiques/${release.id}/apercu`, form)).text();

    expect(html).toContain('Aperçu impossible pour l’instant');
    expect(html).toContain('<div id="champ-links-0-url-direct" class="live-error" hx-swap-oob="true"><p class="error-message">');
    expect(html).toContain('doit être une adresse http(s) ou mailto');
    expect(html).toContain('<div id="champ-title-direct" class="live-error" hx-swap-oob="true"><p');
    expect(html).toContain('<div id="champ-lead-direct" class="live-error" hx-swap-oob="true"></div>');
    expect(html).toMatch(/id="erreurs-apercu" name="_liveErrors" value="[^"]*links\.0\.url/);
  });

  it('previews a release not yet created', async () => {
    const h = await workspaceHarness({ ...mjmlRenderer });

    const html = await (await h.as('editor').post('/communiques/nouveau/apercu', formOf(seed('000')))).text();

    expect(html).toMatch(/<iframe sandbox="" srcdoc="[^"]*associent leurs réflexions/);
    expect((await h.store.listReleases()).items).toHaveLength(0);
  });

  it('refuses a request without the CSRF token', async () => {
    const { h, release } = await withRelease();

    const r = await h.as('editor').post(`/communiques/${release.id}/apercu`, formOf({ brandId: 'cd41', title: 'x' }, 1), { csrf: false });

    expect(r.status).toBe(403);
  });
});

describe('/communiques/:id/enregistrement-auto: the draft saves itself', () => {
  it('saves a draft and answers the time in Paris and the new version out of band', async () => {
    const { h, release } = await withRelease();
    h.clock.advance(42 * 60_000); // 2026-03-06T09:42Z: 10 h 42 in Paris (winter time)

    const r = await h
      .as('editor')
      .post(`/communiques/${release.id}/enregistrement-auto`, formOf({ brandId: 'cd41', title: 'Autosauvé' }, 1));
    const html = await r.text();

    expect(html).toContain('Enregistré à 10\u00a0h\u00a042 (version 2)');
    expect(html).toContain('<input type="hidden" id="version-enregistree" name="version" value="2" hx-swap-oob="true"');
    expect((await h.store.getRelease(release.id))?.content.title).toBe('Autosauvé');
  });

  it('does not overwrite someone else’s version, and says who saved', async () => {
    const { h, release } = await withRelease();
    await updateRelease(h.deps, release.id, { brandId: 'cd41', title: 'De Bruno' }, 1, { id: 'b', name: 'Bruno Petit', role: 'editor' });

    const html = await (
      await h.as('editor').post(`/communiques/${release.id}/enregistrement-auto`, formOf({ brandId: 'cd41', title: 'Moi' }, 1))
    ).text();

    expect(html).toContain('Bruno Petit a enregistré la version 2');
    expect((await h.store.getRelease(release.id))?.content.title).toBe('De Bruno');
  });

  it('saves nothing once the release is in review or gone, and says why', async () => {
    const { h, release } = await withRelease();
    await h.as('editor').post(`/communiques/${release.id}/soumettre`, {});
    const inReview = await (
      await h.as('editor').post(`/communiques/${release.id}/enregistrement-auto`, formOf({ brandId: 'cd41', title: 'Moi' }, 1))
    ).text();
    h.store.releases.delete(release.id);
    const gone = await (
      await h.as('editor').post(`/communiques/${release.id}/enregistrement-auto`, formOf({ brandId: 'cd41', title: 'Moi' }, 1))
    ).text();

    expect(inReview).toBe('Enregistrement automatique réservé aux brouillons : utilisez « Enregistrer ».');
    expect(gone).toBe('Non enregistré : ce communiqué n’existe plus. Votre texte reste dans le formulaire.');
  });

  it('is refused to a reviewer (403)', async () => {
    const { h, release } = await withRelease();

    const r = await h.as('reviewer').post(`/communiques/${release.id}/enregistrement-auto`, formOf({ brandId: 'cd41', title: 'Moi' }, 1));

    expect(r.status).toBe(403);
  });
});

describe('/communiques/:id/envoi-test and /soumettre', () => {
  it('sends a test to the signed-in person’s own address and confirms in French', async () => {
    const { h, release } = await withRelease();
    const ed = h.as('editor', { email: 'alice@example.org' });

    const r = await ed.post(`/communiques/${release.id}/envoi-test`, {});

    expect(r.status).toBe(303);
    expect(noticeOf(r)).toContain('Mail de test envoyé à alice@example.org');
    expect(h.mailer.sent.map((m) => m.to)).toEqual(['alice@example.org']);
  });

  it('shows why a test send is refused (suppressed address), on the editor', async () => {
    const { h, release } = await withRelease();
    await h.store.suppress('alice@example.org', 'hard-bounce', '2024-01-01T00:00:00Z');

    const r = await h.as('editor', { email: 'alice@example.org' }).post(`/communiques/${release.id}/envoi-test`, {});

    expect(r.status).toBe(409);
    expect(await r.text()).toContain('Envoi de test impossible : Cette adresse ne reçoit plus d’envois');
    expect(h.mailer.sent).toHaveLength(0);
  });

  it('submits a draft for review; a second submission is refused with the reason', async () => {
    const { h, release } = await withRelease();
    const ed = h.as('editor');

    const ok = await ed.post(`/communiques/${release.id}/soumettre`, {});
    const again = await ed.post(`/communiques/${release.id}/soumettre`, {});

    expect(ok.status).toBe(303);
    expect((await h.store.getRelease(release.id))?.status).toBe('in_review');
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('Seul un brouillon peut être soumis à relecture');
  });
});

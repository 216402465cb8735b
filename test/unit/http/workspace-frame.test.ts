import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { htmxVersion } from '../../../functions/http/assets/vendor/htmx';
import { testBrand } from '../../support/fakes';
import { workspaceHarness } from '../../support/workspace-harness';

describe('the workspace frame', () => {
  it('sends a visitor without a session from / to the sign-in page', async () => {
    const h = await workspaceHarness();

    const r = await h.app.request('/');

    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/connexion');
  });

  it('refuses a forged session cookie like no session', async () => {
    const h = await workspaceHarness();

    const r = await h.app.request('/', { headers: { cookie: 'communique_session=forged' } });

    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/connexion');
  });

  it('shows the dashboard in French, with the brand, navigation, skip link, live region and a strict CSP', async () => {
    const h = await workspaceHarness();
    const editor = h.as('editor');

    const r = await editor.get('/');
    const page = await r.text();

    expect(r.status).toBe(200);
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain('<title>Tableau de bord — Communiqué</title>');
    expect(page).toContain('Conseil départemental de Loir-et-Cher');
    expect(page).toMatch(/<a class="skip-link" href="#contenu">Aller au contenu<\/a>/);
    for (const label of ['Tableau de bord', 'Communiqués', 'Campagnes', 'Plans', 'Audience', 'Réglages'])
      expect(page).toContain(`>${label}</a>`);
    expect(page).toContain('aria-current="page"');
    expect(page.match(/aria-live=/g)).toHaveLength(1);
    const csp = r.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toMatch(/script-src 'self' 'nonce-/);
    // every script tag carries this response's nonce, and no inline handler exists
    expect(page.match(/<script[^>]*>/g)?.every((t) => t.includes(`nonce="${nonce}"`))).toBe(true);
    expect(page).not.toMatch(/\son[a-z]+=/i);
  });

  it('refuses a state-changing request without the CSRF token, and accepts it with the token', async () => {
    const h = await workspaceHarness();
    const editor = h.as('editor');

    const without = await editor.post('/deconnexion', {}, { csrf: false });
    const wrong = await editor.post('/deconnexion', { _csrf: 'nope' }, { csrf: false });

    expect(without.status).toBe(403);
    expect(await without.text()).toContain('Formulaire expiré');
    expect(wrong.status).toBe(403);
  });

  it('answers 413 with a French page to an oversized form, and saves nothing', async () => {
    const h = await workspaceHarness();
    const editor = h.as('editor');

    const r = await editor.post('/communiques', { title: 'x'.repeat(1_100_000) });

    expect(r.status).toBe(413);
    expect(await r.text()).toContain('Envoi trop volumineux');
    expect((await h.store.listReleases()).items).toHaveLength(0);
  });

  it('serves the vendored htmx, pinned to the installed package', async () => {
    const h = await workspaceHarness();
    const installed = JSON.parse(readFileSync('node_modules/htmx.org/package.json', 'utf8')) as { version: string };

    const r = await h.app.request('/assets/htmx.min.js');

    expect(r.status).toBe(200);
    expect(htmxVersion).toBe(installed.version);
    expect(await r.text()).toBe(readFileSync('node_modules/htmx.org/dist/htmx.min.js', 'utf8'));
  });
});

describe('the frame’s brand', () => {
  it('follows a change of the brand’s name or colours within 30 s, without a restart', async () => {
    const h = await workspaceHarness();
    const editor = h.as('editor');
    await editor.get('/');
    const brand = (await h.store.getBrand(testBrand.id)) ?? testBrand;
    await h.store.putBrand({ ...brand, name: 'Département de Loir-et-Cher', colours: { ...brand.colours, primary: '#6a1b9a' } });

    const soon = await (await editor.get('/')).text();
    h.clock.advance(31_000);
    const later = await (await editor.get('/')).text();

    expect(soon).toContain(testBrand.name);
    expect(later).toContain('<span class="brand-name">Département de Loir-et-Cher</span>');
    expect(later).toContain('--brand: #6a1b9a');
  });
});

import { describe, expect, it } from 'vitest';
import { workspaceHarness } from '../../support/workspace-harness';

type Harness = Awaited<ReturnType<typeof workspaceHarness>>;

const api = (h: Harness, path: string, token: string, init: RequestInit = {}) =>
  h.app.request(`/api${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });

/** Creates a token through the page and returns its secret, read from the page shown once. */
async function createThroughPage(h: Harness, fields: Record<string, string> = {}) {
  const r = await h.as('admin').post('/reglages/jetons', { name: 'CLI de Claire', role: 'editor', expiresInDays: '30', ...fields });
  const page = await r.text();
  const secret = /id="secret-du-jeton"[^>]*value="([^"]+)"/.exec(page)?.[1];
  return { r, page, secret };
}

describe('API tokens page', () => {
  it('creates a token with role and expiry, shows the secret once, and the token works on the API', async () => {
    const h = await workspaceHarness();

    const { r, page, secret } = await createThroughPage(h);

    expect(r.status).toBe(201);
    expect(page).toContain('Jeton « CLI de Claire » créé');
    expect(page).toContain('il ne sera plus jamais affiché');
    expect(page).toContain('expire le dimanche 5 avril 2026');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const me = await api(h, '/releases', secret as string);
    expect(me.status).toBe(200);
    const list = await (await h.as('admin').get('/reglages/jetons')).text();
    expect(list).toContain('CLI de Claire');
    expect(list).toContain('actif');
    expect(list).not.toContain(secret as string);
    expect(h.store.audit.map((e) => e.action)).toContain('token.created');
  });

  it('refuses a token without a name, in French, keeping what was typed', async () => {
    const h = await workspaceHarness();

    const { r, page } = await createThroughPage(h, { name: '', role: 'publisher' });

    expect(r.status).toBe(400);
    expect(page).toContain('Il y a un problème');
    expect(page).toContain('href="#champ-name"');
    expect(page).toMatch(/<option value="publisher" selected/);
    expect(await h.store.listApiTokens()).toHaveLength(0);
  });

  it('answers 403 to every role but admin, for the page, the creation and the revocation', async () => {
    const h = await workspaceHarness();
    const { secret } = await createThroughPage(h);
    const [token] = await h.store.listApiTokens();

    for (const role of ['editor', 'reviewer', 'publisher'] as const) {
      const who = h.as(role);
      const page = await who.get('/reglages/jetons');
      expect(page.status).toBe(403);
      expect(await page.text()).toContain('Accès refusé');
      expect((await who.post('/reglages/jetons', { name: 'x', role: 'admin', expiresInDays: '7' })).status).toBe(403);
      expect((await who.post(`/reglages/jetons/${token?.id}/revoquer`, {})).status).toBe(403);
    }
    expect(await h.store.listApiTokens()).toHaveLength(1);
    expect((await api(h, '/releases', secret as string)).status).toBe(200);
  });

  it('refuses a creation without the CSRF token', async () => {
    const h = await workspaceHarness();

    const r = await h.as('admin').post('/reglages/jetons', { name: 'x', role: 'editor', expiresInDays: '7' }, { csrf: false });

    expect(r.status).toBe(403);
    expect(await h.store.listApiTokens()).toHaveLength(0);
  });

  it('revokes after a confirmation page; the API then answers 401', async () => {
    const h = await workspaceHarness();
    const { secret } = await createThroughPage(h);
    const [token] = await h.store.listApiTokens();
    const admin = h.as('admin');

    const confirm = await admin.get(`/reglages/jetons/${token?.id}/revoquer`);
    const confirmPage = await confirm.text();
    const done = await admin.post(`/reglages/jetons/${token?.id}/revoquer`, {});

    expect(confirm.status).toBe(200);
    expect(confirmPage).toContain('Révoquer le jeton « CLI de Claire » ?');
    expect(confirmPage).toContain('recevra un refus (401)');
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/reglages/jetons');
    expect((await api(h, '/releases', secret as string)).status).toBe(401);
    const list = await (await admin.get('/reglages/jetons')).text();
    expect(list).toContain('révoqué');
    expect(h.store.audit.map((e) => e.action)).toContain('token.revoked');
  });

  it('answers 404 in French for an unknown token', async () => {
    const h = await workspaceHarness();

    const r = await h.as('admin').get('/reglages/jetons/t-inconnu/revoquer');

    expect(r.status).toBe(404);
    expect(await r.text()).toContain('Jeton introuvable');
  });

  it('is linked from the settings index for admins', async () => {
    const h = await workspaceHarness();

    expect(await (await h.as('admin').get('/reglages')).text()).toContain('href="/reglages/jetons"');
    expect(await (await h.as('publisher').get('/reglages')).text()).not.toContain('href="/reglages/jetons"');
  });
});

describe('GET /api/tokens and DELETE /api/tokens/{id}', () => {
  it('lists tokens without their secret, and a revoked token gets 401 from then on', async () => {
    const h = await workspaceHarness();
    const created = await api(h, '/tokens', 'root', {
      method: 'POST',
      body: JSON.stringify({ name: 'Site', role: 'publisher', expiresInDays: 7 }),
    });
    const { token, record } = (await created.json()) as { token: string; record: { id: string; expiresAt: string } };
    expect((await api(h, '/tokens', token)).status).toBe(403);

    const list = await api(h, '/tokens', 'root');
    const body = await list.text();
    const del = await api(h, `/tokens/${record.id}`, 'root', { method: 'DELETE' });
    const after = await api(h, '/releases', token);

    expect(list.status).toBe(200);
    expect(JSON.parse(body).items).toEqual([
      expect.objectContaining({ id: record.id, name: 'Site', role: 'publisher', state: 'active', expiresAt: '2026-03-13T09:00:00.000Z' }),
    ]);
    expect(JSON.parse(body).items[0].lastUsedAt).toBe('2026-03-06T09:00:00.000Z');
    expect(body).not.toContain(token);
    expect(del.status).toBe(204);
    expect(after.status).toBe(401);
    expect((await api(h, `/tokens/${record.id}`, 'root', { method: 'DELETE' })).status).toBe(204);
    expect((await api(h, '/tokens/t-nope', 'root', { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses a token once its expiry has passed', async () => {
    const h = await workspaceHarness();
    const created = await api(h, '/tokens', 'root', {
      method: 'POST',
      body: JSON.stringify({ name: 'Court', role: 'editor', expiresInDays: 1 }),
    });
    const { token } = (await created.json()) as { token: string };
    expect((await api(h, '/releases', token)).status).toBe(200);

    h.clock.advance(24 * 3600 * 1000);

    expect((await api(h, '/releases', token)).status).toBe(401);
    const items = ((await (await api(h, '/tokens', 'root')).json()) as { items: { state: string }[] }).items;
    expect(items[0]?.state).toBe('expired');
  });

  it('a token made without expiry keeps working', async () => {
    const h = await workspaceHarness();
    const created = await api(h, '/tokens', 'root', { method: 'POST', body: JSON.stringify({ name: 'Ancien', role: 'editor' }) });
    const { token } = (await created.json()) as { token: string };

    h.clock.advance(800 * 24 * 3600 * 1000);

    expect((await api(h, '/releases', token)).status).toBe(200);
  });

  it('documents both routes in the OpenAPI description', async () => {
    const h = await workspaceHarness();

    const doc = (await (await h.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };

    expect(Object.keys(doc.paths['/tokens'] ?? {})).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/tokens/{id}'] ?? {})).toEqual(['delete']);
  });
});

import { describe, expect, it } from 'vitest';
import { signInLimits } from '../../../functions/app/sign-in';
import { hashPassword } from '../../../functions/domain/password-hash';
import type { UserAccount } from '../../../functions/domain/user-account';
import { workspaceHarness } from '../../support/workspace-harness';

type Harness = Awaited<ReturnType<typeof workspaceHarness>>;

const cheap = { logN: 10, r: 8, p: 1 };

async function account(h: Harness, over: Partial<UserAccount> & { password?: string } = {}): Promise<UserAccount> {
  const at = h.clock.now().toISOString();
  const { password = 'un mot de passe solide', ...rest } = over;
  const user: UserAccount = {
    id: 'u-anne',
    email: 'anne@example.org',
    name: 'Anne Martin',
    role: 'editor',
    status: 'active',
    passwordHash: await hashPassword(password, cheap),
    sessionEpoch: 0,
    createdAt: at,
    updatedAt: at,
    ...rest,
  };
  await h.users.createUser(user);
  return user;
}

/** A browser without a session: keeps its cookies between requests, like a real one. */
function browser(h: Harness, client = '192.0.2.10') {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (r: Response) => {
    for (const line of r.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const [k, v] = (pair as string).split('=') as [string, string];
      if (attrs.some((a) => /max-age=0/i.test(a.trim())) || v === '') jar.delete(k.trim());
      else jar.set(k.trim(), v);
    }
    return r;
  };
  const b = {
    jar,
    get: async (path: string) => keep(await h.app.request(path, { headers: { cookie: cookieHeader(), 'x-test-client': client } })),
    csrf: async (path = '/connexion') => {
      const page = await (await b.get(path)).text();
      return /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    },
    post: async (path: string, fields: Record<string, string>) =>
      keep(
        await h.app.request(path, {
          method: 'POST',
          body: new URLSearchParams(fields),
          headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', 'x-test-client': client },
        }),
      ),
    signIn: async (email: string, password: string, extra: Record<string, string> = {}) =>
      b.post('/connexion', { _csrf: await b.csrf(), email, password, ...extra }),
  };
  return b;
}

describe('sign-in page', () => {
  it('shows a French form with labels and the CSRF field', async () => {
    const h = await workspaceHarness();

    const r = await h.app.request('/connexion');
    const page = await r.text();

    expect(r.status).toBe(200);
    expect(page).toContain('<h1>Connexion à l’espace de travail</h1>');
    expect(page).toContain('<label for="champ-email">Adresse e-mail');
    expect(page).toContain('<label for="champ-password">Mot de passe');
    expect(page).toMatch(/name="_csrf" value="[A-Za-z0-9_-]{32}"/);
  });

  it('signs in with the right password: HttpOnly, SameSite=Lax session cookie, then the dashboard names the person', async () => {
    const h = await workspaceHarness();
    await account(h);
    const b = browser(h);

    const r = await b.signIn('Anne@Example.org', 'un mot de passe solide');

    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/');
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('communique_session='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const dashboard = await b.get('/');
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('Anne Martin');
    // only a hash of the token is stored
    const token = b.jar.get('communique_session') as string;
    expect([...h.users.sessions.keys()].some((k) => k === token)).toBe(false);
    expect(h.users.sessions.size).toBe(1);
  });

  it('marks the cookie Secure over https', async () => {
    const h = await workspaceHarness();
    await account(h);
    const page = await (await h.app.request('https://communique.example.org/connexion')).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] as string;

    const r = await h.app.request('https://communique.example.org/connexion', {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrf, email: 'anne@example.org', password: 'un mot de passe solide' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `communique_csrf=${csrf}` },
    });

    expect(r.status).toBe(303);
    expect(r.headers.getSetCookie().find((c) => c.startsWith('communique_session='))).toMatch(/Secure/);
  });

  it('refuses a wrong password and an unknown address with the same French message', async () => {
    const h = await workspaceHarness();
    await account(h);
    const b = browser(h);

    const wrong = await b.signIn('anne@example.org', 'pas le bon mot de passe');
    const unknown = await b.signIn('personne@example.org', 'pas le bon mot de passe');

    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    const [w, u] = [await wrong.text(), await unknown.text()];
    expect(w).toContain('Adresse e-mail ou mot de passe incorrect.');
    expect(u).toContain('Adresse e-mail ou mot de passe incorrect.');
    expect(w).toContain('<a href="#champ-email">');
    expect(b.jar.has('communique_session')).toBe(false);
  });

  it('refuses a deactivated account with the same message, even with its password', async () => {
    const h = await workspaceHarness();
    await account(h, { status: 'deactivated' });

    const r = await browser(h).signIn('anne@example.org', 'un mot de passe solide');

    expect(r.status).toBe(400);
    expect(await r.text()).toContain('Adresse e-mail ou mot de passe incorrect.');
  });

  it('refuses a sign-in without the CSRF token', async () => {
    const h = await workspaceHarness();
    await account(h);

    const r = await browser(h).post('/connexion', { email: 'anne@example.org', password: 'un mot de passe solide' });

    expect(r.status).toBe(403);
    expect(await r.text()).toContain('Formulaire expiré');
  });

  it('limits attempts per account with 429 and a French message, even with the right password', async () => {
    const h = await workspaceHarness();
    await account(h);

    for (let i = 0; i < signInLimits.perAccount; i++) {
      const r = await browser(h, `198.51.100.${i}`).signIn('anne@example.org', `mauvais ${i}`);
      expect(r.status).toBe(400);
    }
    const limited = await browser(h, '198.51.100.200').signIn('anne@example.org', 'un mot de passe solide');

    expect(limited.status).toBe(429);
    expect(await limited.text()).toMatch(/Trop de tentatives de connexion\. Par sécurité, réessayez dans \d+ minutes?\./);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    h.clock.advance(signInLimits.windowSeconds * 1000);
    expect((await browser(h, '198.51.100.201').signIn('anne@example.org', 'un mot de passe solide')).status).toBe(303);
  });

  it('limits attempts per client across accounts', async () => {
    const h = await workspaceHarness();
    await account(h);

    // not even addresses (so no password hash is computed: the test stays quick), yet counted
    for (let i = 0; i < signInLimits.perClient; i++) {
      const r = await browser(h, '203.0.113.7').signIn(`x${i}`, 'mauvais mot de passe');
      expect(r.status).toBe(400);
    }
    const limited = await browser(h, '203.0.113.7').signIn('anne@example.org', 'un mot de passe solide');
    const other = await browser(h, '203.0.113.8').signIn('anne@example.org', 'un mot de passe solide');

    expect(limited.status).toBe(429);
    expect(other.status).toBe(303);
  });

  it('honours `retour` for a local path only', async () => {
    const h = await workspaceHarness();
    await account(h);

    const local = await browser(h).signIn('anne@example.org', 'un mot de passe solide', { retour: '/communiques?statut=draft' });
    const away = await browser(h).signIn('anne@example.org', 'un mot de passe solide', { retour: '//evil.example/x' });
    const full = await browser(h).signIn('anne@example.org', 'un mot de passe solide', { retour: 'https://evil.example/' });

    expect(local.headers.get('location')).toBe('/communiques?statut=draft');
    expect(away.headers.get('location')).toBe('/');
    expect(full.headers.get('location')).toBe('/');
  });

  it('rotates the session on sign-in: the previous cookie no longer works', async () => {
    const h = await workspaceHarness();
    await account(h);
    const b = browser(h);
    await b.signIn('anne@example.org', 'un mot de passe solide');
    const first = b.jar.get('communique_session') as string;

    // signed in, the form carries the session's CSRF token (the dashboard's)
    await b.post('/connexion', { _csrf: await b.csrf('/'), email: 'anne@example.org', password: 'un mot de passe solide' });

    expect(b.jar.get('communique_session')).not.toBe(first);
    expect(h.users.sessions.size).toBe(1);
    const old = await h.app.request('/', { headers: { cookie: `communique_session=${first}` } });
    expect(old.status).toBe(303);
  });
});

describe('sessions', () => {
  it('refuses a forged session cookie', async () => {
    const h = await workspaceHarness();

    const r = await h.app.request('/reglages', { headers: { cookie: `communique_session=${'A'.repeat(43)}` } });

    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/connexion?retour=%2Freglages');
  });

  it('ends a session after 12 hours idle and after 7 days in all', async () => {
    const h = await workspaceHarness();
    const idle = h.as('editor');
    h.clock.advance(12 * 3600 * 1000);
    expect((await idle.get('/')).status).toBe(303);

    const busy = h.as('reviewer');
    // used every 11 hours: never idle, until 7 days (168 h) have passed since sign-in
    for (let i = 0; i < 15; i++) {
      h.clock.advance(11 * 3600 * 1000);
      expect((await busy.get('/')).status).toBe(200);
    }
    h.clock.advance(11 * 3600 * 1000);
    expect((await busy.get('/')).status).toBe(303);
  });

  it('signing out ends every session of that person, on every device', async () => {
    const h = await workspaceHarness();
    const laptop = h.as('editor');
    const phone = h.as('editor');
    const colleague = h.as('reviewer');

    const r = await laptop.post('/deconnexion', {});

    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/connexion');
    expect((await laptop.get('/')).status).toBe(303);
    expect((await phone.get('/')).status).toBe(303);
    expect((await colleague.get('/')).status).toBe(200);
  });

  it('refuses sign-out without the CSRF token, and the session stays', async () => {
    const h = await workspaceHarness();
    const ed = h.as('editor');

    const r = await ed.post('/deconnexion', {}, { csrf: false });

    expect(r.status).toBe(403);
    expect((await ed.get('/')).status).toBe(200);
  });
});

import { describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../../functions/http/app';
import { firstAccountLimits } from '../../../functions/http/pages/auth/auth-routes';
import { sessionAuth } from '../../../functions/http/pages/auth/session-auth';
import { fakeDeps, testBrand } from '../../support/fakes';

/** The app as AWS wires it: no `npm start` to create the first admin, the admin token to do it once. */
async function awsLike({ bootstrapToken }: { bootstrapToken?: string } = { bootstrapToken: 'le-jeton-d-administration' }) {
  const ctx = fakeDeps();
  await ctx.store.putBrand(testBrand);
  const app = buildHttpApp(ctx.deps, {
    adminToken: 'le-jeton-d-administration',
    health: async () => ({}),
    logError: (e) => console.error(e),
    workspace: { auth: sessionAuth(ctx.deps), clientAddress: () => '192.0.2.50', bootstrapToken },
  });
  const first = await app.request('/connexion');
  const csrf = /communique_csrf=([^;]+)/.exec(first.headers.get('set-cookie') ?? '')?.[1] as string;
  const post = (fields: Record<string, string>) =>
    app.request('/connexion/premier-compte', {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrf, ...fields }),
      headers: { cookie: `communique_csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
  return { ...ctx, app, post, signInPage: await first.text() };
}

const good = {
  token: 'le-jeton-d-administration',
  name: 'Claire Dupont',
  email: 'claire@departement41.fr',
  password: 'une phrase assez longue',
  confirmation: 'une phrase assez longue',
};

describe('first account where npm start does not run (AWS)', () => {
  it('offers it from the sign-in page while no account exists, then creates an admin and signs them in', async () => {
    const h = await awsLike();

    const page = await h.app.request('/connexion/premier-compte');
    const r = await h.post(good);

    expect(h.signInPage).toContain('href="/connexion/premier-compte"');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Créer le premier compte administrateur</h1>');
    expect(r.status).toBe(303);
    const session = /communique_session=([^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1];
    const dashboard = await h.app.request('/', { headers: { cookie: `communique_session=${session}` } });
    expect(await dashboard.text()).toContain('Claire Dupont');
    expect((await h.users.listUsers()).map((u) => [u.email, u.role])).toEqual([['claire@departement41.fr', 'admin']]);
  });

  it('closes once an account exists', async () => {
    const h = await awsLike();
    await h.post(good);

    const again = await h.post({ ...good, email: 'intrus@example.org' });
    const page = await h.app.request('/connexion/premier-compte');
    const signIn = await (await h.app.request('/connexion')).text();

    expect(again.status).toBe(409);
    expect(await again.text()).toContain('Le premier compte existe déjà');
    expect(page.status).toBe(409);
    expect(signIn).not.toContain('premier-compte');
    expect(await h.users.listUsers()).toHaveLength(1);
  });

  it('refuses a wrong token (403), bad input (400, French), and bounds the attempts (429)', async () => {
    const h = await awsLike();

    const wrong = await h.post({ ...good, token: 'pas-le-bon' });
    const short = await h.post({ ...good, password: 'court', confirmation: 'court' });
    for (let i = 2; i < firstAccountLimits.perClient; i++) await h.post({ ...good, token: `essai-${i}` });
    const limited = await h.post(good);

    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain('Jeton d’administration incorrect.');
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('Le mot de passe doit compter au moins 12 caractères.');
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('Trop de tentatives');
    expect(await h.users.listUsers()).toHaveLength(0);
  });

  it('does not exist without a bootstrap token (npm start makes the first admin itself)', async () => {
    const h = await awsLike({});

    expect((await h.app.request('/connexion/premier-compte')).status).toBe(404);
    expect(h.signInPage).not.toContain('premier-compte');
  });
});

import { describe, expect, it } from 'vitest';
import { workspaceHarness } from '../../support/workspace-harness';

type Harness = Awaited<ReturnType<typeof workspaceHarness>>;

const invitationLink = (h: Harness) => {
  const mail = h.mailer.sent.at(-1);
  const link = /https:\/\/communique\.example\.org(\/invitation\/[A-Za-z0-9_.-]+)/.exec(mail?.text ?? '')?.[1];
  if (!link) throw new Error('no invitation link in the last mail');
  return link;
};

/** A visitor without a session: the pre-session CSRF cookie, as a browser keeps it. */
async function visitor(h: Harness) {
  const first = await h.app.request('/connexion');
  const csrf = /communique_csrf=([^;]+)/.exec(first.headers.get('set-cookie') ?? '')?.[1] as string;
  return {
    get: (path: string) => h.app.request(path, { headers: { cookie: `communique_csrf=${csrf}` } }),
    post: (path: string, fields: Record<string, string>) =>
      h.app.request(path, {
        method: 'POST',
        body: new URLSearchParams({ _csrf: csrf, ...fields }),
        headers: { cookie: `communique_csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
      }),
  };
}

async function invite(h: Harness, fields: Record<string, string> = {}) {
  const admin = h.as('admin');
  const r = await admin.post('/reglages/utilisateurs', { name: 'Bruno Petit', email: 'bruno@example.org', role: 'reviewer', ...fields });
  return { admin, r };
}

describe('Réglages', () => {
  it('lists the users section for an admin', async () => {
    const h = await workspaceHarness();

    const r = await h.as('admin').get('/reglages');
    const page = await r.text();

    expect(r.status).toBe(200);
    expect(page).toContain('<h1>Réglages</h1>');
    expect(page).toContain('href="/reglages/utilisateurs"');
  });

  it('tells a non-admin the settings are for admins', async () => {
    const h = await workspaceHarness();

    const page = await (await h.as('editor').get('/reglages')).text();

    expect(page).toContain('réservés aux administrateurs');
    expect(page).not.toContain('href="/reglages/utilisateurs"');
  });

  it('sends a visitor to the sign-in page, coming back after', async () => {
    const h = await workspaceHarness();

    const r = await h.app.request('/reglages/utilisateurs');

    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/connexion?retour=%2Freglages%2Futilisateurs');
  });
});

describe('users page', () => {
  it('shows the accounts in a table, and the invitation form', async () => {
    const h = await workspaceHarness();
    h.as('editor');

    const r = await h.as('admin').get('/reglages/utilisateurs');
    const page = await r.text();

    expect(r.status).toBe(200);
    expect(page).toContain('<h1>Utilisateurs</h1>');
    expect(page).toContain('<caption>Comptes de l’espace de travail (2)</caption>');
    expect(page).toContain('Personne editor');
    expect(page).toContain('Envoyer l’invitation');
  });

  it('answers 403 in French to every role but admin', async () => {
    const h = await workspaceHarness();
    for (const role of ['editor', 'reviewer', 'publisher'] as const) {
      const r = await h.as(role).get('/reglages/utilisateurs');
      expect(r.status).toBe(403);
      expect(await r.text()).toContain('Accès refusé');
      const post = await h.as(role).post('/reglages/utilisateurs', { name: 'X', email: 'x@example.org', role: 'admin' });
      expect(post.status).toBe(403);
    }
    expect(h.users.users.size).toBe(3);
  });

  it('refuses an invitation posted without the CSRF token', async () => {
    const h = await workspaceHarness();

    const r = await h.as('admin').post('/reglages/utilisateurs', { name: 'X', email: 'x@example.org', role: 'editor' }, { csrf: false });

    expect(r.status).toBe(403);
    expect(h.mailer.sent).toHaveLength(0);
  });

  it('invites by e-mail: a French mail (text and HTML) with a link, an invited account, an audit line naming the admin', async () => {
    const h = await workspaceHarness();

    const { admin, r } = await invite(h);

    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/reglages/utilisateurs');
    const mail = h.mailer.sent[0];
    expect(mail?.to).toBe('bruno@example.org');
    expect(mail?.subject).toContain('Invitation à l’espace de travail Communiqué');
    expect(mail?.text).toContain('Personne admin vous invite');
    expect(mail?.text).toContain('48 heures');
    expect(mail?.html).toContain('Choisir mon mot de passe');
    const bruno = [...h.users.users.values()].find((u) => u.email === 'bruno@example.org');
    expect(bruno?.status).toBe('invited');
    expect(bruno?.role).toBe('reviewer');
    const entries = await h.store.listAudit(h.clock.now().toISOString().slice(0, 7));
    expect(entries.find((e) => e.action === 'user.invite')).toMatchObject({
      actorId: admin.user.id,
      actorName: 'Personne admin',
      entityId: bruno?.id,
    });
    const list = await (await admin.get('/reglages/utilisateurs')).text();
    expect(list).toContain('invitation en attente');
  });

  it('re-shows the form with French messages for bad input, and 409 for an address already taken', async () => {
    const h = await workspaceHarness();
    const admin = h.as('admin');

    const bad = await admin.post('/reglages/utilisateurs', { name: '', email: 'pas-une-adresse', role: 'chef' });
    await invite(h);
    const taken = await admin.post('/reglages/utilisateurs', { name: 'Autre', email: 'Bruno@example.org', role: 'editor' });

    expect(bad.status).toBe(400);
    const page = await bad.text();
    expect(page).toContain('Il y a un problème');
    expect(page).toContain('<a href="#champ-name">Indiquez le nom de la personne.</a>');
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('<a href="#champ-email">Un compte existe déjà pour cette adresse e-mail.</a>');
  });

  it('shows typed HTML as text', async () => {
    const h = await workspaceHarness();

    await invite(h, { name: '<script>alert(1)</script>' });
    const page = await (await h.as('admin').get('/reglages/utilisateurs')).text();

    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
  });
});

describe('invitation link', () => {
  it('lets the invited person choose a password, signs them in, and works once', async () => {
    const h = await workspaceHarness();
    await invite(h);
    const link = invitationLink(h);
    const v = await visitor(h);

    const form = await v.get(link);
    const short = await v.post(link, { password: 'court', confirmation: 'court' });
    const mismatch = await v.post(link, { password: 'une phrase assez longue', confirmation: 'une autre phrase longue' });
    const ok = await v.post(link, { password: 'une phrase assez longue', confirmation: 'une phrase assez longue' });
    const again = await v.post(link, { password: 'une phrase assez longue', confirmation: 'une phrase assez longue' });
    const reopened = await v.get(link);

    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Bienvenue, Bruno Petit.');
    expect(short.status).toBe(400);
    expect(await short.text()).toContain('Le mot de passe doit compter au moins 12 caractères.');
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('Les deux mots de passe ne sont pas identiques.');
    expect(ok.status).toBe(303);
    const cookie = /communique_session=([^;]+)/.exec(ok.headers.get('set-cookie') ?? '')?.[1];
    const dashboard = await h.app.request('/', { headers: { cookie: `communique_session=${cookie}` } });
    expect(await dashboard.text()).toContain('Bruno Petit');
    expect(again.status).toBe(403);
    expect(await again.text()).toContain('Cette invitation a déjà servi');
    expect(reopened.status).toBe(403);
  });

  it('expires after 48 hours', async () => {
    const h = await workspaceHarness();
    await invite(h);
    const link = invitationLink(h);
    const v = await visitor(h);

    h.clock.advance(47 * 3600 * 1000);
    expect((await v.get(link)).status).toBe(200);
    h.clock.advance(2 * 3600 * 1000);
    const late = await v.post(link, { password: 'une phrase assez longue', confirmation: 'une phrase assez longue' });

    expect(late.status).toBe(403);
    expect(await late.text()).toContain('Lien invalide ou expiré (expiré).');
    expect([...h.users.users.values()].find((u) => u.email === 'bruno@example.org')?.status).toBe('invited');
  });

  it('refuses a tampered link', async () => {
    const h = await workspaceHarness();
    await invite(h);
    const [kid, payload, sig] = invitationLink(h).replace('/invitation/', '').split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp: number };
    const longer = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 365 * 24 * 3600 })).toString('base64url');
    const v = await visitor(h);

    const r = await v.get(`/invitation/${kid}.${longer}.${sig}`);
    const garbage = await v.get('/invitation/n-importe-quoi');

    expect(r.status).toBe(403);
    expect(await r.text()).toContain('Lien invalide ou expiré (signature).');
    expect(garbage.status).toBe(403);
  });

  it('a new invitation replaces the previous link', async () => {
    const h = await workspaceHarness();
    const { admin } = await invite(h);
    const first = invitationLink(h);
    const bruno = [...h.users.users.values()].find((u) => u.email === 'bruno@example.org');

    const r = await admin.post(`/reglages/utilisateurs/${bruno?.id}/invitation`, {});
    const second = invitationLink(h);
    const v = await visitor(h);

    expect(r.status).toBe(303);
    expect(second).not.toBe(first);
    expect((await v.get(first)).status).toBe(403);
    expect((await v.get(second)).status).toBe(200);
  });
});

describe('managing an account', () => {
  it('a change of role ends the person’s sessions, and is audited with the admin', async () => {
    const h = await workspaceHarness();
    const admin = h.as('admin');
    const editor = h.as('editor');
    expect((await editor.get('/')).status).toBe(200);

    const page = await admin.get(`/reglages/utilisateurs/${editor.user.id}`);
    const r = await admin.post(`/reglages/utilisateurs/${editor.user.id}/role`, { role: 'publisher' });

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Changer le rôle');
    expect(r.status).toBe(303);
    expect((await editor.get('/')).status).toBe(303);
    expect(h.users.users.get(editor.user.id)?.role).toBe('publisher');
    const entries = await h.store.listAudit(h.clock.now().toISOString().slice(0, 7));
    expect(entries.find((e) => e.action === 'user.role')).toMatchObject({
      actorName: 'Personne admin',
      detail: 'editor → publisher (editor@example.org)',
    });
    expect((await admin.get('/')).status).toBe(200);
  });

  it('deactivation asks for confirmation, then ends the sessions and refuses sign-in', async () => {
    const h = await workspaceHarness();
    const admin = h.as('admin');
    const editor = h.as('editor');

    const confirm = await admin.get(`/reglages/utilisateurs/${editor.user.id}/desactiver`);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Désactiver le compte de Personne editor ?');
    expect(h.users.users.get(editor.user.id)?.status).toBe('active');

    const r = await admin.post(`/reglages/utilisateurs/${editor.user.id}/desactiver`, {});

    expect(r.status).toBe(303);
    expect(h.users.users.get(editor.user.id)?.status).toBe('deactivated');
    expect((await editor.get('/')).status).toBe(303);
    const entries = await h.store.listAudit(h.clock.now().toISOString().slice(0, 7));
    expect(entries.find((e) => e.action === 'user.deactivate')?.actorId).toBe(admin.user.id);
  });

  it('refuses to remove the last active admin', async () => {
    const h = await workspaceHarness();
    const admin = h.as('admin');

    const demote = await admin.post(`/reglages/utilisateurs/${admin.user.id}/role`, { role: 'editor' });
    const deactivate = await admin.post(`/reglages/utilisateurs/${admin.user.id}/desactiver`, {});

    expect(demote.status).toBe(409);
    expect(await demote.text()).toContain('Il doit rester au moins un administrateur actif');
    expect(deactivate.status).toBe(409);
    expect(h.users.users.get(admin.user.id)).toMatchObject({ role: 'admin', status: 'active' });
  });

  it('403 for a non-admin on an account page and its actions', async () => {
    const h = await workspaceHarness();
    const editor = h.as('editor');
    const publisher = h.as('publisher');

    expect((await publisher.get(`/reglages/utilisateurs/${editor.user.id}`)).status).toBe(403);
    expect((await publisher.post(`/reglages/utilisateurs/${editor.user.id}/role`, { role: 'admin' })).status).toBe(403);
    expect((await publisher.post(`/reglages/utilisateurs/${editor.user.id}/desactiver`, {})).status).toBe(403);
    expect(h.users.users.get(editor.user.id)?.status).toBe('active');
  });
});

import { describe, expect, it } from 'vitest';
import { workspaceHarness } from '../../support/workspace-harness';

type Harness = Awaited<ReturnType<typeof workspaceHarness>>;

/** The notice a redirect carries to the next page (cookie, URI-encoded twice). */
const noticeOf = (r: Response) =>
  decodeURIComponent(decodeURIComponent(/communique_notice=([^;]*)/.exec(r.headers.get('set-cookie') ?? '')?.[1] ?? ''));

const keyOf = async (h: Harness, email: string) => (await h.store.suppressionEntryOf(email))?.key as string;

async function withSuppressions() {
  const h = await workspaceHarness();
  await h.store.suppress('anne@exemple.fr', 'hard-bounce', '2026-03-01T09:00:00.000Z');
  await h.store.suppress('bruno@radio.fr', 'complaint', '2026-03-02T09:00:00.000Z');
  await h.store.suppress('denis@exemple.fr', 'erased', '2026-03-03T09:00:00.000Z');
  return h;
}

describe('suppressions page', () => {
  it('lists blocked addresses with reason and date in French; an erased one shows no address', async () => {
    const h = await withSuppressions();

    const r = await h.as('publisher').get('/audience/suppressions');
    const page = await r.text();

    expect(r.status).toBe(200);
    expect(page).toContain('<h1>Adresses bloquées</h1>');
    expect(page).toContain('anne@exemple.fr');
    expect(page).toContain('adresse en échec définitif');
    expect(page).toContain('plainte pour spam');
    expect(page).toContain('<em>adresse effacée</em>');
    expect(page).not.toContain('denis@exemple.fr');
    expect(page).toContain(`href="/audience/suppressions/${encodeURIComponent(await keyOf(h, 'anne@exemple.fr'))}/lever"`);
    expect(page).not.toContain(`/audience/suppressions/${encodeURIComponent(await keyOf(h, 'bruno@radio.fr'))}/lever`);
  });

  it('searches kept addresses, and answers for a whole address even when it was erased', async () => {
    const h = await withSuppressions();
    const pub = h.as('publisher');

    const partial = await (await pub.get('/audience/suppressions?q=radio')).text();
    const erased = await (await pub.get('/audience/suppressions?q=Denis@Exemple.fr')).text();
    const free = await (await pub.get('/audience/suppressions?q=zoe@exemple.fr')).text();

    expect(partial).toContain('bruno@radio.fr');
    expect(partial).not.toContain('anne@exemple.fr</th>');
    expect(erased).toContain('L’adresse denis@exemple.fr est bloquée : effacement RGPD');
    expect(free).toContain('L’adresse zoe@exemple.fr n’est pas bloquée.');
  });

  it('blocks an address by hand, audited without the address', async () => {
    const h = await withSuppressions();
    const pub = h.as('publisher');

    const r = await pub.post('/audience/suppressions', { email: ' Zoe@Exemple.FR ', note: 'demande par téléphone' });

    expect(r.status).toBe(303);
    expect(await h.store.suppressionOf('zoe@exemple.fr')).toMatchObject({ reason: 'manual' });
    const entry = h.store.audit.find((e) => e.action === 'suppression.added');
    expect(entry).toMatchObject({
      actorName: 'Personne publisher',
      detail: 'demande par téléphone',
      entityId: await keyOf(h, 'zoe@exemple.fr'),
    });
    expect(JSON.stringify(entry)).not.toContain('zoe@');
    expect(noticeOf(r)).toBe('Adresse bloquée : aucun envoi ne partira plus vers elle.');
  });

  it('refuses an invalid or already blocked address in French, keeping what was typed', async () => {
    const h = await withSuppressions();
    const pub = h.as('publisher');

    const invalid = await pub.post('/audience/suppressions', { email: 'pas-une-adresse' });
    const again = await pub.post('/audience/suppressions', { email: 'bruno@radio.fr' });

    expect(invalid.status).toBe(400);
    const invalidPage = await invalid.text();
    expect(invalidPage).toContain('Adresse e-mail invalide');
    expect(invalidPage).toContain('href="#champ-email"');
    expect(invalidPage).toContain('value="pas-une-adresse"');
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('Cette adresse est déjà bloquée (plainte pour spam).');
    expect(await h.store.suppressionOf('bruno@radio.fr')).toMatchObject({ reason: 'complaint' });
  });

  it('lifts a bounce block after a confirmation page with a reason, audited', async () => {
    const h = await withSuppressions();
    const pub = h.as('publisher');
    const key = await keyOf(h, 'anne@exemple.fr');

    const confirm = await pub.get(`/audience/suppressions/${key}/lever`);
    const noReason = await pub.post(`/audience/suppressions/${key}/lever`, { reason: '' });
    const done = await pub.post(`/audience/suppressions/${key}/lever`, { reason: 'boîte réparée' });

    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Lever le blocage de anne@exemple.fr ?');
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('Dites pourquoi le blocage est levé');
    expect(done.status).toBe(303);
    expect(await h.store.isSuppressed('anne@exemple.fr')).toBe(false);
    expect(h.store.audit.find((e) => e.action === 'suppression.lifted')).toMatchObject({
      entityId: key,
      detail: 'adresse en échec définitif : boîte réparée',
    });
  });

  it('never lifts a complaint or an erasure from the workspace', async () => {
    const h = await withSuppressions();
    const pub = h.as('admin');

    for (const email of ['bruno@radio.fr', 'denis@exemple.fr']) {
      const r = await pub.post(`/audience/suppressions/${await keyOf(h, email)}/lever`, { reason: 'je veux lui écrire' });
      expect(r.status).toBe(409);
      expect(await r.text()).toContain('ne se lève pas depuis l’espace de travail');
      expect(await h.store.isSuppressed(email)).toBe(true);
    }
  });

  it('answers 403 to editors and reviewers; refuses a post without the CSRF token', async () => {
    const h = await withSuppressions();
    const key = await keyOf(h, 'anne@exemple.fr');

    for (const role of ['editor', 'reviewer'] as const) {
      const page = await h.as(role).get('/audience/suppressions');
      expect(page.status).toBe(403);
      expect(await page.text()).toContain('Accès refusé');
      expect((await h.as(role).post('/audience/suppressions', { email: 'x@exemple.fr' })).status).toBe(403);
      expect((await h.as(role).post(`/audience/suppressions/${key}/lever`, { reason: 'raison' })).status).toBe(403);
    }
    expect((await h.as('publisher').post('/audience/suppressions', { email: 'x@exemple.fr' }, { csrf: false })).status).toBe(403);
    expect(await h.store.isSuppressed('x@exemple.fr')).toBe(false);
    expect(await h.store.isSuppressed('anne@exemple.fr')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { createRelease, updateRelease } from '../../../functions/app/manage-releases';
import { submitForReview } from '../../../functions/app/review-release';
import type { Actor } from '../../../functions/domain/actor';
import { mjmlRenderer } from '../../../functions/render/compile-release';
import { workspaceHarness } from '../../support/workspace-harness';

const alice: Actor = { id: 'u-alice', name: 'Alice Martin', role: 'editor' };
const noticeOf = (r: Response) =>
  decodeURIComponent(decodeURIComponent(/communique_notice=([^;]*)/.exec(r.headers.get('set-cookie') ?? '')?.[1] ?? ''));

/** A release by Alice, submitted for review (version 1). */
async function submitted(overrides = {}) {
  const h = await workspaceHarness(overrides);
  const release = await createRelease(h.deps, { brandId: 'cd41', title: 'Rentrée des collèges', lead: 'Le chapô de départ.' }, alice);
  await submitForReview(h.deps, alice, release.id);
  return { h, id: release.id };
}

describe('/relecture: the reviewers’ queue', () => {
  it('lists what awaits review for a reviewer, and is refused (403, French) to an editor', async () => {
    const { h } = await submitted();
    await createRelease(h.deps, { brandId: 'cd41', title: 'Brouillon pas soumis' }, alice);

    const reviewer = await h.as('reviewer').get('/relecture');
    const editor = await h.as('editor').get('/relecture');
    const page = await reviewer.text();

    expect(reviewer.status).toBe(200);
    expect(page).toContain('<h1>À relire</h1>');
    expect(page).toContain('Rentrée des collèges');
    expect(page).not.toContain('Brouillon pas soumis');
    expect(editor.status).toBe(403);
    expect(await editor.text()).toContain('Accès refusé');
  });
});

describe('/relecture/:id', () => {
  it('shows the mail as it will leave, and says a first reading has no earlier version', async () => {
    const { h, id } = await submitted({ ...mjmlRenderer });

    const r = await h.as('reviewer').get(`/relecture/${id}`);
    const page = await r.text();

    expect(r.status).toBe(200);
    expect(page).toContain('Relecture : Rentrée des collèges');
    expect(page).toMatch(/<iframe sandbox="" srcdoc="[^"]*Rentrée des collèges/);
    expect(page).toContain('Première relecture de ce communiqué');
    expect(page).toContain('name="version" value="1"');
    expect(page).toContain('Historique des versions (1)');
    const asReviewer = await (await h.as('reviewer').get(`/communiques/${id}`)).text();
    expect(asReviewer).toContain(`href="/relecture/${id}"`);
    expect(asReviewer).toContain('Lecture seule');
    expect(asReviewer).toMatch(/<fieldset disabled="">\s*<legend>En-tête<\/legend>/);
    expect(asReviewer).not.toContain('value="save"');
  });

  it('approves the version seen; an editor may not (403); without the CSRF token nothing happens', async () => {
    const { h, id } = await submitted();

    const editor = await h.as('editor').post(`/relecture/${id}/approuver`, { version: '1' });
    const noCsrf = await h.as('reviewer').post(`/relecture/${id}/approuver`, { version: '1' }, { csrf: false });
    expect((await h.store.getRelease(id))?.status).toBe('in_review');
    const ok = await h.as('reviewer').post(`/relecture/${id}/approuver`, { version: '1' });

    expect(editor.status).toBe(403);
    expect(noCsrf.status).toBe(403);
    expect(ok.status).toBe(303);
    expect(noticeOf(ok)).toBe('Communiqué approuvé (version 1).');
    expect((await h.store.getRelease(id))?.review?.approvedVersion).toBe(1);
  });

  it('refuses an approval of a version that changed meanwhile, and says why', async () => {
    const { h, id } = await submitted();
    const seen = await (await h.as('reviewer').get(`/relecture/${id}`)).text();
    expect(seen).toContain('name="version" value="1"');
    await updateRelease(h.deps, id, { brandId: 'cd41', title: 'Rentrée des collèges, modifiée' }, 1, alice);
    await submitForReview(h.deps, alice, id);

    const r = await h.as('reviewer').post(`/relecture/${id}/approuver`, { version: '1' });
    const page = await r.text();

    expect(r.status).toBe(409);
    expect(page).toContain('Approbation refusée : Vous avez relu la version 1, mais le communiqué est maintenant en version 2');
    expect(page).toContain('name="version" value="2"');
    expect((await h.store.getRelease(id))?.status).toBe('in_review');
  });

  it('shows what changed since the last approved version, field by field', async () => {
    const { h, id } = await submitted();
    await h.as('reviewer').post(`/relecture/${id}/approuver`, { version: '1' });
    await updateRelease(h.deps, id, { brandId: 'cd41', title: 'Rentrée des collèges 2024', lead: 'Le chapô de départ.' }, 1, alice);
    await submitForReview(h.deps, alice, id);

    const page = await (await h.as('reviewer').get(`/relecture/${id}`)).text();

    expect(page).toContain('depuis la version 1 (dernière version approuvée)');
    expect(page).toContain('<th scope="row">Titre</th>');
    expect(page).toContain('Rentrée des collèges 2024');
    expect(page).not.toContain('<th scope="row">Chapô</th>');
  });

  it('sends back with a required comment, which the author then reads in the editor, as text', async () => {
    const { h, id } = await submitted();

    const empty = await h.as('reviewer').post(`/relecture/${id}/renvoyer`, { comment: '   ' });
    const emptyPage = await empty.text();
    const ok = await h.as('reviewer').post(`/relecture/${id}/renvoyer`, { comment: 'Le chapô est trop long <script>x()</script>' });
    const editor = await (await h.as('editor').get(`/communiques/${id}`)).text();

    expect(empty.status).toBe(400);
    expect(emptyPage).toContain('Un commentaire est nécessaire pour renvoyer le communiqué à son auteur.');
    expect(emptyPage).toContain('href="#champ-comment"');
    expect(ok.status).toBe(303);
    expect(noticeOf(ok)).toBe('Communiqué renvoyé à son auteur avec votre commentaire.');
    expect((await h.store.getRelease(id))?.status).toBe('draft');
    expect(editor).toContain('Renvoyé par la relecture');
    expect(editor).toContain('Le chapô est trop long &lt;script&gt;x()&lt;/script&gt;');
  });

  it('shows the diff since the version submitted before, after a send-back and a new submission', async () => {
    const { h, id } = await submitted();
    await h.as('reviewer').post(`/relecture/${id}/renvoyer`, { comment: 'Raccourcir le chapô.' });
    await updateRelease(h.deps, id, { brandId: 'cd41', title: 'Rentrée des collèges', lead: 'Court.' }, 1, alice);
    await submitForReview(h.deps, alice, id);

    const page = await (await h.as('reviewer').get(`/relecture/${id}`)).text();

    expect(page).toContain('depuis la version 1 (version soumise la fois précédente)');
    expect(page).toContain('<th scope="row">Chapô</th>');
    expect(page).toContain('Court.');
  });

  it('answers 404 in French for an unknown release', async () => {
    const h = await workspaceHarness();

    const r = await h.as('reviewer').get('/relecture/inconnu');

    expect(r.status).toBe(404);
    expect(await r.text()).toContain('Communiqué introuvable : inconnu');
  });
});

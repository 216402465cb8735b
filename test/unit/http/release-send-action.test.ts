import { describe, expect, it } from 'vitest';
import { createRelease } from '../../../functions/app/manage-releases';
import type { Actor } from '../../../functions/domain/actor';
import { testBrand } from '../../support/fakes';
import { workspaceHarness } from '../../support/workspace-harness';

const attache: Actor = { id: 'u-publisher', name: 'Personne publisher', role: 'publisher' };
const sendLink = (id: string) => `href="/communiques/${id}/envoi"`;

describe('the editor and the list lead to the send dialog once the release may be sent', () => {
  it('a press attaché goes draft → submit → approve → send by following the pages (brand with review)', async () => {
    const h = await workspaceHarness();
    await h.store.putBrand({ ...testBrand, review: { required: true, allowSelfApproval: false } });
    const release = await createRelease(h.deps, { brandId: 'cd41', title: 'Rentrée des collèges' }, attache);
    const pub = h.as('publisher');
    const editorUrl = `/communiques/${release.id}`;

    const draft = await (await pub.get(editorUrl)).text();
    expect(draft).toContain('Soumettre à la relecture');
    expect(draft).not.toContain('Envoyer ou programmer…');
    expect(await (await pub.get('/communiques')).text()).not.toContain(sendLink(release.id));

    const submitAction = /action="([^"]+\/soumettre)"/.exec(draft)?.[1] ?? '';
    expect((await pub.post(submitAction, {})).status).toBe(303);
    const inReview = await (await pub.get(editorUrl)).text();
    expect(inReview).toContain('en relecture');
    expect(inReview).not.toContain('Envoyer ou programmer…');

    const reviewer = h.as('reviewer');
    const reviewPage = await (await reviewer.get(`/relecture/${release.id}`)).text();
    const approveAction = /action="([^"]+\/approuver)"/.exec(reviewPage)?.[1] ?? '';
    const version = /name="version" value="(\d+)"/.exec(reviewPage)?.[1] ?? '';
    expect((await reviewer.post(approveAction, { version })).status).toBe(303);

    const approved = await (await pub.get(editorUrl)).text();
    expect(approved).toContain(`${sendLink(release.id)}>`);
    expect(approved).toContain('Envoyer ou programmer…');
    const list = await (await pub.get('/communiques')).text();
    expect(list).toContain(sendLink(release.id));
    expect(list).toContain('Envoyer ou programmer…<span class="visually-hidden"> « Rentrée des collèges »</span>');

    const dialog = await pub.get(`/communiques/${release.id}/envoi`);
    expect(dialog.status).toBe(200);
    const dialogText = await dialog.text();
    expect(dialogText).toContain('Envoyer ou programmer');
    expect(dialogText).not.toContain('n’est pas encore approuvé');

    // Who may not send sees no way there, even approved.
    for (const role of ['editor', 'reviewer'] as const) {
      expect(await (await h.as(role).get(editorUrl)).text()).not.toContain('Envoyer ou programmer…');
      expect(await (await h.as(role).get('/communiques')).text()).not.toContain(sendLink(release.id));
    }
  });

  it('offers the send of a draft when its brand has no review, to publishers and admins', async () => {
    const h = await workspaceHarness();
    const release = await createRelease(h.deps, { brandId: 'cd41', title: 'Sans relecture' }, attache);

    for (const role of ['publisher', 'admin'] as const) {
      expect(await (await h.as(role).get(`/communiques/${release.id}`)).text()).toContain(sendLink(release.id));
      expect(await (await h.as(role).get('/communiques')).text()).toContain(sendLink(release.id));
    }
    expect(await (await h.as('editor').get(`/communiques/${release.id}`)).text()).not.toContain(sendLink(release.id));
  });
});

import { describe, expect, it } from 'vitest';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import { createSegment } from '../../../functions/app/manage-segments';
import { bootstrapAdmin } from '../../../functions/domain/actor';
import { workspaceHarness } from '../../support/workspace-harness';

/** A press list: two radios of the 41 (one waiting for confirmation), a print journalist of the 41, a radio of the 37. */
async function newsroom() {
  const h = await workspaceHarness();
  const presse = await createList(h.deps, { name: 'Presse régionale', kind: 'press', optIn: 'single' });
  const add = (email: string, profile: Record<string, unknown>, status?: 'unconfirmed') =>
    addSubscriberToList(h.deps, presse.id, { email, profile, ...(status ? { status } : {}) });
  await add('radio@example.org', { mediumType: 'radio', department: '41', tags: ['social'] });
  await add('attente@example.org', { mediumType: 'radio', department: '41' }, 'unconfirmed');
  await add('ecrit@example.org', { mediumType: 'print', department: '41' });
  await add('radio37@example.org', { mediumType: 'radio', department: '37' });
  const segment = await createSegment(h.deps, bootstrapAdmin, {
    name: 'Radios du Loir-et-Cher',
    filter: { mediumTypes: ['radio'], departments: ['41'] },
  });
  const release = await createRelease(h.deps, { brandId: 'cd41', title: 'Festival du travail social' });
  return { ...h, presse, segment, release };
}

describe('send dialog and campaign page with a segment', () => {
  it('offers the segments in a labelled select that the live summary follows', async () => {
    const h = await newsroom();
    const page = await (await h.as('publisher').get(`/communiques/${h.release.id}/envoi?listes=${h.presse.id}`)).text();

    expect(page).toContain('<label for="champ-segmentId">Segment (facultatif)</label>');
    expect(page).toContain('<select id="champ-segmentId" name="segment"');
    expect(page).toContain(`<option value="${h.segment.id}">Radios du Loir-et-Cher</option>`);
    expect(page).toContain('3 destinataires distincts');
  });

  it('counts who matches the chosen segment, and who is left out and why (page and htmx summary)', async () => {
    const h = await newsroom();
    const pub = h.as('publisher');
    const q = `listes=${h.presse.id}&segment=${h.segment.id}&quand=maintenant&cle=cle-segment-1`;

    const page = await (await pub.get(`/communiques/${h.release.id}/envoi?${q}`)).text();
    const fragment = await (await pub.get(`/communiques/${h.release.id}/envoi/resume?${q}`, { 'hx-request': 'true' })).text();

    expect(page).toContain(`<option value="${h.segment.id}" selected="">Radios du Loir-et-Cher</option>`);
    expect(page).toContain('Seuls les membres qui correspondent : média : radio ; département : 41.');
    expect(page).toContain('Atteint 1 personne ; laissées de côté : 2 personnes hors segment, 1 personne non confirmée.');
    for (const html of [page, fragment]) {
      expect(html).toContain('<strong>1 destinataire</strong> avec 1 liste et le segment « Radios du Loir-et-Cher »');
      expect(html).toContain('(laissés de côté : 2 hors segment, 1 non confirmé(s), 0 adresse(s) bloquée(s))');
    }
  });

  it('confirms naming the segment, and the campaign sends only to it', async () => {
    const h = await newsroom();
    const pub = h.as('publisher');
    const q = `listes=${h.presse.id}&segment=${h.segment.id}&quand=maintenant&cle=cle-segment-2`;

    const confirm = await (await pub.get(`/communiques/${h.release.id}/envoi/confirmation?${q}`)).text();
    const r = await pub.post(`/communiques/${h.release.id}/envoi`, {
      listes: h.presse.id,
      segment: h.segment.id,
      quand: 'maintenant',
      cle: 'cle-segment-2',
    });
    await h.queue.drain();

    expect(confirm).toContain('<dt>Segment</dt>');
    expect(confirm).toContain('Radios du Loir-et-Cher (média : radio ; département : 41)');
    expect(confirm).toContain(`<input type="hidden" name="segment" value="${h.segment.id}"/>`);
    expect(confirm).toContain('Envoyer à 1 destinataire</button>');
    expect(r.status).toBe(303);
    const [campaign] = (await h.store.listCampaigns()).items;
    expect(campaign?.segment).toEqual({ id: h.segment.id, name: 'Radios du Loir-et-Cher' });
    expect(h.mailer.sent.map((m) => m.to)).toEqual(['radio@example.org']);
    const campaignPage = await (await pub.get(r.headers.get('location') ?? '')).text();
    expect(campaignPage).toContain(
      'Listes : Presse régionale. Segment : « Radios du Loir-et-Cher », média : radio ; département : 41 (critères figés au lancement). Expéditeur',
    );
  });

  it('refuses to confirm a segment that no longer exists, or that nobody matches', async () => {
    const h = await newsroom();
    const pub = h.as('publisher');
    const nobody = await createSegment(h.deps, bootstrapAdmin, { name: 'Télés', filter: { mediumTypes: ['tv'] } });

    const gone = await pub.get(`/communiques/${h.release.id}/envoi/confirmation?listes=${h.presse.id}&segment=disparu&cle=cle-segment-3`);
    const empty = await pub.get(
      `/communiques/${h.release.id}/envoi/confirmation?listes=${h.presse.id}&segment=${nobody.id}&cle=cle-segment-4`,
    );

    expect(gone.status).toBe(400);
    expect(await gone.text()).toContain('Ce segment n’existe plus : choisissez-en un autre.');
    expect(empty.status).toBe(409);
    expect(await empty.text()).toContain('personne de confirmé et joignable sur ces listes ne correspond au segment');
  });
});

import { describe, expect, it } from 'vitest';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createSegment } from '../../../functions/app/manage-segments';
import { bootstrapAdmin } from '../../../functions/domain/actor';
import { workspaceHarness } from '../../support/workspace-harness';

async function audience() {
  const h = await workspaceHarness();
  const presse = await createList(h.deps, { name: 'Presse régionale', kind: 'press', optIn: 'single' });
  await addSubscriberToList(h.deps, presse.id, {
    email: 'radio@exemple.fr',
    profile: { mediumType: 'radio', department: '41', outlet: 'France Bleu Orléans' },
  });
  await addSubscriberToList(h.deps, presse.id, { email: 'ecrit@exemple.fr', profile: { mediumType: 'print', department: '41' } });
  return { ...h, presse };
}

describe('segments pages', () => {
  it('lists segments with their criteria in words, linked from the audience index', async () => {
    const h = await audience();
    await createSegment(h.deps, bootstrapAdmin, { name: 'Radios du 41', filter: { mediumTypes: ['radio'], departments: ['41'] } });
    const pub = h.as('publisher');

    const index = await (await pub.get('/audience')).text();
    const r = await pub.get('/audience/segments');
    const page = await r.text();

    expect(index).toContain('<a href="/audience/segments">Segments</a>');
    expect(r.status).toBe(200);
    expect(page).toContain('<h1>Segments</h1>');
    expect(page).toContain('<caption>Segments (1)</caption>');
    expect(page).toContain('média : radio ; département : 41');
    expect(page).toContain('Créer un segment');
  });

  it('creates a segment from the form (post/redirect/get) and shows who it reaches in each list', async () => {
    const h = await audience();
    const pub = h.as('publisher');

    const form = await (await pub.get('/audience/segments/nouveau')).text();
    const r = await pub.post('/audience/segments', {
      name: 'Radios du Loir-et-Cher',
      mediumTypes: 'radio',
      departments: '41, 37',
      tags: '',
      tagsMode: 'any',
      outletContains: 'france bleu',
      language: '',
    });
    const [segment] = await h.store.listSegments();
    const page = await (await pub.get(r.headers.get('location') ?? '')).text();

    expect(form).toContain('<label for="champ-name">Nom du segment<span aria-hidden="true"> *</span></label>');
    expect(form).toContain('hx-get="/audience/segments/apercu"');
    expect(r.status).toBe(303);
    expect(segment?.filter).toEqual({ mediumTypes: ['radio'], departments: ['41', '37'], outletContains: 'france bleu' });
    expect(r.headers.get('location')).toBe(`/audience/segments/${segment?.id}`);
    expect(page).toContain('<h1>Segment : Radios du Loir-et-Cher</h1>');
    expect(page).toMatch(
      /Presse régionale.*<td>1 personne<\/td><td>1 hors segment, 0 non confirmé\(s\), 0 adresse\(s\) bloquée\(s\)<\/td>/s,
    );
  });

  it('counts who the criteria match as they are typed (htmx fragment)', async () => {
    const h = await audience();
    const pub = h.as('publisher');

    const some = await (await pub.get('/audience/segments/apercu?mediumTypes=print&departments=41', { 'hx-request': 'true' })).text();
    const none = await (await pub.get('/audience/segments/apercu?tagsMode=any', { 'hx-request': 'true' })).text();

    expect(some).toContain('<strong>1 contact joignable correspond</strong> sur l’ensemble des listes (1 hors segment');
    expect(none).toContain('Ajoutez au moins un critère');
  });

  it('re-renders the form with 400 and the French messages beside their fields', async () => {
    const h = await audience();
    const pub = h.as('publisher');

    const noCriterion = await pub.post('/audience/segments', { name: 'Tous', tagsMode: 'any' });
    const noName = await pub.post('/audience/segments', { name: '', mediumTypes: 'tv' });
    const badMedium = await pub.post('/audience/segments', { name: 'X', mediumTypes: 'journal' });

    expect(noCriterion.status).toBe(400);
    const text = await noCriterion.text();
    expect(text).toContain('<a href="#champ-filter">au moins un critère est nécessaire');
    expect(await noName.text()).toContain('<a href="#champ-name">Donnez un nom au segment.</a>');
    expect(await badMedium.text()).toContain('<a href="#champ-filter-mediumTypes">type de média inconnu');
    expect(await h.store.listSegments()).toEqual([]);
  });

  it('edits, and deletes after a confirmation page', async () => {
    const h = await audience();
    const seg = await createSegment(h.deps, bootstrapAdmin, { name: 'Radios', filter: { mediumTypes: ['radio'] } });
    const pub = h.as('publisher');

    const edit = await (await pub.get(`/audience/segments/${seg.id}/modifier`)).text();
    const saved = await pub.post(`/audience/segments/${seg.id}/modifier`, {
      name: 'Radios et télés',
      mediumTypes: ['radio', 'tv'],
      tagsMode: 'all',
      tags: 'social, santé',
    });
    const confirm = await pub.get(`/audience/segments/${seg.id}/supprimer`);
    const stillThere = await h.store.getSegment(seg.id);
    const deleted = await pub.post(`/audience/segments/${seg.id}/supprimer`, {});

    expect(edit).toContain('<input type="checkbox" id="media-radio" name="mediumTypes" value="radio" checked=""/>');
    expect(saved.status).toBe(303);
    expect(stillThere?.filter).toEqual({ mediumTypes: ['radio', 'tv'], tags: ['social', 'santé'], tagsMode: 'all' });
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Supprimer le segment « Radios et télés » ?');
    expect(deleted.status).toBe(303);
    expect(await h.store.getSegment(seg.id)).toBeUndefined();
    expect((await h.store.listAudit(h.clock.now().toISOString().slice(0, 7))).map((a) => a.action)).toEqual(
      expect.arrayContaining(['segment.created', 'segment.updated', 'segment.deleted']),
    );
  });

  it('answers 403 to an editor and a reviewer, 404 for an unknown segment, and refuses a post without the CSRF token', async () => {
    const h = await audience();
    const seg = await createSegment(h.deps, bootstrapAdmin, { name: 'Radios', filter: { mediumTypes: ['radio'] } });
    for (const role of ['editor', 'reviewer'] as const) {
      expect((await h.as(role).get('/audience/segments')).status).toBe(403);
      expect((await h.as(role).get('/audience/segments/nouveau')).status).toBe(403);
      expect((await h.as(role).post('/audience/segments', { name: 'X', mediumTypes: 'tv' })).status).toBe(403);
      expect((await h.as(role).post(`/audience/segments/${seg.id}/supprimer`, {})).status).toBe(403);
    }
    expect((await h.as('publisher').get('/audience/segments/inconnu')).status).toBe(404);
    expect((await h.as('publisher').post('/audience/segments', { name: 'X', mediumTypes: 'tv' }, { csrf: false })).status).toBe(403);
    expect((await h.store.listSegments()).map((s) => s.name)).toEqual(['Radios']);
  });
});

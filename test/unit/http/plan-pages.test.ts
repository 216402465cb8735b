import { describe, expect, it } from 'vitest';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import { sweepCampaigns } from '../../../functions/app/schedule-campaign';
import { brands, seed001 } from '../../fixtures/seeds';
import { ManualClock } from '../../support/fakes';
import { workspaceHarness } from '../../support/workspace-harness';

const nbsp = '\u00a0';

async function festival(now = '2023-12-01T09:00:00Z') {
  const clock = new ManualClock(new Date(now));
  const h = await workspaceHarness({ clock, scheduler: { schedule: async () => undefined, unschedule: async () => undefined } });
  for (const b of brands) await h.store.putBrand(b);
  const partners = await createList(h.deps, { name: 'Partenaires', kind: 'partners', optIn: 'single' });
  await addSubscriberToList(h.deps, partners.id, { email: 'partenaire@example.org' });
  const source = await createRelease(h.deps, seed001);
  return { ...h, clock, partners, source, pub: h.as('publisher') };
}

const defaultSteps = (overrides: Record<string, string> = {}) => ({
  'etapes.0.type': 'save-the-date',
  'etapes.0.incluse': 'oui',
  'etapes.0.jours': '-60',
  'etapes.0.heure': '10:00',
  'etapes.1.type': 'invitation',
  'etapes.1.incluse': 'oui',
  'etapes.1.jours': '-30',
  'etapes.1.heure': '10:00',
  'etapes.2.type': 'reminder',
  'etapes.2.incluse': 'oui',
  'etapes.2.jours': '-7',
  'etapes.2.heure': '10:00',
  'etapes.3.type': 'day-of',
  'etapes.3.incluse': 'oui',
  'etapes.3.jours': '0',
  'etapes.3.heure': '08:00',
  'etapes.4.type': 'thank-you',
  'etapes.4.incluse': 'oui',
  'etapes.4.jours': '1',
  'etapes.4.heure': '10:00',
  ...overrides,
});

async function planned() {
  const f = await festival();
  const r = await f.pub.post('/plans', { source: f.source.id, listes: f.partners.id, ...defaultSteps() });
  const url = r.headers.get('location') as string;
  const plan = await f.store.getPlan(url.split('/').pop() as string);
  return { ...f, r, url, plan: plan as NonNullable<typeof plan> };
}

describe('plans', () => {
  it('offers to plan an event announcement, with the default steps and their local times', async () => {
    const f = await festival();

    const list = await (await f.pub.get('/plans')).text();
    const form = await f.pub.get(`/plans/nouveau?source=${f.source.id}`);
    const page = await form.text();

    expect(list).toContain('<h1>Plans d’annonces</h1>');
    expect(list).toContain('Aucun plan pour l’instant.');
    expect(list).toContain(`<a href="/plans/nouveau?source=${f.source.id}">Planifier ses annonces</a>`);
    expect(form.status).toBe(200);
    expect(page).toContain('J−60, le vendredi 2 février 2024 à 10\u00a0h\u00a000 (heure de Paris)');
    expect(page).toContain('J−30, le dimanche 3 mars 2024');
    expect(page).toContain(`jour J, le mardi 2 avril 2024 à 8${nbsp}h${nbsp}00 (heure de Paris)`);
    expect(page).toContain('J+1, le mercredi 3 avril 2024');
    expect(page).toContain('name="etapes.0.jours" value="-60"');
  });

  it('recalculates the send times of edited offsets without saving anything', async () => {
    const f = await festival();

    const r = await f.pub.post('/plans/nouveau', {
      source: f.source.id,
      ...defaultSteps({ 'etapes.0.jours': '-45', 'etapes.0.heure': '11:30' }),
    });

    expect(r.status).toBe(200);
    expect(await r.text()).toContain(`J−45, le samedi 17 février 2024 à 11${nbsp}h${nbsp}30 (heure de Paris)`);
    expect((await f.store.listPlans()).items).toHaveLength(0);
  });

  it('creates the plan (303) and shows a timeline: each step’s release to open in the editor, its status and local send time', async () => {
    const f = await planned();

    const timeline = await (await f.pub.get(f.url)).text();

    expect(f.r.status).toBe(303);
    expect(f.plan.steps).toHaveLength(5);
    expect(timeline).toContain('<h1>Plan : Festival du travail social</h1>');
    for (const step of f.plan.steps) {
      expect(timeline).toContain(`<a href="/communiques/${step.releaseId}">`);
      expect(timeline).toContain(`<a href="/campagnes/${step.campaignId}">`);
    }
    expect(timeline).toContain(`Envoi le vendredi 2 février 2024 à 10${nbsp}h${nbsp}00 (heure de Paris)`);
    expect(timeline.match(/>programmée</g)).toHaveLength(5);
    expect(timeline).toContain('(brouillon)');
    expect(await (await f.pub.get('/plans')).text()).toContain(`<a href="${f.url}">Festival du travail social</a>`);
  });

  it('a double POST of the plan form (same key) makes one plan', async () => {
    const f = await festival();
    const form = await (await f.pub.get(`/plans/nouveau?source=${f.source.id}`)).text();
    const key = /name="cle" value="([0-9a-f-]{36})"/.exec(form)?.[1] as string;
    const fields = { source: f.source.id, listes: f.partners.id, cle: key, ...defaultSteps() };

    const first = await f.pub.post('/plans', fields);
    const second = await f.pub.post('/plans', fields);

    expect(key).toBeDefined();
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect((await f.store.listPlans()).items).toHaveLength(1);
    expect((await f.store.listCampaigns()).items).toHaveLength(5);
  });

  it('creates only the steps kept, at the offsets entered', async () => {
    const f = await festival();

    const r = await f.pub.post('/plans', {
      source: f.source.id,
      listes: f.partners.id,
      ...defaultSteps({
        'etapes.0.incluse': '',
        'etapes.2.incluse': '',
        'etapes.3.incluse': '',
        'etapes.1.jours': '-21',
        'etapes.1.heure': '09:15',
      }),
    });
    const plan = await f.store.getPlan((r.headers.get('location') as string).split('/').pop() as string);

    expect(plan?.steps.map((s) => [s.type, s.localSendAt])).toEqual([
      ['invitation', '2024-03-12T09:15'],
      ['thank-you', '2024-04-03T10:00'],
    ]);
  });

  it('says in French which steps are already past, and that a list is needed, creating nothing', async () => {
    const f = await festival('2024-02-10T09:00:00Z');

    const past = await f.pub.post('/plans', { source: f.source.id, listes: f.partners.id, ...defaultSteps() });
    const noList = await f.pub.post('/plans', { source: f.source.id, ...defaultSteps({ 'etapes.0.incluse': '' }) });

    expect(past.status).toBe(400);
    expect(await past.text()).toContain('Étape(s) déjà passée(s) : Save the date (2024-02-02T10:00)');
    expect(noList.status).toBe(400);
    expect(await noList.text()).toContain('au moins une liste');
    expect((await f.store.listPlans()).items).toHaveLength(0);
  });

  it('refuses an editor (403) and a POST without CSRF', async () => {
    const f = await festival();
    const editor = f.as('editor');

    const form = await editor.get(`/plans/nouveau?source=${f.source.id}`);
    const post = await editor.post('/plans', { source: f.source.id, listes: f.partners.id, ...defaultSteps() });
    const noCsrf = await f.pub.post('/plans', { source: f.source.id, listes: f.partners.id, ...defaultSteps() }, { csrf: false });
    const list = await (await editor.get('/plans')).text();

    expect(form.status).toBe(403);
    expect(await form.text()).toContain('Accès refusé');
    expect(post.status).toBe(403);
    expect(noCsrf.status).toBe(403);
    expect(list).not.toContain('Planifier ses annonces</a>');
    expect((await f.store.listPlans()).items).toHaveLength(0);
  });

  it('shows which pending steps will move and which would fall in the past before confirming, then moves them', async () => {
    const f = await planned();
    // the save-the-date leaves on 2 February; on 20 February the event is brought forward by 3 weeks
    f.clock.advance(Date.parse('2024-02-02T09:01:00Z') - f.clock.now().getTime());
    await sweepCampaigns(f.deps, { staleClaimMs: 60_000 });
    await f.queue.drain();
    f.clock.advance(Date.parse('2024-02-20T09:00:00Z') - f.clock.now().getTime());

    const preview = await f.pub.get(`${f.url}/deplacement?debut=2024-03-12T09:00`);
    const page = await preview.text();
    const stepsBefore = (await f.store.getPlan(f.plan.id))?.steps;
    const editorPreview = await f.as('editor').get(`${f.url}/deplacement?debut=2024-03-12T09:00`);
    const moved = await f.pub.post(`${f.url}/deplacement`, { debut: '2024-03-12T09:00' });
    const after = await f.store.getPlan(f.plan.id);

    expect(preview.status).toBe(200);
    expect(page).toContain('Étapes qui seront déplacées (3)');
    expect(page).toContain(
      `Rappel : le mardi 26 mars 2024 à 10${nbsp}h${nbsp}00 (heure de Paris) → le mardi 5 mars 2024 à 10${nbsp}h${nbsp}00 (heure de Paris)`,
    );
    expect(page).toContain('Étapes qui tomberaient dans le passé (1)');
    expect(page).toContain('Invitation : serait le dimanche 11 février 2024');
    expect(page).toContain('Étapes inchangées (1)');
    expect(page).toContain('Save the date : campagne terminée');
    expect(page).toContain('Déplacer l’événement et 3 étapes</button>');
    expect(stepsBefore).toEqual(f.plan.steps);
    expect(editorPreview.status).toBe(403);
    expect(moved.status).toBe(303);
    expect(after?.eventStart).toBe('2024-03-12T09:00');
    expect(after?.steps.map((s) => s.localSendAt)).toEqual([
      '2024-02-02T10:00',
      '2024-03-03T10:00',
      '2024-03-05T10:00',
      '2024-03-12T08:00',
      '2024-03-13T10:00',
    ]);
  });

  it('answers an invalid new date with a French 400 and changes nothing', async () => {
    const f = await planned();

    const r = await f.pub.get(`${f.url}/deplacement?debut=2024-13-40T09:00`);

    expect(r.status).toBe(400);
    expect(await r.text()).toContain('Date impossible');
    expect((await f.store.getPlan(f.plan.id))?.eventStart).toBe(f.plan.eventStart);
  });
});

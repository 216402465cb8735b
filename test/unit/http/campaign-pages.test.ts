import { describe, expect, it } from 'vitest';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import type { CampaignScheduler } from '../../../functions/ports';
import { testBrand } from '../../support/fakes';
import { workspaceHarness } from '../../support/workspace-harness';

class RecordingScheduler implements CampaignScheduler {
  readonly schedules = new Map<string, string>();
  async schedule(id: string, at: Date) {
    this.schedules.set(id, at.toISOString());
  }
  async unschedule(id: string) {
    this.schedules.delete(id);
  }
}

/** A newsroom: a press list (2 confirmed, 1 suppressed), a double opt-in public list (1 confirmed, 1 not), a release. */
async function newsroom(options: { review?: boolean; embargoUntil?: string } = {}) {
  const scheduler = new RecordingScheduler();
  const h = await workspaceHarness({ scheduler });
  if (options.review) await h.store.putBrand({ ...testBrand, review: { required: true, allowSelfApproval: false } });
  const presse = await createList(h.deps, { name: 'Presse régionale', kind: 'press', optIn: 'single' });
  const public_ = await createList(h.deps, { name: 'Lettre du département', kind: 'public', optIn: 'double' });
  await addSubscriberToList(h.deps, presse.id, { email: 'a@example.org' });
  await addSubscriberToList(h.deps, presse.id, { email: 'b@example.org' });
  await addSubscriberToList(h.deps, presse.id, { email: 'rebond@example.org' });
  await h.store.suppress('rebond@example.org', 'hard-bounce', '2026-03-01T00:00:00Z');
  await addSubscriberToList(h.deps, public_.id, { email: 'c@example.org', status: 'confirmed' });
  await addSubscriberToList(h.deps, public_.id, { email: 'pas-encore@example.org' });
  const release = await createRelease(h.deps, {
    brandId: 'cd41',
    title: 'Festival du travail social',
    ...(options.embargoUntil ? { embargoUntil: options.embargoUntil } : {}),
  });
  return { ...h, scheduler, presse, public_, release };
}

const countCampaigns = async (h: Awaited<ReturnType<typeof newsroom>>) => (await h.store.listCampaigns()).items.length;

describe('send or schedule dialog', () => {
  it('shows each list with who it reaches and who is left out, and why', async () => {
    const h = await newsroom();
    const pub = h.as('publisher');

    const r = await pub.get(`/communiques/${h.release.id}/envoi`);
    const page = await r.text();

    expect(r.status).toBe(200);
    expect(page).toContain('<h1>Envoyer ou programmer</h1>');
    expect(page).toContain('Presse régionale');
    expect(page).toContain('Atteint 2 personnes ; laissées de côté : 1 adresse bloquée (désinscription, rebond ou plainte).');
    expect(page).toContain('Atteint 1 personne ; laissées de côté : 1 personne non confirmée.');
    expect(page).toMatch(/name="cle" value="[0-9a-f-]{36}"/);
    expect(page).toContain('hx-get="/communiques/');
    expect(page).toContain('heure de Paris');
  });

  it('updates the summary fragment as boxes change (htmx), the same figures the page shows without JS', async () => {
    const h = await newsroom();
    const pub = h.as('publisher');

    const r = await pub.get(
      `/communiques/${h.release.id}/envoi/resume?listes=${h.presse.id}&listes=${h.public_.id}&quand=maintenant&cle=key-12345678`,
      {
        'hx-request': 'true',
      },
    );
    const fragment = await r.text();

    expect(r.status).toBe(200);
    expect(fragment).not.toContain('<html');
    expect(fragment).toContain('<strong>3 destinataires distincts</strong> avec 2 listes');
    expect(fragment).toContain('laissés de côté : 1 non confirmé(s), 1 adresse(s) bloquée(s)');
  });

  it('says a non-press list reaches nobody while the release is under embargo', async () => {
    const h = await newsroom({ embargoUntil: '2026-04-01T08:00:00.000Z' });
    const pub = h.as('publisher');

    const page = await (await pub.get(`/communiques/${h.release.id}/envoi?listes=${h.public_.id}`)).text();
    const confirm = await pub.get(
      `/communiques/${h.release.id}/envoi/confirmation?listes=${h.public_.id}&quand=maintenant&cle=key-12345678`,
    );

    expect(page).toContain('Sous embargo jusqu’au mercredi 1er avril 2026 à 10\u00a0h\u00a000 : liste non presse');
    expect(confirm.status).toBe(409);
    expect(await confirm.text()).toContain('Sous embargo : envoi réservé aux listes presse (décochez « Lettre du département »)');
  });

  it('confirms with subject, sender, count and time, then a double POST with the same key creates one campaign (303 to it)', async () => {
    const h = await newsroom();
    const pub = h.as('publisher');
    const q = `listes=${h.presse.id}&listes=${h.public_.id}&quand=maintenant&cle=cle-double-clic-1`;

    const confirm = await pub.get(`/communiques/${h.release.id}/envoi/confirmation?${q}`);
    const page = await confirm.text();
    const fields = { listes: [h.presse.id, h.public_.id], quand: 'maintenant', cle: 'cle-double-clic-1' };
    const first = await pub.post(`/communiques/${h.release.id}/envoi`, fields);
    const second = await pub.post(`/communiques/${h.release.id}/envoi`, fields);

    expect(confirm.status).toBe(200);
    expect(page).toContain('<h1>Confirmer l’envoi</h1>');
    expect(page).toContain('Festival du travail social');
    expect(page).toContain('Conseil départemental de Loir-et-Cher &lt;presse@example.org&gt;');
    expect(page).toContain('Envoyer à 3 destinataires</button>');
    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(first.headers.get('location')).toMatch(/^\/campagnes\/.+/);
    expect(await countCampaigns(h)).toBe(1);
  });

  it('two confirmations at once with the same key (a double click) create one campaign', async () => {
    const h = await newsroom();
    const pub = h.as('publisher');
    const fields = { listes: h.presse.id, quand: 'maintenant', cle: 'cle-simultanee-1' };

    const [a, b] = await Promise.all([
      pub.post(`/communiques/${h.release.id}/envoi`, fields),
      pub.post(`/communiques/${h.release.id}/envoi`, fields),
    ]);

    expect([a.status, b.status]).toEqual([303, 303]);
    expect(a.headers.get('location')).toBe(b.headers.get('location'));
    expect(await countCampaigns(h)).toBe(1);
  });

  it('refuses a key already used for another request, and the dialog comes back with a fresh key', async () => {
    const h = await newsroom();
    const pub = h.as('publisher');
    await pub.post(`/communiques/${h.release.id}/envoi`, { listes: h.presse.id, quand: 'maintenant', cle: 'cle-reutilisee-1' });

    const r = await pub.post(`/communiques/${h.release.id}/envoi`, { listes: h.public_.id, quand: 'maintenant', cle: 'cle-reutilisee-1' });
    const page = await r.text();

    expect(r.status).toBe(409);
    expect(page).toContain('Il y a un problème');
    expect(page).toContain('a déjà servi pour une autre demande');
    expect(page).toMatch(/name="cle" value="[0-9a-f-]{36}"/);
    expect(await countCampaigns(h)).toBe(1);
  });

  it('schedules at a local time in Paris, named in words on the confirmation', async () => {
    const h = await newsroom();
    const pub = h.as('publisher');
    const q = `listes=${h.presse.id}&quand=plus-tard&date=2026-03-10&heure=09:30&cle=cle-programme-1`;

    const page = await (await pub.get(`/communiques/${h.release.id}/envoi/confirmation?${q}`)).text();
    const r = await pub.post(`/communiques/${h.release.id}/envoi`, {
      listes: h.presse.id,
      quand: 'plus-tard',
      date: '2026-03-10',
      heure: '09:30',
      cle: 'cle-programme-1',
    });

    expect(page).toContain('le mardi 10 mars 2026 à 9\u00a0h\u00a030 (heure de Paris)');
    expect(page).toContain('Programmer l’envoi à 2 destinataires</button>');
    expect(r.status).toBe(303);
    const campaign = (await h.store.listCampaigns()).items[0];
    expect(campaign?.status).toBe('scheduled');
    expect(h.scheduler.schedules.get(campaign?.id ?? '')).toBe('2026-03-10T08:30:00.000Z');
  });

  it('asks in words which of the two times is meant when clocks go back, and schedules the one chosen', async () => {
    const h = await newsroom();
    const pub = h.as('publisher');
    const q = `listes=${h.presse.id}&quand=plus-tard&date=2026-10-25&heure=02:30&cle=cle-ambigue-1`;

    const ask = await pub.get(`/communiques/${h.release.id}/envoi/confirmation?${q}`);
    const page = await ask.text();
    const chosen = await pub.get(`/communiques/${h.release.id}/envoi/confirmation?${q}&ambiguite=later`);
    const r = await pub.post(`/communiques/${h.release.id}/envoi`, {
      listes: h.presse.id,
      quand: 'plus-tard',
      date: '2026-10-25',
      heure: '02:30',
      ambiguite: 'later',
      cle: 'cle-ambigue-1',
    });

    expect(ask.status).toBe(400);
    expect(page).toContain('Le dimanche 25 octobre 2026 à 2\u00a0h\u00a030 existe deux fois à Paris');
    expect(page).toContain('la première (heure d’été, UTC+02:00)');
    expect(page).toContain('la seconde (heure d’hiver, UTC+01:00)');
    expect(page).toContain('type="radio" id="ambiguite-later" name="ambiguite" value="later"');
    expect(await chosen.text()).toContain('(heure de Paris, heure d’hiver)');
    expect(r.status).toBe(303);
    const campaign = (await h.store.listCampaigns()).items[0];
    expect(h.scheduler.schedules.get(campaign?.id ?? '')).toBe('2026-10-25T01:30:00.000Z');
  });

  it('says a time skipped by the spring change does not exist and proposes the next valid one', async () => {
    const h = await newsroom();
    const pub = h.as('publisher');

    const r = await pub.get(
      `/communiques/${h.release.id}/envoi/confirmation?listes=${h.presse.id}&quand=plus-tard&date=2026-03-29&heure=02:30&cle=cle-saut-1`,
    );
    const page = await r.text();

    expect(r.status).toBe(400);
    expect(page).toContain('Le dimanche 29 mars 2026 à 2\u00a0h\u00a030 n’existe pas à Paris');
    expect(page).toContain('le dimanche 29 mars 2026 à 3\u00a0h\u00a000 (heure de Paris)');
    expect(page).toContain('name="heure" value="03:00"');
    expect(page).toContain('Prendre 3\u00a0h\u00a000</button>');
    expect(await countCampaigns(h)).toBe(0);
  });

  it('sends a forged session to sign in, and answers an unknown release with a French 404', async () => {
    const h = await newsroom();

    const forged = await h.app.request(`/communiques/${h.release.id}/envoi`, { headers: { cookie: 'communique_session=forged' } });
    const unknown = await h.as('publisher').get('/communiques/inconnu/envoi');

    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toMatch(/^\/connexion/);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Page introuvable');
  });

  it('refuses an editor (403, French) and a POST without the CSRF token, creating nothing', async () => {
    const h = await newsroom();
    const editor = h.as('editor');
    const pub = h.as('publisher');

    const page = await editor.get(`/communiques/${h.release.id}/envoi`);
    const post = await editor.post(`/communiques/${h.release.id}/envoi`, {
      listes: h.presse.id,
      quand: 'maintenant',
      cle: 'cle-editeur-1',
    });
    const noCsrf = await pub.post(
      `/communiques/${h.release.id}/envoi`,
      { listes: h.presse.id, quand: 'maintenant', cle: 'cle-csrf-0001' },
      { csrf: false },
    );

    expect(page.status).toBe(403);
    expect(await page.text()).toContain('Accès refusé');
    expect(post.status).toBe(403);
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.text()).toContain('Formulaire expiré');
    expect(await countCampaigns(h)).toBe(0);
  });

  it('offers no send form for an unapproved release of a brand with review, and the launch refuses it with its message', async () => {
    const h = await newsroom({ review: true });
    const pub = h.as('publisher');

    const page = await (await pub.get(`/communiques/${h.release.id}/envoi`)).text();
    const r = await pub.post(`/communiques/${h.release.id}/envoi`, { listes: h.presse.id, quand: 'maintenant', cle: 'cle-relecture-1' });

    expect(page).toContain('pas encore approuvé');
    expect(page).not.toContain('>Continuer</button>');
    expect(r.status).toBe(409);
    expect(await r.text()).toContain('la relecture est obligatoire');
    expect(await countCampaigns(h)).toBe(0);
  });
});

describe('campaign page', () => {
  async function launched() {
    const h = await newsroom();
    const pub = h.as('publisher');
    const r = await pub.post(`/communiques/${h.release.id}/envoi`, { listes: h.presse.id, quand: 'maintenant', cle: 'cle-campagne-1' });
    const url = r.headers.get('location') as string;
    return { ...h, pub, url, id: url.split('/').pop() as string };
  }

  it('shows a running campaign with a polling fragment, counts by state and SES figures', async () => {
    const h = await launched();

    const r = await h.pub.get(h.url);
    const page = await r.text();
    const fragment = await (await h.pub.get(`${h.url}/progression`, { 'hx-request': 'true' })).text();

    expect(r.status).toBe(200);
    expect(page).toContain('Campagne : Festival du travail social');
    expect(page).toContain('hx-trigger="every 2s"');
    expect(page).toContain('>Actualiser</a>');
    expect(page).toContain('Ce que SES a signalé après l’envoi');
    expect(page).toContain('Mettre en pause');
    expect(fragment).toMatch(/^<section id="progression"/);
    expect(fragment).toContain('hx-get="/campagnes/');
    expect(fragment).toContain('Destinataires par état');
  });

  it('stops polling once finished, with the exact counts and failures listed with their reasons, paged', async () => {
    const h = await launched();
    h.mailer.failures.push(Object.assign(new Error('Adresse refusée par le serveur'), { name: 'MessageRejected' }));
    await h.queue.drain();

    const page = await (await h.pub.get(h.url)).text();
    const fragment = await (await h.pub.get(`${h.url}/progression`)).text();

    expect(fragment).not.toContain('every 2s');
    expect(fragment).toContain('terminée');
    expect(fragment).toMatch(/2 traités sur 2 destinataires \(100 %\)/);
    // the last poll also replaces the controls out of band: nothing left to pause or cancel
    expect(fragment).toMatch(/<div id="controles-campagne" hx-swap-oob="true">/);
    expect(fragment).not.toContain('Mettre en pause');
    expect(fragment).not.toContain('Annuler la campagne');
    expect(page).toContain('Destinataires en échec et raison');
    expect(page).toMatch(/@example\.org<\/td><td>[^<]+<\/td>/);
  });

  it('pages the failures, 20 at a time, each with its reason', async () => {
    const h = await newsroom();
    const pub = h.as('publisher');
    for (let i = 0; i < 23; i++)
      await addSubscriberToList(h.deps, h.presse.id, { email: `echec-${String(i).padStart(2, '0')}@example.org` });
    const r = await pub.post(`/communiques/${h.release.id}/envoi`, { listes: h.presse.id, quand: 'maintenant', cle: 'cle-echecs-001' });
    const url = r.headers.get('location') as string;
    for (let i = 0; i < 25; i++) h.mailer.failures.push(Object.assign(new Error(`Adresse refusée n° ${i}`), { name: 'MessageRejected' }));
    await h.queue.drain();

    const first = await (await pub.get(url)).text();
    const next = /href="(\/campagnes\/[^"?]+\?echecs=[^"#]+)#titre-echecs">Échecs suivants/.exec(first)?.[1];
    const second = await (await pub.get((next ?? '').replaceAll('&amp;', '&'))).text();
    const rows = (page: string) => page.match(/<tr><td>[^<]+@example\.org<\/td>/g) ?? [];

    expect(rows(first)).toHaveLength(20);
    expect(first).toContain('Adresse refusée n° ');
    expect(next).toBeDefined();
    expect(rows(second).length).toBe(5);
    expect(new Set([...rows(first), ...rows(second)]).size).toBe(25);
    expect(second).toContain('Premiers échecs');
  });

  it('pauses and resumes through confirmation pages (GET shows, POST does), refused to an editor and without CSRF', async () => {
    const h = await launched();
    const editor = h.as('editor');

    const confirm = await h.pub.get(`${h.url}/pause`);
    const noCsrf = await h.pub.post(`${h.url}/pause`, {}, { csrf: false });
    const byEditor = await editor.post(`${h.url}/pause`, {});
    const editorPage = await editor.get(`${h.url}/pause`);
    const paused = await h.pub.post(`${h.url}/pause`, {});
    const again = await h.pub.post(`${h.url}/pause`, {});
    const resumed = await h.pub.post(`${h.url}/reprise`, {});

    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Mettre la campagne en pause');
    expect(noCsrf.status).toBe(403);
    expect(byEditor.status).toBe(403);
    expect(editorPage.status).toBe(403);
    expect(paused.status).toBe(303);
    expect(paused.headers.get('location')).toBe(h.url);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('Impossible de mettre en pause une campagne en pause.');
    expect(resumed.status).toBe(303);
    expect((await h.store.getCampaign(h.id))?.status).toBe('running');
  });

  it('reschedules a scheduled campaign, asking about a repeated time, and cancels it', async () => {
    const h = await newsroom();
    const pub = h.as('publisher');
    const r = await pub.post(`/communiques/${h.release.id}/envoi`, {
      listes: h.presse.id,
      quand: 'plus-tard',
      date: '2026-03-10',
      heure: '09:30',
      cle: 'cle-reprog-1',
    });
    const url = r.headers.get('location') as string;
    const id = url.split('/').pop() as string;

    const form = await (await pub.get(`${url}/reprogrammation`)).text();
    const ask = await pub.post(`${url}/reprogrammation`, { date: '2026-10-25', heure: '02:15' });
    const moved = await pub.post(`${url}/reprogrammation`, { date: '2026-10-25', heure: '02:15', ambiguite: 'earlier' });
    const movedTo = h.scheduler.schedules.get(id);
    const cancelPage = await (await pub.get(`${url}/annulation`)).text();
    const cancelled = await pub.post(`${url}/annulation`, {});

    expect(form).toContain('value="2026-03-10"');
    expect(form).toContain('value="09:30"');
    expect(ask.status).toBe(400);
    expect(await ask.text()).toContain('la seconde (heure d’hiver, UTC+01:00)');
    expect(moved.status).toBe(303);
    expect(movedTo).toBe('2026-10-25T00:15:00.000Z');
    expect(cancelPage).toContain('Annuler définitivement la campagne');
    expect(cancelled.status).toBe(303);
    expect((await h.store.getCampaign(id))?.status).toBe('cancelled');
    expect(h.scheduler.schedules.has(id)).toBe(false);
  });

  it('lists campaigns with a status filter', async () => {
    const h = await launched();
    await h.pub.post(`/communiques/${h.release.id}/envoi`, {
      listes: h.presse.id,
      quand: 'plus-tard',
      date: '2026-03-10',
      heure: '09:30',
      cle: 'cle-liste-2',
    });

    const all = await (await h.pub.get('/campagnes')).text();
    const scheduled = await (await h.pub.get('/campagnes?statut=scheduled')).text();
    const none = await (await h.pub.get('/campagnes?statut=missed')).text();

    expect(all.match(/<tr><td><a href="\/campagnes\//g)).toHaveLength(2);
    expect(scheduled.match(/<tr><td><a href="\/campagnes\//g)).toHaveLength(1);
    expect(scheduled).toContain('programmée le mardi 10 mars 2026 à 9\u00a0h\u00a030 (heure de Paris)');
    expect(none).toContain('Aucune campagne manquée.');
  });
});

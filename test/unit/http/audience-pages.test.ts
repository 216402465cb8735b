import { describe, expect, it } from 'vitest';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import type { Campaign } from '../../../functions/domain/campaign';
import type { CompiledMail } from '../../../functions/render/compiled-mail';
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

/** A press list (single opt-in) with three journalists, a public double opt-in list, a campaign sent to Anne. */
async function pressFile() {
  const h = await workspaceHarness();
  const presse = await createList(h.deps, { name: 'Presse régionale', kind: 'press', optIn: 'single' });
  const lettre = await createList(h.deps, { name: 'Lettre du département', kind: 'public', optIn: 'double' });
  const partenaires = await createList(h.deps, { name: 'Partenaires', kind: 'partners', optIn: 'single' });
  const anne = await addSubscriberToList(h.deps, presse.id, {
    email: 'anne@nr.fr',
    profile: { name: 'Anne Leroy', outlet: 'La Nouvelle République', mediumType: 'print', department: '41', tags: ['social', 'culture'] },
  });
  await addSubscriberToList(h.deps, presse.id, {
    email: 'bruno@radio.fr',
    profile: { name: 'Bruno Petit', outlet: 'France Bleu Orléans', mediumType: 'radio', department: '45', tags: ['social'] },
  });
  await addSubscriberToList(h.deps, presse.id, {
    email: 'claire@tv.fr',
    profile: { name: 'Claire Dubois', mediumType: 'tv', department: '41' },
  });
  await addSubscriberToList(h.deps, lettre.id, { email: 'zoe@exemple.fr' });
  const release = await createRelease(h.deps, { brandId: 'cd41', title: 'Festival du travail social' });
  const at = '2026-03-05T09:00:00.000Z';
  await h.store.createCampaign(
    {
      id: 'camp-1',
      releaseId: release.id,
      listIds: [presse.id],
      sender: { name: 'CD41', address: 'presse@cd41.fr' },
      status: 'finished',
      counts: { pending: 0, sending: 0, sent: 1, failed: 0, skipped: 0 },
      createdAt: at,
    } as Campaign,
    { subject: 's', html: 'h', text: 't' } as unknown as CompiledMail,
  );
  const anneId = anne.subscriber?.id as string;
  await h.store.addRecipients('camp-1', [
    {
      campaignId: 'camp-1',
      subscriberId: anneId,
      email: 'anne@nr.fr',
      listIds: [presse.id],
      status: 'sent',
      messageId: 'ses-0001',
      updatedAt: at,
    },
  ]);
  return { ...h, presse, lettre, partenaires, anneId, release };
}

describe('lists', () => {
  it('shows every list with its counts by status, and the way to create one for publishers', async () => {
    const h = await pressFile();

    const r = await h.as('publisher').get('/audience');
    const page = await r.text();

    expect(r.status).toBe(200);
    expect(page).toContain('<h1>Audience</h1>');
    expect(page).toContain('Presse régionale');
    expect(page).toContain('3 inscrits, 0 en attente de confirmation, 0 désinscrit');
    expect(page).toContain('0 inscrit, 1 en attente de confirmation, 0 désinscrit');
    expect(page).toContain('href="/audience/listes/nouvelle"');
    expect(page).toContain('href="/audience/suppressions"');
  });

  it('creates a list (kind, opt-in, public sign-up, brand), audited; an empty name is refused in French', async () => {
    const h = await pressFile();
    const pub = h.as('publisher');

    const form = await pub.get('/audience/listes/nouvelle');
    const bad = await pub.post('/audience/listes', { name: '  ', kind: 'partners', optIn: 'single' });
    const ok = await pub.post('/audience/listes', {
      name: 'Élus',
      kind: 'partners',
      optIn: 'single',
      publicSignup: 'oui',
      brandId: 'cd41',
    });

    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Inscription publique');
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain('Donnez un nom à la liste.');
    expect(badPage).toContain('href="#champ-name"');
    expect(badPage).toMatch(/<option value="partners" selected/);
    expect(ok.status).toBe(303);
    const created = (await h.store.listLists()).find((l) => l.name === 'Élus');
    expect(created).toMatchObject({ kind: 'partners', optIn: 'single', publicSignup: true, brandId: 'cd41' });
    expect(ok.headers.get('location')).toBe(`/audience/listes/${created?.id}`);
    expect(h.store.audit.find((e) => e.action === 'list.created')).toMatchObject({ entity: 'list', entityId: created?.id });
  });

  it('edits a list, keeping its members; an unknown brand is refused', async () => {
    const h = await pressFile();
    const pub = h.as('publisher');

    const form = await (await pub.get(`/audience/listes/${h.lettre.id}/modifier`)).text();
    const bad = await pub.post(`/audience/listes/${h.lettre.id}/modifier`, {
      name: 'Lettre',
      kind: 'public',
      optIn: 'double',
      brandId: 'inconnue',
    });
    const ok = await pub.post(`/audience/listes/${h.lettre.id}/modifier`, {
      name: 'Lettre mensuelle',
      kind: 'public',
      optIn: 'double',
      publicSignup: 'oui',
    });

    expect(form).toContain('value="Lettre du département"');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Cette marque n’existe pas');
    expect(ok.status).toBe(303);
    expect(await h.store.getList(h.lettre.id)).toMatchObject({
      name: 'Lettre mensuelle',
      publicSignup: true,
      createdAt: h.lettre.createdAt,
    });
    expect(await h.store.countMembersByStatus(h.lettre.id)).toEqual({ unconfirmed: 1, confirmed: 0, unsubscribed: 0 });
  });

  it('pages members by cursor, with their press fields and links to their page', async () => {
    const h = await pressFile();
    for (let i = 0; i < 60; i++) await addSubscriberToList(h.deps, h.presse.id, { email: `j${String(i).padStart(2, '0')}@presse.fr` });
    const pub = h.as('publisher');

    const first = await (await pub.get(`/audience/listes/${h.presse.id}`)).text();
    const next = /href="(\/audience\/listes\/[^"]+curseur=[^"#]+)#membres"/.exec(first)?.[1]?.replaceAll('&amp;', '&');
    const second = await (await pub.get(next as string)).text();

    expect(first).toContain('63 inscrits, 0 en attente de confirmation');
    expect(first).toContain(`href="/audience/contacts/${h.anneId}"`);
    expect(first).toContain('La Nouvelle République');
    expect(next).toBeDefined();
    const rows = (html: string) => (html.match(/<th scope="row"><a href="\/audience\/contacts\//g) ?? []).length;
    expect(rows(first) + rows(second)).toBe(63);
  });

  it('searches by address, name or outlet and filters by status, medium, département and tags', async () => {
    const h = await pressFile();
    const pub = h.as('publisher');
    const page = (q: string) => pub.get(`/audience/listes/${h.presse.id}?${q}`).then((r) => r.text());
    const emails = (html: string) =>
      [...html.matchAll(/<th scope="row"><a href="\/audience\/contacts\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);

    expect(emails(await page('q=nouvelle+republique'))).toEqual(['anne@nr.fr']);
    expect(emails(await page('q=Petit'))).toEqual(['bruno@radio.fr']);
    expect(emails(await page('media=radio'))).toEqual(['bruno@radio.fr']);
    expect((await page('departement=41')).match(/<th scope="row">/g)).toHaveLength(2);
    expect(emails(await page('etiquettes=social%2C+culture'))).toEqual(['anne@nr.fr']);
    expect(emails(await page('statut=unsubscribed'))).toEqual([]);
    expect(await page('statut=unsubscribed')).toContain('Aucun membre ne correspond à ces critères');
  });

  it('answers 403 to editors and reviewers (personal data), and to them for creating a list; CSRF is required', async () => {
    const h = await pressFile();

    for (const role of ['editor', 'reviewer'] as const) {
      expect((await h.as(role).get('/audience')).status).toBe(403);
      expect((await h.as(role).get(`/audience/listes/${h.presse.id}`)).status).toBe(403);
      expect((await h.as(role).post('/audience/listes', { name: 'X', kind: 'press', optIn: 'single' })).status).toBe(403);
    }
    expect((await h.as('publisher').post('/audience/listes', { name: 'X', kind: 'press', optIn: 'single' }, { csrf: false })).status).toBe(
      403,
    );
    expect((await h.store.listLists()).map((l) => l.name)).not.toContain('X');
  });

  it('answers 404 in French for an unknown list', async () => {
    const h = await pressFile();

    const r = await h.as('publisher').get('/audience/listes/inconnue');

    expect(r.status).toBe(404);
    expect(await r.text()).toContain('Liste introuvable');
  });
});

describe('a contact’s page (the press file)', () => {
  it('shows the profile, lists, consent history and the releases sent with what SES answered', async () => {
    const h = await pressFile();
    await h.store.appendConsent({
      subscriberId: h.anneId,
      listId: h.lettre.id,
      event: 'confirmed',
      at: '2026-03-02T10:00:00.000Z',
      source: 'form',
      lawfulBasis: 'consent',
      wording: 'J’accepte',
      wordingVersion: 'signup-2026-11',
      ip: '192.0.2.7',
      userAgent: 'Firefox',
    });

    const r = await h.as('publisher').get(`/audience/contacts/${h.anneId}`);
    const page = await r.text();

    expect(r.status).toBe(200);
    expect(page).toContain('<h1>Anne Leroy</h1>');
    expect(page).toContain('anne@nr.fr');
    expect(page).toContain('presse écrite');
    expect(page).toContain('social, culture');
    expect(page).toContain('Presse régionale');
    expect(page).toContain('inscription confirmée');
    expect(page).toContain('formulaire public');
    expect(page).toContain('(version signup-2026-11)');
    expect(page).toContain('192.0.2.7 — Firefox');
    expect(page).toContain('intérêt légitime');
    expect(page).toContain('Festival du travail social');
    expect(page).toContain('<code>ses-0001</code>');
    expect(page).toContain('remis à SES');
  });

  it('finds a contact by address, and says so in French when nobody has it', async () => {
    const h = await pressFile();
    const pub = h.as('publisher');

    const found = await pub.get('/audience/contacts?adresse=Anne%40NR.fr');
    const missing = await pub.get('/audience/contacts?adresse=personne%40nr.fr');

    expect(found.status).toBe(303);
    expect(found.headers.get('location')).toBe(`/audience/contacts/${h.anneId}`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Aucun contact n’a l’adresse personne@nr.fr.');
  });

  it('edits the profile (an emptied field is emptied), audited; markup in a name is refused', async () => {
    const h = await pressFile();
    const pub = h.as('publisher');

    const form = await (await pub.get(`/audience/contacts/${h.anneId}/profil`)).text();
    const bad = await pub.post(`/audience/contacts/${h.anneId}/profil`, { name: '<b>Anne</b>', tags: 'social' });
    const ok = await pub.post(`/audience/contacts/${h.anneId}/profil`, {
      name: 'Anne Leroy-Martin',
      outlet: '',
      mediumType: 'web',
      department: '37',
      tags: 'social, santé',
      language: 'fr',
    });

    expect(form).toContain('value="La Nouvelle République"');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('ne doit pas contenir de balises');
    expect(ok.status).toBe(303);
    const s = await h.store.getSubscriber(h.anneId);
    expect(s).toMatchObject({
      name: 'Anne Leroy-Martin',
      mediumType: 'web',
      department: '37',
      tags: ['social', 'santé'],
      email: 'anne@nr.fr',
    });
    expect(s?.outlet).toBeUndefined();
    expect(h.store.audit.find((e) => e.action === 'subscriber.updated')?.entityId).toBe(h.anneId);
  });

  it('adds to a press list on legitimate interest at once; on consent it sends a confirmation and records no consent', async () => {
    const h = await pressFile();
    const pub = h.as('publisher');
    const zoe = (await h.store.getSubscriberByEmail('zoe@exemple.fr'))?.id as string;

    const refused = await pub.post(`/audience/contacts/${zoe}/listes`, { listId: h.partenaires.id, basis: 'legitimate-interest' });
    const consent = await pub.post(`/audience/contacts/${zoe}/listes`, { listId: h.partenaires.id, basis: 'consent' });
    const press = await pub.post(`/audience/contacts/${zoe}/listes`, { listId: h.presse.id, basis: 'legitimate-interest' });

    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('L’intérêt légitime ne vaut que pour les listes presse');
    expect(consent.status).toBe(303);
    expect(noticeOf(consent)).toContain('Un courriel de confirmation a été envoyé');
    expect(await h.store.getMembership(h.partenaires.id, zoe)).toMatchObject({ status: 'unconfirmed' });
    const ledger = await h.store.listConsent(zoe);
    expect(ledger.filter((r) => r.listId === h.partenaires.id).map((r) => [r.event, r.lawfulBasis, r.source])).toEqual([
      ['requested', 'consent', 'admin'],
    ]);
    expect(h.mailer.sent.filter((m) => m.to === 'zoe@exemple.fr')).toHaveLength(1);
    expect(press.status).toBe(303);
    expect(await h.store.getMembership(h.presse.id, zoe)).toMatchObject({ status: 'confirmed' });
    expect((await h.store.listConsent(zoe)).find((r) => r.listId === h.presse.id)).toMatchObject({
      lawfulBasis: 'legitimate-interest',
      actor: 'Personne publisher',
    });
  });

  it('on a double opt-in list, even legitimate interest waits for the person’s confirmation', async () => {
    const h = await pressFile();
    const presseDouble = await createList(h.deps, { name: 'Presse nationale', kind: 'press', optIn: 'double' });

    const r = await h
      .as('publisher')
      .post(`/audience/contacts/${h.anneId}/listes`, { listId: presseDouble.id, basis: 'legitimate-interest' });

    expect(r.status).toBe(303);
    expect(await h.store.getMembership(presseDouble.id, h.anneId)).toMatchObject({ status: 'unconfirmed' });
    expect(h.mailer.sent.filter((m) => m.to === 'anne@nr.fr')).toHaveLength(1);
  });

  it('does not bring back a blocked address', async () => {
    const h = await pressFile();
    await h.store.suppress('anne@nr.fr', 'complaint', '2026-03-05T10:00:00.000Z');

    const page = await (await h.as('publisher').get(`/audience/contacts/${h.anneId}`)).text();
    const r = await h.as('publisher').post(`/audience/contacts/${h.anneId}/listes`, { listId: h.partenaires.id, basis: 'consent' });

    expect(page).toContain('Adresse bloquée : plainte pour spam');
    expect(r.status).toBe(409);
    expect(await r.text()).toContain('Ce contact ne peut pas être inscrit à cette liste');
    expect(await h.store.getMembership(h.partenaires.id, h.anneId)).toBeUndefined();
  });

  it('removes from a list after a confirmation page, with a line in the consent ledger', async () => {
    const h = await pressFile();
    const pub = h.as('publisher');

    const confirm = await pub.get(`/audience/contacts/${h.anneId}/listes/${h.presse.id}/retirer`);
    const r = await pub.post(`/audience/contacts/${h.anneId}/listes/${h.presse.id}/retirer`, {});

    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Retirer Anne Leroy de la liste Presse régionale ?');
    expect(r.status).toBe(303);
    expect(await h.store.getMembership(h.presse.id, h.anneId)).toBeUndefined();
    expect((await h.store.listConsent(h.anneId)).at(-1)).toMatchObject({
      event: 'unsubscribed',
      source: 'admin',
      actor: 'Personne publisher',
    });
  });

  it('exports the GDPR file as JSON, audited', async () => {
    const h = await pressFile();

    const r = await h.as('publisher').get(`/audience/contacts/${h.anneId}/export.json`);
    const file = JSON.parse(await r.text());

    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="contact-${h.anneId}.json"`);
    expect(file.subscriber.email).toBe('anne@nr.fr');
    expect(file.sends).toEqual([expect.objectContaining({ campaignId: 'camp-1', messageId: 'ses-0001' })]);
    expect(h.store.audit.find((e) => e.action === 'subscriber.exported')).toMatchObject({
      entityId: h.anneId,
      actorName: 'Personne publisher',
    });
  });

  it('erases after a confirmation page that says what is kept; the address stays blocked by its key only', async () => {
    const h = await pressFile();
    const pub = h.as('publisher');

    const confirm = await (await pub.get(`/audience/contacts/${h.anneId}/effacer`)).text();
    const r = await pub.post(`/audience/contacts/${h.anneId}/effacer`, {});
    const after = await (await pub.get(`/audience/contacts/${h.anneId}`)).text();

    expect(confirm).toContain('Ce qui est conservé');
    expect(confirm).toContain('une empreinte chiffrée (HMAC) de l’adresse');
    expect(confirm).toContain('le registre du consentement sans données personnelles');
    expect(r.status).toBe(303);
    expect(after).toContain('<h1>Contact effacé</h1>');
    expect(after).not.toContain('anne@nr.fr');
    expect(after).not.toContain('Anne Leroy');
    expect(await h.store.suppressionOf('anne@nr.fr')).toMatchObject({ reason: 'erased' });
    expect((await h.as('publisher').post(`/audience/contacts/${h.anneId}/effacer`, {})).status).toBe(409);
  });

  it('lets nobody but publishers and admins see or change a contact; CSRF required', async () => {
    const h = await pressFile();

    for (const role of ['editor', 'reviewer'] as const) {
      const page = await h.as(role).get(`/audience/contacts/${h.anneId}`);
      expect(page.status).toBe(403);
      expect(await page.text()).toContain('Accès refusé');
      expect((await h.as(role).get(`/audience/contacts/${h.anneId}/export.json`)).status).toBe(403);
      expect((await h.as(role).post(`/audience/contacts/${h.anneId}/effacer`, {})).status).toBe(403);
      expect((await h.as(role).post(`/audience/contacts/${h.anneId}/profil`, { name: 'X' })).status).toBe(403);
    }
    expect((await h.as('publisher').post(`/audience/contacts/${h.anneId}/effacer`, {}, { csrf: false })).status).toBe(403);
    expect(await h.store.getSubscriber(h.anneId)).toMatchObject({ email: 'anne@nr.fr', name: 'Anne Leroy' });
  });
});

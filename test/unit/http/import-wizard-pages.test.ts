import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createList } from '../../../functions/app/manage-audience';
import { csrfFieldName, sessionCookieName } from '../../../functions/http/pages/workspace-env';
import { type SignedIn, workspaceHarness } from '../../support/workspace-harness';

type Harness = Awaited<ReturnType<typeof workspaceHarness>>;

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/csv', name));

/** The upload form as a browser posts it: multipart, with the CSRF field unless told not to. */
async function upload(h: Harness, who: SignedIn, listId: string, bytes: Uint8Array, options: { csrf?: boolean; filename?: string } = {}) {
  const form = new FormData();
  if (options.csrf !== false) form.append(csrfFieldName, who.csrfToken);
  form.append('listId', listId);
  form.append('file', new File([bytes], options.filename ?? 'presse.csv', { type: 'text/csv' }));
  return h.app.request('/audience/import', { method: 'POST', body: form, headers: { cookie: `${sessionCookieName}=${who.cookie}` } });
}

const jobPathOf = (r: Response) => r.headers.get('location') ?? '';

async function setUp(kind: 'press' | 'public' = 'press', optIn: 'single' | 'double' = 'single') {
  const h = await workspaceHarness();
  const list = await createList(h.deps, { name: 'Presse régionale', kind, optIn });
  return { h, list, pub: h.as('publisher') };
}

describe('import wizard, step 1: the file', () => {
  it('shows the upload form with the lists, and refuses editors and reviewers (403)', async () => {
    const { h, list, pub } = await setUp();

    const r = await pub.get(`/audience/import?liste=${list.id}`);
    const page = await r.text();

    expect(r.status).toBe(200);
    expect(page).toContain('<h1>Importer des contacts</h1>');
    expect(page).toContain('enctype="multipart/form-data"');
    expect(page).toContain(`name="${csrfFieldName}"`);
    expect(page).toMatch(new RegExp(`<option value="${list.id}" selected`));
    for (const role of ['editor', 'reviewer'] as const) {
      expect((await h.as(role).get('/audience/import')).status).toBe(403);
      expect((await upload(h, h.as(role), list.id, fixture('presse-excel-cp1252.csv'))).status).toBe(403);
    }
  });

  it('reads a French Excel file: Windows-1252, « ; », the first rows in a table, a multi-line cell shown as one cell', async () => {
    const { h, list, pub } = await setUp();

    const posted = await upload(h, pub, list.id, fixture('presse-multiligne-cp1252.csv'));
    const r = await pub.get(jobPathOf(posted));
    const page = await r.text();

    expect(posted.status).toBe(303);
    expect(jobPathOf(posted)).toMatch(/^\/audience\/import\/id-\d+$/);
    expect(r.status).toBe(200);
    expect(page).toContain('Windows-1252 (Excel français)');
    expect(page).toContain('point-virgule (;)');
    expect(page).toContain('<th scope="col">Prénom</th>');
    expect(page).toContain('<td>Cheffe de service ↵ adjointe</td>');
    expect(page).toContain('<td>L’Écho ↵ de Loir-et-Cher</td>');
  });

  it('says UTF-8 for a file with a BOM', async () => {
    const { h, list, pub } = await setUp();

    const page = await (await pub.get(jobPathOf(await upload(h, pub, list.id, fixture('presse-excel-utf8-bom.csv'))))).text();

    expect(page).toContain('<dd>UTF-8</dd>');
  });

  it('refuses a binary file, an empty one and a missing list with 400 and the reason in French; nothing is kept', async () => {
    const { h, list, pub } = await setUp();

    const binary = await upload(h, pub, list.id, fixture('binary.csv'));
    const empty = await upload(h, pub, list.id, new Uint8Array());
    const noList = await upload(h, pub, '', fixture('presse-excel-cp1252.csv'));

    expect(binary.status).toBe(400);
    expect(await binary.text()).toMatch(/n’est pas un fichier texte|classeur/);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Choisissez un fichier CSV à importer.');
    expect(noList.status).toBe(400);
    expect(await noList.text()).toContain('Choisissez la liste où importer les contacts.');
  });

  it('takes a file over the workspace’s 1 MB form limit (2 MB, 60,000 rows); over 10 MB answers 413 in French', async () => {
    const { h, list, pub } = await setUp();
    const lines = ['Adresse e-mail;Nom'];
    for (let i = 0; i < 60_000; i++) lines.push(`contact${i}@example.org;Personne ${i}`);
    const big = new TextEncoder().encode(lines.join('\r\n'));

    const ok = await upload(h, pub, list.id, big);
    const tooBig = await upload(h, pub, list.id, new Uint8Array(10 * 1024 * 1024 + 100 * 1024).fill(0x41));

    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(ok.status).toBe(303);
    expect(await (await pub.get(jobPathOf(ok))).text()).toContain('<dd>60000</dd>');
    expect(tooBig.status).toBe(413);
    expect(await tooBig.text()).toContain('Ce fichier dépasse 10 Mo');
  });

  it('refuses an upload without the CSRF field (403), and creates no job', async () => {
    const { h, list, pub } = await setUp();

    const r = await upload(h, pub, list.id, fixture('presse-excel-cp1252.csv'), { csrf: false });

    expect(r.status).toBe(403);
    expect(await r.text()).toContain('Formulaire expiré');
    expect(await h.store.getSetting('import-job#id-2')).toBeUndefined();
  });
});

async function uploaded(kind: 'press' | 'public' = 'press', optIn: 'single' | 'double' = 'single', file = 'presse-multiligne-cp1252.csv') {
  const s = await setUp(kind, optIn);
  const path = jobPathOf(await upload(s.h, s.pub, s.list.id, fixture(file)));
  return { ...s, path };
}

describe('import wizard, step 2: the columns', () => {
  it('proposes a field per column from the headers; the choice is remembered for the list', async () => {
    const { h, list, pub, path } = await uploaded();

    const r = await pub.get(`${path}/colonnes`);
    const page = await r.text();
    const saved = await pub.post(`${path}/colonnes`, {
      'colonne-0': 'firstName',
      'colonne-1': 'lastName',
      'colonne-2': 'email',
      'colonne-3': 'role',
      'colonne-4': 'outlet',
      'colonne-5': 'ignore',
    });
    const next = await upload(h, pub, list.id, fixture('presse-multiligne-cp1252.csv'));
    const again = await (await pub.get(`${jobPathOf(next)}/colonnes`)).text();

    expect(r.status).toBe(200);
    expect(page).toContain('<label for="champ-colonne-2">Colonne « Adresse e-mail »');
    expect(page).toMatch(/id="champ-colonne-2"[^>]*>(?:(?!<\/select>).)*<option value="email" selected/s);
    expect(page).toMatch(/id="champ-colonne-5"[^>]*>(?:(?!<\/select>).)*<option value="organisation" selected/s);
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`${path}/base-legale`);
    expect(again).toMatch(/id="champ-colonne-5"[^>]*>(?:(?!<\/select>).)*<option value="ignore" selected/s);
  });

  it('refuses a mapping without an address column, or a field chosen twice, with 400 in French', async () => {
    const { pub, path } = await uploaded();

    const noEmail = await pub.post(`${path}/colonnes`, { 'colonne-0': 'firstName', 'colonne-2': 'ignore' });
    const twice = await pub.post(`${path}/colonnes`, { 'colonne-0': 'name', 'colonne-1': 'name', 'colonne-2': 'email' });

    expect(noEmail.status).toBe(400);
    expect(await noEmail.text()).toContain('Indiquez la colonne qui contient l’adresse e-mail');
    expect(twice.status).toBe(400);
    expect(await twice.text()).toContain('« Nom complet » est choisi pour deux colonnes (« Prénom » et « Nom »)');
  });

  it('is refused to an editor (403) and without the CSRF token (403)', async () => {
    const { h, pub, path } = await uploaded();

    expect((await h.as('editor').get(`${path}/colonnes`)).status).toBe(403);
    expect((await h.as('reviewer').post(`${path}/colonnes`, { 'colonne-2': 'email' })).status).toBe(403);
    expect((await pub.post(`${path}/colonnes`, { 'colonne-2': 'email' }, { csrf: false })).status).toBe(403);
  });

  it('answers 404 in French for an unknown job', async () => {
    const { pub } = await setUp();

    const r = await pub.get('/audience/import/inconnu/colonnes');

    expect(r.status).toBe(404);
    expect(await r.text()).toContain('Import introuvable');
  });
});

const mapping = {
  'colonne-0': 'firstName',
  'colonne-1': 'lastName',
  'colonne-2': 'email',
  'colonne-3': 'role',
  'colonne-4': 'outlet',
  'colonne-5': 'organisation',
};

describe('import wizard, step 3: the lawful basis', () => {
  it('explains both bases in French on a press list; legitimate interest is accepted there', async () => {
    const { pub, path } = await uploaded('press', 'single');
    await pub.post(`${path}/colonnes`, mapping);

    const page = await (await pub.get(`${path}/base-legale`)).text();
    const chosen = await pub.post(`${path}/base-legale`, { basis: 'legitimate-interest' });

    expect(page).toContain('Consentement');
    expect(page).toContain('Intérêt légitime (contacts presse professionnels)');
    expect(chosen.status).toBe(303);
    expect(chosen.headers.get('location')).toBe(`${path}/lancement`);
  });

  it('on a double opt-in public list: consent only, and says a confirmation mail goes to each new contact', async () => {
    const { pub, path } = await uploaded('public', 'double');
    await pub.post(`${path}/colonnes`, mapping);

    const page = await (await pub.get(`${path}/base-legale`)).text();
    const refused = await pub.post(`${path}/base-legale`, { basis: 'legitimate-interest' });
    const none = await pub.post(`${path}/base-legale`, {});

    expect(page).toContain('chaque nouveau contact reçoit un e-mail avec un lien à cliquer');
    expect(page).not.toContain('value="legitimate-interest"');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('L’intérêt légitime ne vaut que pour les listes presse');
    expect(none.status).toBe(400);
    expect(await none.text()).toContain('Choisissez la base légale de l’inscription.');
  });

  it('is refused to a reviewer (403) and without the CSRF token (403)', async () => {
    const { h, pub, path } = await uploaded();
    await pub.post(`${path}/colonnes`, mapping);

    expect((await h.as('reviewer').get(`${path}/base-legale`)).status).toBe(403);
    expect((await h.as('editor').post(`${path}/base-legale`, { basis: 'consent' })).status).toBe(403);
    expect((await pub.post(`${path}/base-legale`, { basis: 'consent' }, { csrf: false })).status).toBe(403);
  });
});

describe('import wizard, steps 4 and 5: run, progress, report', () => {
  it('runs in the background; the progress fragment polls every second until done; the report and its CSV name each rejected line', async () => {
    const { h, list, pub, path } = await uploaded('press', 'single');
    await pub.post(`${path}/colonnes`, mapping);
    await pub.post(`${path}/base-legale`, { basis: 'legitimate-interest' });

    const summary = await (await pub.get(`${path}/lancement`)).text();
    const before = await (await pub.get(`${path}/compte-rendu`)).status;
    const started = await pub.post(`${path}/lancement`, {});
    await h.queue.drain();
    const fragment = await (await pub.get(`${path}/progression/etat`, { 'hx-request': 'true' })).text();
    const report = await (await pub.get(`${path}/compte-rendu`)).text();
    const csv = await pub.get(`${path}/compte-rendu.csv`);
    // ignoreBOM keeps the BOM in the text: French Excel needs it to read UTF-8.
    const csvText = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    const twice = await pub.post(`${path}/lancement`, {});

    expect(summary).toContain('« Adresse e-mail » → Adresse e-mail');
    expect(before).toBe(409);
    expect(started.status).toBe(303);
    expect(started.headers.get('location')).toBe(`${path}/progression`);
    expect(fragment).not.toContain('hx-trigger');
    expect(fragment).toMatch(/Import terminé : 4 lignes traitées sur 4\./);
    expect(report).toMatch(/<th scope="row">Créés<\/th>\s*<td>3<\/td>/);
    expect(report).toMatch(/<th scope="row">Rejetés<\/th>\s*<td>1<\/td>/);
    expect(report).toContain(
      '<tr><td>11</td><td>lucas .petit@example.org</td><td>Adresse e-mail invalide : « lucas .petit@example.org »</td></tr>',
    );
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="compte-rendu-import-/);
    expect(csvText.startsWith('\uFEFFLigne;Adresse e-mail;Résultat;Motif\r\n')).toBe(true);
    expect(csvText).toContain(';;créés;3\r\n');
    expect(csvText).toContain('\r\n11;lucas .petit@example.org;rejeté;Adresse e-mail invalide : « lucas .petit@example.org »\r\n');
    expect(twice.status).toBe(409);
    const members = await h.store.listMembers(list.id);
    expect(members.items.map((m) => m.email).sort()).toEqual([
      'anne.roy@example.org',
      'marc.lenoir@example.org',
      'sophie.blanc@example.org',
    ]);
    const sophie = await h.store.getSubscriber(members.items.find((m) => m.email === 'sophie.blanc@example.org')?.subscriberId ?? '');
    expect(sophie?.role).toBe('Cheffe de service adjointe');
    expect(sophie?.organisation).toBe('Groupe Centre France');
  });

  it('while running, the fragment polls every second with rows done / total', async () => {
    const { h, pub, path } = await uploaded('press', 'single');
    await pub.post(`${path}/colonnes`, mapping);
    await pub.post(`${path}/base-legale`, { basis: 'legitimate-interest' });
    const id = path.split('/').pop() as string;
    const job = (await h.store.getSetting(`import-job#${id}`)) as Record<string, unknown>;
    await h.store.putSetting(`import-job#${id}`, { ...job, status: 'running', progress: { rows: 2 } }, '2026-03-01T09:00:00.000Z');

    const fragment = await (await pub.get(`${path}/progression/etat`, { 'hx-request': 'true' })).text();
    const page = await (await pub.get(`${path}/progression`)).text();

    expect(fragment).toContain(`hx-get="${path}/progression/etat"`);
    expect(fragment).toContain('hx-trigger="every 1s"');
    expect(fragment).toContain('<progress id="barre-import" max="4" value="2">');
    expect(fragment).toContain('2 lignes traitées sur 4…');
    expect(fragment).not.toContain('<html');
    expect(page).toContain('<h1>Importer des contacts : import en cours</h1>');
    expect(page).toContain(`href="${path}/progression">Actualiser</a>`);
  });

  it('on a double opt-in list, consent: new members wait unconfirmed and each gets a confirmation mail', async () => {
    const { h, list, pub, path } = await uploaded('public', 'double');
    await pub.post(`${path}/colonnes`, mapping);
    await pub.post(`${path}/base-legale`, { basis: 'consent' });

    await pub.post(`${path}/lancement`, {});
    await h.queue.drain();
    const report = await (await pub.get(`${path}/compte-rendu`)).text();

    const members = await h.store.listMembers(list.id);
    expect(members.items.every((m) => m.status === 'unconfirmed')).toBe(true);
    expect(h.mailer.sent.map((m) => m.to).sort()).toEqual(['anne.roy@example.org', 'marc.lenoir@example.org', 'sophie.blanc@example.org']);
    expect(report).toContain('3 e-mails de confirmation envoyés.');
  });

  it('launching, the progress and the report are refused to editors and reviewers (403); launching without CSRF too', async () => {
    const { h, pub, path } = await uploaded();
    await pub.post(`${path}/colonnes`, mapping);
    await pub.post(`${path}/base-legale`, { basis: 'legitimate-interest' });

    for (const role of ['editor', 'reviewer'] as const) {
      const who = h.as(role);
      expect((await who.post(`${path}/lancement`, {})).status).toBe(403);
      expect((await who.get(`${path}/progression/etat`)).status).toBe(403);
      expect((await who.get(`${path}/compte-rendu.csv`)).status).toBe(403);
    }
    expect((await pub.post(`${path}/lancement`, {}, { csrf: false })).status).toBe(403);
    expect((await pub.get(`${path}/lancement`)).status).toBe(200);
  });
});

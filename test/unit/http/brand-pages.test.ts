import { describe, expect, it } from 'vitest';
import { uploadMedia } from '../../../functions/app/upload-media';
import { pngBytes } from '../../support/media-samples';
import { workspaceHarness } from '../../support/workspace-harness';

const valid = {
  name: 'Comité du travail social',
  senderName: 'Comité du travail social',
  senderEmail: 'comite@example.org',
  replyTo: 'presse@example.org',
  primary: '#6b1d1d',
  text: '#1a1a1a',
  postalAddress: '1 place de la République, 41000 Blois',
  legalNotice: 'Éditeur : Comité du travail social. Directeur de la publication : le président.',
  'privacy.controller': 'Le président du comité, 1 place de la République, 41000 Blois',
  'privacy.purpose': 'Vous envoyer nos communiqués et invitations',
  'privacy.lawfulBasis': 'Votre consentement (art. 6.1.a RGPD)',
  'privacy.retention': '3 ans après votre dernier clic',
  'privacy.rights': 'Accès, rectification, effacement : écrivez à dpo@example.org',
  'privacy.dpoContact': 'dpo@example.org',
  reviewRequired: 'on',
};

describe('Réglages › Marques (/reglages/marques)', () => {
  it('lists the brands to an admin, linked from Réglages', async () => {
    const h = await workspaceHarness();
    const admin = h.as('admin');
    expect(await (await admin.get('/reglages')).text()).toContain('href="/reglages/marques"');
    const res = await admin.get('/reglages/marques');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<h1>Marques</h1>');
    expect(page).toContain('Conseil départemental de Loir-et-Cher');
    expect(page).toContain('texte blanc : 8,1:1');
  });

  it('creates a brand with its legal and privacy notices, logo from the library, review required', async () => {
    const h = await workspaceHarness();
    const admin = h.as('admin');
    const { item, url } = await uploadMedia(h.deps, admin.user, { bytes: pngBytes, originalName: 'logo.png', alt: 'Logo du comité' });
    const res = await admin.post('/reglages/marques', { ...valid, id: 'comite', logoMediaId: item.id });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/reglages/marques/comite');
    const brand = await h.store.getBrand('comite');
    expect(brand).toMatchObject({
      name: 'Comité du travail social',
      logo: { url, alt: 'Logo du comité' },
      colours: { primary: '#6b1d1d' },
      legalNotice: valid.legalNotice,
      privacyNotice: {
        controller: valid['privacy.controller'],
        dpoContact: 'dpo@example.org',
        retention: '3 ans après votre dernier clic',
      },
      review: { required: true, allowSelfApproval: false },
    });
    const form = await (await admin.get('/reglages/marques/comite')).text();
    expect(form).toContain('Garder le logo actuel (Logo du comité)');
    expect(form).toContain('dpo@example.org');
  });

  it('edits a brand and keeps what the form does not hold (logo, press contacts)', async () => {
    const h = await workspaceHarness();
    const admin = h.as('admin');
    const before = await h.store.getBrand('cd41');
    await h.store.putBrand({ ...(before as NonNullable<typeof before>), logo: { url: 'https://x.example/l.png', alt: 'Logo' } });
    const res = await admin.post('/reglages/marques/cd41', { ...valid, name: 'Département de Loir-et-Cher' });
    expect(res.status).toBe(303);
    const after = await h.store.getBrand('cd41');
    expect(after?.name).toBe('Département de Loir-et-Cher');
    expect(after?.logo?.alt).toBe('Logo');
    expect(after?.review.required).toBe(true);
  });

  it('refuses a primary colour white text cannot be read on, with the WCAG message beside the field', async () => {
    const h = await workspaceHarness();
    const res = await h.as('admin').post('/reglages/marques/cd41', { ...valid, primary: '#ffcc00' });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('href="#champ-colours-primary"');
    expect(page).toMatch(
      /Contraste insuffisant : le texte blanc sur la couleur principale #ffcc00 atteint 1,\d+:1, il faut au moins 4,5:1/,
    );
    expect((await h.store.getBrand('cd41'))?.colours.primary).toBe('#00557f');
  });

  it('refuses a bad address and a taken identifier in French', async () => {
    const h = await workspaceHarness();
    const admin = h.as('admin');
    const bad = await admin.post('/reglages/marques', { ...valid, id: 'nouvelle-marque', senderEmail: 'pas-une-adresse' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('href="#champ-senderEmail"');
    const taken = await admin.post('/reglages/marques', { ...valid, id: 'cd41' });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain('Une marque porte déjà l’identifiant « cd41 »');
  });

  it('is for admins only (403 for a publisher), and refuses a post without CSRF', async () => {
    const h = await workspaceHarness();
    expect((await h.as('publisher').get('/reglages/marques')).status).toBe(403);
    expect((await h.as('publisher').post('/reglages/marques/cd41', valid)).status).toBe(403);
    const noCsrf = await h.as('admin').post('/reglages/marques/cd41', valid, { csrf: false });
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.text()).toContain('Formulaire expiré');
    expect((await h.store.getBrand('cd41'))?.name).toBe('Conseil départemental de Loir-et-Cher');
  });
});

import { describe, expect, it } from 'vitest';
import type { Brand } from '../../../functions/domain/brand';
import { signToken } from '../../../functions/domain/tokens';
import { buildHttpApp } from '../../../functions/http/app';
import { fakeDeps, testBrand } from '../../support/fakes';

const comite: Brand = {
  ...testBrand,
  id: 'comite',
  name: 'Comité du travail social',
  colours: { primary: '#6b1d1d', text: '#1a1a1a' },
  logo: { url: 'https://communique.example.org/media/20260306t090000-logo/logo.png', alt: 'Logo du comité' },
  postalAddress: '1 place de la République, 41000 Blois',
  legalNotice: 'Éditeur : le comité. Directeur de la publication : son président.',
  privacyNotice: {
    controller: 'Le président du comité',
    purpose: 'Vous envoyer nos communiqués et invitations',
    lawfulBasis: 'Votre consentement (art. 6.1.a du RGPD)',
    retention: 'Trois ans après votre dernière action',
    rights: 'Accès, rectification, effacement, opposition : écrivez à dpo@comite.example.org',
    dpoContact: 'dpo@comite.example.org',
  },
};

async function setup() {
  const ctx = fakeDeps();
  await ctx.store.putBrand(testBrand);
  await ctx.store.putBrand(comite);
  const at = ctx.clock.now().toISOString();
  await ctx.store.createList({
    id: 'partenaires',
    name: 'Partenaires du festival',
    description: '',
    kind: 'partners',
    optIn: 'double',
    publicSignup: true,
    brandId: 'comite',
    createdAt: at,
  });
  await ctx.store.createSubscriber({ id: 's1', email: 'jeanne@example.org', tags: [], language: 'fr', createdAt: at } as never);
  await ctx.store.putMembership({ listId: 'partenaires', subscriberId: 's1', status: 'unconfirmed', updatedAt: at } as never);
  const app = buildHttpApp(ctx.deps, { adminToken: 'root', health: async () => ({}), logError: (e) => console.error(e) });
  return { ...ctx, app };
}

/** The art. 13 items, as the page must show them from the brand's settings. */
function expectArticle13(page: string) {
  expect(page).toContain('Vos données personnelles');
  for (const label of [
    'Responsable du traitement',
    'Finalité',
    'Base légale',
    'Durée de conservation',
    'Vos droits et comment les exercer',
    'Délégué à la protection des données',
  ])
    expect(page).toContain(label);
  expect(page).toContain('Le président du comité');
  expect(page).toContain('Votre consentement (art. 6.1.a du RGPD)');
  expect(page).toContain('Trois ans après votre dernière action');
  expect(page).toContain('dpo@comite.example.org');
}

/** The brand's identity: logo, colour, footer with postal address and legal links. */
function expectComiteIdentity(page: string) {
  expect(page).toContain('alt="Logo du comité"');
  expect(page).toContain('background: #6b1d1d');
  expect(page).toContain('1 place de la République, 41000 Blois');
  expect(page).toContain('href="/newsroom/comite/mentions-legales"');
  expect(page).toContain('href="/newsroom/comite/confidentialite"');
}

describe('public sign-up, confirmation and preference pages', () => {
  it('the sign-up page wears the brand of its lists and gives the art. 13 information', async () => {
    const { app } = await setup();
    const res = await app.request('/subscribe');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain('Partenaires du festival');
    expectComiteIdentity(page);
    expectArticle13(page);
  });

  it('a brand asked for by ?marque= is worn; an unknown one falls back without error', async () => {
    const { app } = await setup();
    const cd41 = await (await app.request('/subscribe?marque=cd41')).text();
    expect(cd41).toContain('Conseil départemental de Loir-et-Cher');
    expect(cd41).toContain('non renseigné dans les réglages de la marque');
    expect((await app.request('/subscribe?marque=inconnue')).status).toBe(200);
  });

  it('the page after signing up, the confirmation page and its answer wear the brand, with the art. 13 block', async () => {
    const { app, deps } = await setup();
    const after = await app.request('/subscribe', {
      method: 'POST',
      body: new URLSearchParams({ email: 'paul@example.org', listIds: 'partenaires' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(after.status).toBe(200);
    const afterPage = await after.text();
    expect(afterPage).toContain('Vérifiez votre messagerie');
    expectComiteIdentity(afterPage);
    expectArticle13(afterPage);

    const token = signToken({ purpose: 'confirm', subscriberId: 's1', listIds: ['partenaires'] }, deps.tokenKeys);
    const confirm = await (await app.request(`/confirm/${token}`)).text();
    expect(confirm).toContain('Confirmer votre inscription');
    expectComiteIdentity(confirm);
    expectArticle13(confirm);
    const done = await app.request(`/confirm/${token}`, { method: 'POST' });
    expect(done.status).toBe(200);
    const donePage = await done.text();
    expect(donePage).toContain('Inscription confirmée');
    expectComiteIdentity(donePage);
    expectArticle13(donePage);
  });

  it('the preference page wears the brand of the person’s lists and gives the art. 13 information', async () => {
    const { app, deps } = await setup();
    const token = signToken(
      { purpose: 'preferences', subscriberId: 's1', iat: Math.floor(deps.clock.now().getTime() / 1000) },
      deps.tokenKeys,
    );
    const res = await app.request(`/preferences/${token}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Vos préférences');
    expectComiteIdentity(page);
    expectArticle13(page);
  });

  it('a forged confirmation link still answers in French (403), in a brand’s identity', async () => {
    const { app } = await setup();
    const res = await app.request('/confirm/forged');
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Lien invalide');
  });
});

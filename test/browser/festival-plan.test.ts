import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserStack,
  checkA11y,
  expectNoScriptErrors,
  field,
  noticeOf,
  plain,
  signIn,
  startBrowserStack,
  submitWith,
} from '../support/browser-stack';

let stack: BrowserStack;
let page: Page;
let planPath = '';
const h1 = async (p: Page) => plain(await p.getByRole('heading', { level: 1 }).textContent());

beforeAll(async () => {
  stack = await startBrowserStack('festival-plan');
  page = await stack.newPage();
  await page.goto('/connexion');
  await signIn(page, stack.admin);
});

afterAll(async () => {
  await stack?.stop();
});

describe('a festival organiser plans the announcements of an event, then moves the event', { timeout: 150_000 }, () => {
  it('writes the event announcement (festival on 12 June 2027, 9:00, Paris time)', async () => {
    await page.goto('/communiques/nouveau?genre=evenement');
    await checkA11y(page);
    await page.locator('[name="title"]').fill('Festival des solidarités 2027');
    await field(page, 'Nom de l’événement').fill('Festival des solidarités');
    await field(page, 'Début (heure de Paris)').fill('2027-06-12T09:00');
    await field(page, 'Lieu').fill('Jeu de Paume, Blois');

    expect(await submitWith(page, page.getByRole('button', { name: 'Enregistrer', exact: true }).first(), '/communiques/nouveau')).toBe(
      303,
    );
    expect(await noticeOf(page)).toContain('Communiqué créé');
    await checkA11y(page);
  });

  it('creates its plan from Plans: J-60, J-30, J-7, the day, J+1 by default, to the press list', async () => {
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Plans' }).click();
    await page.waitForURL((u) => u.pathname === '/plans');
    await checkA11y(page);

    await page
      .getByRole('listitem')
      .filter({ hasText: 'Festival des solidarités 2027' })
      .getByRole('link', { name: 'Planifier ses annonces' })
      .click();
    await page.waitForURL((u) => u.pathname === '/plans/nouveau');
    expect(await h1(page)).toBe('Planifier les annonces');
    await page.getByRole('checkbox', { name: 'Presse' }).check();
    expect(await page.locator('table tbody tr').count()).toBe(5);
    await checkA11y(page);

    expect(await submitWith(page, page.getByRole('button', { name: 'Créer le plan et programmer les envois' }), '/plans')).toBe(303);
    await page.waitForURL((u) => /^\/plans\/[^/]+$/.test(u.pathname) && u.pathname !== '/plans/nouveau');
    planPath = new URL(page.url()).pathname;
    expect(await noticeOf(page)).toContain('Plan créé : 5 envoi(s) programmé(s).');
    expect(await h1(page)).toBe('Plan : Festival des solidarités');
    await checkA11y(page);
  });

  it('the timeline shows each step with its local send time and its scheduled campaign; each step’s draft opens in the editor', async () => {
    const steps = page.locator('ol.timeline > li');
    expect(await steps.count()).toBe(5);
    const texts = (await steps.allTextContents()).map(plain);
    // J-60 of 12 June 2027 is 13 April 2027; the day itself is 12 June
    expect(texts[0]).toMatch(/Envoi le mardi 13 avril 2027 à \d+ h \d+ \(heure de Paris\)/);
    expect(texts.some((t) => /le samedi 12 juin 2027/.test(t))).toBe(true);
    expect(await page.locator('ol.timeline .status').allTextContents()).toEqual(Array(5).fill('programmée'));

    await steps.first().getByRole('link').last().click();
    await page.waitForURL((u) => /^\/communiques\/[^/]+$/.test(u.pathname));
    expect(await page.locator('[name="title"]').inputValue()).toBeTruthy();
    await checkA11y(page);
    await page.goBack();
    await page.waitForURL((u) => u.pathname === planPath);
  });

  it('moving the event a week later first shows which pending steps move, and where to', async () => {
    await page.getByLabel(/Nouveau début de l’événement/).fill('2027-06-19T09:00');
    await page.getByRole('button', { name: 'Voir ce qui change' }).click();
    await page.waitForURL((u) => u.pathname === `${planPath}/deplacement`);

    expect(await h1(page)).toBe('Déplacer l’événement');
    expect(plain(await page.locator('main').textContent())).toContain(
      'passe du samedi 12 juin 2027 à 9 h 00 (heure de Paris) au samedi 19 juin 2027 à 9 h 00',
    );
    expect(await page.getByRole('heading', { name: 'Étapes qui seront déplacées (5)' }).count()).toBe(1);
    const moves = (await page.locator('main ul').first().getByRole('listitem').allTextContents()).map(plain);
    expect(moves[0]).toMatch(/le mardi 13 avril 2027 .* → le mardi 20 avril 2027/);
    await checkA11y(page);
  });

  it('confirming moves the event and its steps; the timeline follows', async () => {
    expect(await submitWith(page, page.getByRole('button', { name: 'Déplacer l’événement et 5 étapes' }), `${planPath}/deplacement`)).toBe(
      303,
    );
    await page.waitForURL((u) => u.pathname === planPath);

    expect(await noticeOf(page)).toContain('Événement déplacé le samedi 19 juin 2027 à 9 h 00 (heure de Paris).');
    const texts = (await page.locator('ol.timeline > li').allTextContents()).map(plain);
    expect(texts[0]).toMatch(/Envoi le mardi 20 avril 2027/);
    expect(texts.some((t) => /le samedi 19 juin 2027/.test(t))).toBe(true);
    expect(await page.locator('ol.timeline .status').allTextContents()).toEqual(Array(5).fill('programmée'));
    await checkA11y(page);
    expectNoScriptErrors(page);
  });
});

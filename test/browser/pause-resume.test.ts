import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSubscriberToList } from '../../functions/app/manage-audience';
import { approveRelease, submitForReview } from '../../functions/app/review-release';
import {
  type BrowserStack,
  checkA11y,
  expectNoScriptErrors,
  noticeOf,
  plain,
  signIn,
  startBrowserStack,
  submitWith,
} from '../support/browser-stack';

/**
 * Pause, then resume, a campaign that is sending. Setup, outside the browser: the "Presse" list
 * grows to 44 confirmed members, seed 001 is submitted and approved (the review journeys do that
 * in the browser), and sending is paced at 1 mail a second so that the campaign is still running
 * when the pause is asked for. After the resume the pace goes back up so that it finishes.
 */

let stack: BrowserStack;
let page: Page;
let campaignPath = '';
const extraMembers = Array.from({ length: 40 }, (_, i) => `membre${i}@pause.example.org`);
const status = async (p: Page) => plain(await p.locator('#progression .status').textContent());
const live = { timeout: 60_000 };

beforeAll(async () => {
  stack = await startBrowserStack('pause-resume');
  const deps = stack.runtime.wiring.deps;
  const presse = (await deps.store.listLists()).find((l) => l.name === 'Presse');
  if (!presse) throw new Error('demo data has no "Presse" list');
  for (const email of extraMembers) await addSubscriberToList(deps, presse.id, { email, status: 'confirmed' });
  const seed = (await deps.store.listReleases({ limit: 10 })).items.find((r) => r.content.kind === 'event-announcement');
  const admin = await deps.users.getUserByEmail(stack.admin.email);
  if (!seed || !admin) throw new Error('seed 001 or the first admin is missing');
  const submitted = await submitForReview(deps, admin, seed.id);
  await approveRelease(deps, { id: 'relecteur-du-comite', name: 'Comité technique', role: 'reviewer' }, seed.id, submitted.version);
  stack.runtime.wiring.pacer.setRate(1);

  page = await stack.newPage();
  await page.goto('/connexion');
  await signIn(page, stack.admin);
  await page.goto(`/communiques/${seed.id}/envoi`);
});

afterAll(async () => {
  await stack?.stop();
});

describe('pause a running campaign, then resume it: everyone gets it once', { timeout: 180_000 }, () => {
  it('sends seed 001 to the 44 members of « Presse »', async () => {
    await checkA11y(page);
    await page.getByRole('checkbox', { name: /^Presse/ }).check();
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.waitForURL((u) => u.pathname.endsWith('/envoi/confirmation'));
    await checkA11y(page);

    expect(await submitWith(page, page.getByRole('button', { name: 'Envoyer à 44 destinataires' }), /\/envoi$/)).toBe(303);
    await page.waitForURL((u) => /^\/campagnes\/[^/]+$/.test(u.pathname));
    campaignPath = new URL(page.url()).pathname;
    await expect.poll(() => status(page), live).toBe('en cours');
    await checkA11y(page);
  });

  it('« Mettre en pause » asks for confirmation on its own page, then pauses', async () => {
    await page.getByRole('link', { name: 'Mettre en pause' }).click();
    await page.waitForURL((u) => u.pathname === `${campaignPath}/pause`);
    expect(plain(await page.getByRole('heading', { level: 1 }).textContent())).toBe('Mettre la campagne en pause');
    await checkA11y(page);

    expect(await submitWith(page, page.getByRole('button', { name: 'Mettre en pause' }), `${campaignPath}/pause`)).toBe(303);
    await page.waitForURL((u) => u.pathname === campaignPath);

    expect(await noticeOf(page)).toContain('Campagne mise en pause.');
    expect(await status(page)).toBe('en pause');
    expect(await page.getByRole('link', { name: 'Reprendre' }).count()).toBe(1);
    // paused before the end: some are still waiting
    const sent = (await stack.outbox()).length;
    expect(sent).toBeLessThan(44);
    await checkA11y(page);
  });

  it('« Reprendre » asks for confirmation, resumes, and the campaign finishes with each member sent exactly once', async () => {
    await page.getByRole('link', { name: 'Reprendre' }).click();
    await page.waitForURL((u) => u.pathname === `${campaignPath}/reprise`);
    await checkA11y(page);

    stack.runtime.wiring.pacer.setRate(50);
    expect(await submitWith(page, page.getByRole('button', { name: 'Reprendre l’envoi' }), `${campaignPath}/reprise`)).toBe(303);
    await page.waitForURL((u) => u.pathname === campaignPath);
    expect(await noticeOf(page)).toContain('Campagne reprise.');

    // the page follows by itself (polling) until the end
    await expect.poll(() => status(page), { timeout: 120_000 }).toBe('terminée');
    expect(plain(await page.locator('#progression').textContent())).toContain('44 traités sur 44 destinataires (100 %)');
    const recipients = (await stack.outbox()).map((m) => m.destination.to[0]);
    expect(recipients).toHaveLength(44);
    expect(new Set(recipients).size).toBe(44);
    expect(recipients).toEqual(expect.arrayContaining(extraMembers));
    await checkA11y(page);
    expectNoScriptErrors(page);
  });
});

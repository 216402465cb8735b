import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserStack,
  checkA11y,
  expectNoScriptErrors,
  invitePerson,
  noticeOf,
  signIn,
  startBrowserStack,
  submitWith,
} from '../support/browser-stack';

let stack: BrowserStack;
let author: Page;
let reviewerPage: Page;
let releaseId = '';
const seedTitle = /Festival du travail social/;
/** Markup typed in a comment must come back as text, never as markup. */
const comment =
  'Merci de préciser l’horaire de fin et le lien d’inscription. <b>Pas de programme sans horaires</b> <script>alert(1)</script>';

beforeAll(async () => {
  stack = await startBrowserStack('review-rejection');
  author = await stack.newPage();
  await author.goto('/connexion');
  await signIn(author, stack.admin);
});

afterAll(async () => {
  await stack?.stop();
});

describe('a reviewer sends a release back with a comment, which its author then reads', { timeout: 150_000 }, () => {
  it('the author submits seed 001; a reviewer is invited', async () => {
    ({ page: reviewerPage } = await invitePerson(stack, author, {
      name: 'Anne Comité',
      email: 'anne.comite@example.org',
      role: 'reviewer',
    }));
    await author.goto('/communiques');
    await author.getByRole('link', { name: seedTitle }).first().click();
    await author.waitForURL((u) => /^\/communiques\/[^/]+$/.test(u.pathname));
    releaseId = new URL(author.url()).pathname.split('/')[2] ?? '';

    expect(await submitWith(author, author.getByRole('button', { name: 'Soumettre à la relecture' }), /\/soumettre$/)).toBe(303);
    expect(await noticeOf(author)).toMatch(/Communiqué soumis à la relecture/);
  });

  it('sending back without a comment is refused, in French, with a link to the comment field', async () => {
    await reviewerPage.goto(`/relecture/${releaseId}`);
    await checkA11y(reviewerPage);

    expect(await submitWith(reviewerPage, reviewerPage.getByRole('button', { name: 'Renvoyer à l’auteur' }), /\/renvoyer$/)).toBe(400);

    const summary = reviewerPage.getByRole('alert');
    expect(await summary.textContent()).toContain('Un commentaire est nécessaire pour renvoyer le communiqué à son auteur.');
    expect(await summary.getByRole('link').getAttribute('href')).toBe('#champ-comment');
    await checkA11y(reviewerPage);
  });

  it('with a comment, it goes back to its author', async () => {
    await reviewerPage.getByLabel(/Commentaire pour l’auteur/).fill(comment);

    expect(await submitWith(reviewerPage, reviewerPage.getByRole('button', { name: 'Renvoyer à l’auteur' }), /\/renvoyer$/)).toBe(303);

    await reviewerPage.waitForURL((u) => u.pathname === '/relecture');
    expect(await noticeOf(reviewerPage)).toContain('Communiqué renvoyé à son auteur avec votre commentaire.');
    expect(await reviewerPage.getByText('Aucun communiqué n’attend de relecture.').count()).toBe(1);
    await checkA11y(reviewerPage);
  });

  it('the author opens the release: a draft again, with the reviewer’s comment shown as typed, as text', async () => {
    await author.goto(`/communiques/${releaseId}`);

    expect(await author.locator('.release-meta').textContent()).toMatch(/brouillon/i);
    const box = author.locator('.review-comment');
    expect(await box.getByRole('heading').textContent()).toMatch(/^Renvoyé par la relecture/);
    expect(await box.locator('blockquote').textContent()).toContain(comment);
    // the markup stayed text: no <b> or <script> element came out of it
    expect(await box.locator('b, script').count()).toBe(0);
    await checkA11y(author);
    expectNoScriptErrors(author);
    expectNoScriptErrors(reviewerPage);
  });
});

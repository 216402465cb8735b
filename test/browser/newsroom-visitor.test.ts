import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserStack, checkA11y, expectNoScriptErrors, startBrowserStack } from '../support/browser-stack';

/**
 * A visitor, never signed in, reads the newsroom of a fresh stack (the demo's release published
 * on its dateline): the list with its featured release, the feed it announces, a release's
 * page with what search engines and social networks read (canonical, Open Graph, JSON-LD), and
 * back to the brand's newsroom. axe on every page. The selectors are roles and names, not
 * classes: the newsroom's look may change, what a visitor can do should not.
 */
let stack: BrowserStack;
let visitor: Page;
let releasePath = '';
let releaseTitle = '';

beforeAll(async () => {
  stack = await startBrowserStack('newsroom-visitor');
  visitor = await stack.newPage();
});

afterAll(async () => {
  await stack?.stop();
});

const feedHref = (p: Page) => p.locator('head link[rel="alternate"][type="application/atom+xml"]').getAttribute('href');

describe('a visitor reads the newsroom without signing in', { timeout: 120_000 }, () => {
  it('opens the newsroom: a title, the featured release, a feed link', async () => {
    const answer = await visitor.goto('/newsroom');
    expect(answer?.status()).toBe(200);
    await visitor.getByRole('heading', { name: 'Salle de presse', level: 1 }).waitFor();
    await checkA11y(visitor);
    // not the workspace: nobody was asked to sign in
    expect(new URL(visitor.url()).pathname).toBe('/newsroom');

    const featured = visitor.getByRole('region', { name: 'À la une' });
    const link = featured.getByRole('link').filter({ hasNotText: 'agenda' }).first();
    releaseTitle = ((await link.textContent()) ?? '').trim();
    releasePath = new URL((await link.getAttribute('href')) ?? '', stack.baseUrl).pathname;
    expect(releaseTitle.length).toBeGreaterThan(0);
    expect(releasePath).toMatch(/^\/releases\/[^/]+$/);
    expect(await visitor.getByRole('link', { name: 'S’abonner au flux Atom' }).count()).toBe(1);
  });

  it('follows the feed link: an Atom feed that holds the featured release', async () => {
    const href = await feedHref(visitor);
    expect(href).toBeTruthy();
    const answer = await fetch(new URL(href as string, stack.baseUrl));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('application/atom+xml');
    const feed = await answer.text();
    expect(feed).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(feed).toContain(releasePath);
    // the visitor's own click on the visible link reaches the same feed
    const [download] = await Promise.all([
      visitor.waitForResponse((r) => r.url().endsWith('/feed.xml')),
      visitor.getByRole('link', { name: 'S’abonner au flux Atom' }).click(),
    ]);
    expect(download.status()).toBe(200);
  });

  it('opens the release’s page: its title, canonical link, Open Graph and JSON-LD', async () => {
    await visitor.goto(releasePath);
    await visitor.getByRole('link', { name: /^Salle de presse — / }).waitFor();
    await checkA11y(visitor);
    expect(await visitor.locator('body').textContent()).toContain(releaseTitle);

    const pageUrl = `${stack.baseUrl}${releasePath}`;
    expect(await visitor.locator('head link[rel="canonical"]').getAttribute('href')).toBe(pageUrl);
    expect(await visitor.locator('head meta[property="og:title"]').getAttribute('content')).toBeTruthy();
    expect(await visitor.locator('head meta[property="og:url"]').getAttribute('content')).toBe(pageUrl);

    const scripts = await visitor.locator('script[type="application/ld+json"]').allTextContents();
    expect(scripts).toHaveLength(1);
    const ld = JSON.parse(scripts[0] as string) as Record<string, unknown>;
    expect(ld['@context']).toBe('https://schema.org');
    expect(['NewsArticle', 'Event']).toContain(ld['@type']);
    expect(ld.url).toBe(pageUrl);
    expect(releaseTitle).toContain(String(ld.headline ?? ld.name).slice(0, 40));
  });

  it('goes back to the brand’s newsroom, which announces its own feed', async () => {
    await visitor.getByRole('link', { name: /^Salle de presse — / }).click();
    await visitor.waitForURL((u) => /^\/newsroom\/[^/]+$/.test(u.pathname));
    await visitor.getByRole('heading', { name: /^Salle de presse — /, level: 1 }).waitFor();
    await checkA11y(visitor);
    expect(await feedHref(visitor)).toMatch(/\/newsroom\/[^/]+\/feed\.xml$/);
    expect(await visitor.getByRole('link', { name: releaseTitle }).count()).toBeGreaterThan(0);
    expectNoScriptErrors(visitor);
  });
});

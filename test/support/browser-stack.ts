import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { type RunningRuntime, startRuntime } from '../../local/runtime';
import { freshTable, localConfigFor, type StoredEmail } from './emulator-context';
import { freePort } from './free-port';

/**
 * The browser journeys' stack: the whole product as `npm start` runs it (startRuntime: the
 * app, demo data, the first admin written to $DATA_DIR/first-admin.json, the local scheduler),
 * on a fresh table of the shared DynamoDB Local, with an SES emulator of its own (so the outbox
 * holds this journey's mail only), a temporary DATA_DIR, and the system Chromium driven by
 * playwright-core. One per test file.
 */

/** Debian's chromium; `.ci/run` installs it with apt when missing (README: prerequisites). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // date and time inputs follow the browser's language, not the page's: French, as the office's
  '--lang=fr-FR',
] as const;

export const screenshotDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');

export interface Credentials {
  readonly email: string;
  readonly password: string;
}

export interface BrowserStack {
  readonly runtime: RunningRuntime;
  /** http://localhost:<port>, the address `npm start` prints. */
  readonly baseUrl: string;
  readonly dataDir: string;
  /** The SES emulator of this stack (its outbox: GET /store). */
  readonly sesEndpoint: string;
  readonly browser: Browser;
  /** The first admin, as `npm start` wrote it to $DATA_DIR/first-admin.json. */
  readonly admin: Credentials;
  /** A new browser context (its own cookies: one person) with a page on it. */
  newPage(): Promise<Page>;
  /** Every mail the SES emulator of this stack holds, oldest first. */
  outbox(): Promise<StoredEmail[]>;
  stop(): Promise<void>;
}

export async function startBrowserStack(name: string): Promise<BrowserStack> {
  const { tableName } = await freshTable(`browser-${name}`);
  const dataDir = mkdtempSync(join(tmpdir(), `communique-browser-${name}-`));
  const [port, sesPort] = [await freePort(), await freePort()];
  const sesEndpoint = `http://127.0.0.1:${sesPort}`;
  let runtime: RunningRuntime | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  try {
    runtime = await startRuntime(
      localConfigFor(tableName, {
        port,
        dataDir,
        sesPort,
        sesEndpoint,
        externalSes: false,
        publicBaseUrl: `http://localhost:${port}`,
      }),
    );
    const admin = readFirstAdmin(dataDir);
    browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs] });
    const started = { runtime, browser };
    return {
      runtime,
      baseUrl: runtime.appUrl,
      dataDir,
      sesEndpoint,
      browser,
      admin,
      async newPage() {
        // French locale and Paris time, as the press office's own browsers.
        const context = await started.browser.newContext({
          baseURL: started.runtime.appUrl,
          locale: 'fr-FR',
          timezoneId: 'Europe/Paris',
          viewport: { width: 1280, height: 900 },
        });
        contexts.push(context);
        // Generous for a loaded 2-core machine, short enough that a missing element fails soon.
        context.setDefaultTimeout(20_000);
        const page = await context.newPage();
        watchForScriptErrors(page);
        return page;
      },
      async outbox() {
        const r = await fetch(`${sesEndpoint}/store`);
        const { emails } = (await r.json()) as { emails: StoredEmail[] };
        return emails;
      },
      async stop() {
        for (const c of contexts) await c.close().catch(() => undefined);
        await started.browser.close().catch(() => undefined);
        await started.runtime.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e: unknown) {
    await browser?.close().catch(() => undefined);
    await runtime?.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
}

/** The sign-in `npm start` wrote on first start (issue 9: `{"email": …, "password": …}`). */
function readFirstAdmin(dataDir: string): Credentials {
  const file = join(dataDir, 'first-admin.json');
  if (!existsSync(file)) throw new Error(`startRuntime wrote no ${file}: the first admin's sign-in is missing`);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Credentials>;
  if (typeof parsed.email !== 'string' || typeof parsed.password !== 'string') {
    throw new Error(`${file} lacks email or password: ${Object.keys(parsed).join(', ')}`);
  }
  return { email: parsed.email, password: parsed.password };
}

/**
 * Script errors and CSP refusals on a page are bugs even when the journey goes on (htmx then
 * silently does nothing). They are collected per page; `expectNoScriptErrors` fails on them.
 */
const scriptErrors = new WeakMap<Page, string[]>();
function watchForScriptErrors(page: Page): void {
  const errors: string[] = [];
  scriptErrors.set(page, errors);
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) errors.push(`${page.url()}: ${m.text()}`);
  });
}

export function expectNoScriptErrors(page: Page): void {
  expect(scriptErrors.get(page) ?? [], 'script errors or CSP refusals on the page').toEqual([]);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The field whose label is exactly `text`: required fields add a " *" (hidden from screen
 * readers, but part of the label's text), which an exact match would miss.
 */
export function field(scope: Page | Locator, text: string): Locator {
  return scope.getByLabel(new RegExp(`^\\s*${escapeRegExp(text)}(\\s*\\*)?\\s*$`));
}

/** Signs in through /connexion and waits for the page after it (the dashboard, or where it was going). */
export async function signIn(page: Page, who: Credentials): Promise<void> {
  if (!new URL(page.url(), 'http://x').pathname.startsWith('/connexion')) await page.goto('/connexion');
  await field(page, 'Adresse e-mail').fill(who.email);
  await field(page, 'Mot de passe').fill(who.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/connexion'));
}

const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * axe-core on the page as it stands (WCAG 2.1 A and AA rules): fails on any serious or critical
 * violation, listing each with the elements concerned, so the message says what to fix.
 *
 * The workspace's own page only: the preview iframes (`sandbox=""`, scripts off) hold the mail,
 * into which axe cannot be injected (its default per-frame run then waits forever). The iframe
 * elements themselves are still checked (their title, for one): legacy mode with
 * `iframes: false` runs axe in the page without descending into frames.
 */
export async function checkA11y(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(axeTags).options({ iframes: false }).setLegacyMode(true).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl}) on ${v.nodes
          .slice(0, 5)
          .map((n) => n.target.join(' '))
          .join(' | ')}${v.nodes.length > 5 ? ` and ${v.nodes.length - 5} more` : ''}`,
    );
  if (serious.length > 0) {
    // a thrown message is printed whole (an expect diff of a long list gets truncated)
    throw new Error(
      `axe on ${new URL(page.url()).pathname} (${await page.title()}): ${serious.length} serious or critical violation(s)\n  ${serious.join('\n  ')}`,
    );
  }
}

/**
 * Takes a screenshot. With `UPDATE_SCREENSHOTS=1` it replaces docs/screenshots/<name> (committed:
 * the README shows them); otherwise it goes to test-output/screenshots/ (ignored by git), so that
 * a test run leaves the working tree as it found it.
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? screenshotDir : join(screenshotDir, '..', '..', 'test-output', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, name), fullPage: options.fullPage ?? false, animations: 'disabled' });
}

/** Mails to `address` in the stack's outbox, oldest first. */
export async function mailsTo(stack: BrowserStack, address: string): Promise<StoredEmail[]> {
  return (await stack.outbox()).filter((m) => m.destination.to.some((t) => t.toLowerCase().includes(address.toLowerCase())));
}

export interface Person extends Credentials {
  readonly name: string;
  readonly role: 'editor' | 'reviewer' | 'publisher' | 'admin';
}

/**
 * A second person, the way an admin brings one in: Réglages → Utilisateurs, the invitation
 * form, the link from the invitation mail in the SES emulator, a password chosen on its page.
 * Answers a new browser (context) signed in as them, on the dashboard. axe checks both pages.
 */
export async function invitePerson(
  stack: BrowserStack,
  adminPage: Page,
  person: Omit<Person, 'password'>,
): Promise<{ page: Page; who: Person }> {
  const who: Person = { ...person, password: `phrase de passe de ${person.name.toLowerCase()} 2026` };
  await adminPage.goto('/reglages/utilisateurs');
  await checkA11y(adminPage);
  await field(adminPage, 'Nom et prénom').fill(who.name);
  await field(adminPage, 'Adresse e-mail').fill(who.email);
  await field(adminPage, 'Rôle').selectOption(who.role);
  await adminPage.getByRole('button', { name: 'Envoyer l’invitation' }).click();
  await adminPage.waitForLoadState();

  // a plain loop rather than expect.poll: this also runs in beforeAll, where poll is not allowed
  let link = '';
  for (const until = Date.now() + 30_000; !link && Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
    const [mail] = await mailsTo(stack, who.email);
    link = /https?:\/\/\S+\/invitation\/[A-Za-z0-9._~-]+/.exec(mail?.body.text ?? '')?.[0] ?? '';
  }
  if (!link) throw new Error(`no invitation mail with a link reached ${who.email}`);

  const page = await stack.newPage();
  await page.goto(new URL(link).pathname);
  await checkA11y(page);
  await field(page, 'Mot de passe').fill(who.password);
  await field(page, 'Mot de passe, une seconde fois').fill(who.password);
  await page.getByRole('button', { name: 'Activer mon compte' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  return { page, who };
}

/** French typography puts (narrow) no-break spaces in times and before « : ; ! ? »: compare with plain spaces. */
export const plain = (s: string | null | undefined): string => (s ?? '').replace(/&nbsp;|&#160;|&#8239;|&#x202f;|\u00a0|\u202f/gi, ' ');

/** The text of the one live region (notices after a redirect), spaces made plain. */
export const noticeOf = async (page: Page): Promise<string> => plain(await page.locator('#annonces').textContent());

/**
 * Clicks a button that posts a form and waits for the page the post leads to. Scrolled into
 * view first: the editor's preview frames load their images late and shift the layout, so a
 * click aimed during the shift can miss.
 */
export async function submitWith(page: Page, button: Locator, postPath: RegExp | string): Promise<number> {
  await button.scrollIntoViewIfNeeded();
  const matches = (url: string) =>
    typeof postPath === 'string' ? new URL(url).pathname === postPath : postPath.test(new URL(url).pathname);
  const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && matches(r.url())), button.click()]);
  await page.waitForLoadState();
  return answer.status();
}

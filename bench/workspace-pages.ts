/**
 * Workspace pages, as a browser gets them from `npm start` on this machine (startRuntime: its
 * own DynamoDB Local and SES emulator, demo data, a temporary DATA_DIR), signed in as the
 * first admin through the sign-in form.
 *
 * Prints:
 * - time to first byte (response headers received) of the dashboard and the editor of seed 001,
 *   median and p90 of N requests after 3 warm-up requests;
 * - per page, the JS and CSS it loads (its <script src> and stylesheet links), raw and gzipped
 *   (gzip -6, what the app's compress() sends), against the target of 30 KB of gzipped JS;
 * Figures are printed, never asserted. The preview update time has its own bench
 * (bench/preview-update.ts).
 *
 *   npx tsx bench/workspace-pages.ts [--requests 30] [--quick]
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { LocalConfig } from '../functions/config';
import { startRuntime } from '../local/runtime';
import { freePort } from '../test/support/free-port';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '30' }, quick: { type: 'boolean', default: false } },
});
const requests = values.quick ? 10 : Number(values.requests);
if (!Number.isInteger(requests) || requests < 1) {
  console.error('usage : npx tsx bench/workspace-pages.ts [--requests N] [--quick]');
  process.exit(2);
}

const JS_TARGET_BYTES = 30 * 1024;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (x: number) => `${x.toFixed(1)} ms`;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

/** A tiny cookie jar: the workspace's session and CSRF cookies. */
class Client {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const r = await fetch(new URL(path, this.base), { ...init, headers, redirect: 'manual' });
    for (const line of r.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const value = pair.slice(at + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.cookies.delete(pair.slice(0, at));
      else this.cookies.set(pair.slice(0, at), value);
    }
    return r;
  }

  /** Time to the response headers, then the body read (not counted). */
  async ttfb(path: string): Promise<{ ms: number; status: number }> {
    const t0 = performance.now();
    const r = await this.request(path);
    const elapsed = performance.now() - t0;
    await r.arrayBuffer();
    return { ms: elapsed, status: r.status };
  }
}

const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
const decodeEntities = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

/** Signs in through the form of /connexion: its e-mail and password inputs, its hidden fields. */
async function signIn(client: Client, email: string, password: string): Promise<void> {
  const page = await (await client.request('/connexion')).text();
  const form = /<form[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(
    page.replace(/<form[^>]*action="\/deconnexion"[\s\S]*?<\/form>/gi, ''),
  );
  if (!form) throw new Error('no sign-in form on /connexion');
  const action = attr(form[0].slice(0, form[0].indexOf('>') + 1), 'action') ?? '/connexion';
  const body = new URLSearchParams();
  for (const input of form[1]?.match(/<input[^>]*>/gi) ?? []) {
    const name = attr(input, 'name');
    if (!name) continue;
    const type = attr(input, 'type') ?? 'text';
    if (type === 'password') body.set(name, password);
    else if (type === 'email' || /mail/i.test(name)) body.set(name, email);
    else if (type === 'hidden') body.set(name, decodeEntities(attr(input, 'value') ?? ''));
  }
  const r = await client.request(decodeEntities(action), {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const where = r.headers.get('location') ?? '';
  if (r.status !== 303 && r.status !== 302) throw new Error(`sign-in answered ${r.status}, not a redirect`);
  if (where.includes('/connexion')) throw new Error(`sign-in refused (redirect to ${where})`);
}

/** The scripts and stylesheets a page loads, each fetched once: raw and gzipped sizes. */
async function assetsOf(client: Client, html: string): Promise<{ js: [number, number]; css: [number, number]; files: string[] }> {
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/gi)].map((m) => m[1] ?? '');
  const styles = [...html.matchAll(/<link\b[^>]*>/gi)]
    .map((m) => m[0])
    .filter((tag) => /rel="stylesheet"/i.test(tag))
    .map((tag) => attr(tag, 'href') ?? '');
  const sizes = async (urls: string[]): Promise<[number, number]> => {
    let raw = 0;
    let gz = 0;
    for (const url of urls) {
      const bytes = Buffer.from(await (await client.request(decodeEntities(url))).arrayBuffer());
      raw += bytes.byteLength;
      gz += gzipSync(bytes, { level: 6 }).byteLength;
    }
    return [raw, gz];
  };
  // Inline <script> would be refused by the CSP anyway; count it if any slipped in.
  const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1] ?? '').join('');
  const js = await sizes(scripts);
  return {
    js: [js[0] + inline.length, js[1] + (inline ? gzipSync(inline).byteLength : 0)],
    css: await sizes(styles),
    files: [...scripts, ...styles],
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'communique-bench-workspace-'));
const port = await freePort();
const config: LocalConfig = {
  region: 'eu-west-3',
  tableName: 'communique',
  publicBaseUrl: `http://localhost:${port}`,
  port,
  dynamoPort: await freePort(),
  sesPort: await freePort(),
  dataDir,
  externalDynamo: false,
  externalSes: false,
};
const runtime = await startRuntime({
  ...config,
  dynamoEndpoint: `http://127.0.0.1:${config.dynamoPort}`,
  sesEndpoint: `http://127.0.0.1:${config.sesPort}`,
});
try {
  const admin = JSON.parse(readFileSync(join(dataDir, 'first-admin.json'), 'utf8')) as { email: string; password: string };
  const client = new Client(runtime.appUrl);
  await signIn(client, admin.email, admin.password);

  const releases = (await runtime.wiring.deps.store.listReleases({ limit: 50 })).items;
  const invitation = releases.find((r) => r.content.kind === 'event-announcement');
  const communique = releases.find((r) => r.content.kind === 'press-release');
  if (!invitation || !communique) throw new Error('demo data lacks seed 000 or seed 001');

  console.log(
    `workspace pages, ${requests} requests each after 3 warm-up (Node ${process.version}, ${runtime.appUrl}, load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)`,
  );
  console.log('\ntime to first byte (headers received)');
  for (const [label, path] of [
    ['dashboard /', '/'],
    ['editor, seed 001', `/communiques/${invitation.id}`],
    ['editor, seed 000', `/communiques/${communique.id}`],
  ] as const) {
    for (let i = 0; i < 3; i++) await client.ttfb(path);
    const samples: number[] = [];
    let status = 0;
    for (let i = 0; i < requests; i++) {
      const r = await client.ttfb(path);
      samples.push(r.ms);
      status = r.status;
    }
    console.log(
      `  ${label.padEnd(20)} median ${ms(quantile(samples, 0.5)).padStart(9)}  p90 ${ms(quantile(samples, 0.9)).padStart(9)}  (HTTP ${status})`,
    );
  }

  console.log(`\nJS and CSS per page (gzip -6; target ≤ ${kb(JS_TARGET_BYTES)} of gzipped JS)`);
  const shown = (path: string) => path.replace(invitation.id, ':id');
  const pages: [string, string][] = [
    ['sign-in', '/connexion'],
    ['dashboard', '/'],
    ['releases', '/communiques'],
    ['editor', `/communiques/${invitation.id}`],
    ['review', '/relecture'],
    ['send dialog', `/communiques/${invitation.id}/envoi`],
    ['campaigns', '/campagnes'],
    ['plans', '/plans'],
  ];
  let worstJs = 0;
  for (const [label, path] of pages) {
    // the sign-in page is seen signed out (signed in, it redirects to the dashboard)
    const r = await (label === 'sign-in' ? new Client(runtime.appUrl) : client).request(path);
    const html = await r.text();
    if (r.status !== 200) {
      console.log(`  ${label.padEnd(12)} ${shown(path).padEnd(24)} HTTP ${r.status}: not measured`);
      continue;
    }
    const a = await assetsOf(client, html);
    worstJs = Math.max(worstJs, a.js[1]);
    console.log(
      `  ${label.padEnd(12)} ${shown(path).padEnd(24)} JS ${kb(a.js[1]).padStart(8)} gz (${kb(a.js[0])} raw)  CSS ${kb(a.css[1]).padStart(7)} gz (${kb(a.css[0])} raw)  HTML ${kb(gzipSync(html).byteLength)} gz`,
    );
  }
  console.log(`  heaviest page: ${kb(worstJs)} of gzipped JS — ${worstJs <= JS_TARGET_BYTES ? 'within' : 'OVER'} the 30 KB target`);
} finally {
  await runtime.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

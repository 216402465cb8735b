/**
 * Server time of a live-preview update in the editor: the form of a release posted to
 * `/communiques/:id/apercu` through `app.request` (no network), rendered with the real MJML
 * renderer, for both seeds. What the author waits for after a pause in typing, minus the
 * network. Prints median and p95 against the target of issue 9 (150 ms). Printed, never asserted.
 *
 *   npx tsx bench/preview-update.ts [--requests 40] [--quick]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRelease } from '../functions/app/manage-releases';
import { type ReleaseContentInput, releaseContentSchema } from '../functions/domain/release';
import { contentToForm } from '../functions/http/pages/releases/release-form';
import { mjmlRenderer } from '../functions/render/compile-release';
import { testBrand } from '../test/support/fakes';
import { workspaceHarness } from '../test/support/workspace-harness';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '40' }, quick: { type: 'boolean', default: false } } });
const requests = values.quick ? 12 : Number(values.requests);
if (!Number.isInteger(requests) || requests < 1) {
  console.error('usage : npx tsx bench/preview-update.ts [--requests N] [--quick]');
  process.exit(2);
}
const TARGET_MS = 150;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? Number.NaN;
};

/** The editor's form for a content, as the browser posts it. */
function formOf(content: ReleaseContentInput, version: number): Record<string, string | string[]> {
  const state = contentToForm(releaseContentSchema.parse(content));
  const body: Record<string, string | string[]> = { ...state.fields, coBrandIds: [...state.coBrandIds], version: String(version) };
  for (const [block, rows] of Object.entries(state.blocks))
    rows.forEach((row, i) => {
      for (const [k, v] of Object.entries(row)) body[`${block}.${i}.${k}`] = v;
    });
  return body;
}

const h = await workspaceHarness({ ...mjmlRenderer });
await h.store.putBrand({ ...testBrand, id: 'cd37', name: 'Conseil départemental d’Indre-et-Loire' });
const editor = h.as('editor');

console.log(
  `preview update: POST /communiques/:id/apercu, real MJML renderer, ${requests} requests after 3 warm-up (target ${TARGET_MS} ms)`,
);
for (const name of ['seed-000', 'seed-001']) {
  const content = JSON.parse(readFileSync(`test/fixtures/releases/${name}.json`, 'utf8')) as ReleaseContentInput;
  const release = await createRelease(h.deps, content, { id: 'u-editor', name: 'Bench', role: 'editor' });
  const form = formOf(content, release.version);
  const times: number[] = [];
  for (let i = 0; i < requests + 3; i++) {
    // A different title each time, as when the author types: nothing may be served from a cache.
    const typed = { ...form, title: `${String(form.title)} ${i}` };
    const t0 = performance.now();
    const r = await editor.post(`/communiques/${release.id}/apercu`, typed, { headers: { 'hx-request': 'true' } });
    const html = await r.text();
    const elapsed = performance.now() - t0;
    if (r.status !== 200 || !html.includes('srcdoc=')) throw new Error(`${name}: preview answered ${r.status} without a rendered mail`);
    if (i >= 3) times.push(elapsed);
  }
  const median = quantile(times, 0.5);
  const p95 = quantile(times, 0.95);
  console.log(
    `  ${name}  median ${median.toFixed(1)} ms  p95 ${p95.toFixed(1)} ms  ${p95 <= TARGET_MS ? 'within' : 'OVER'} the ${TARGET_MS} ms target`,
  );
}

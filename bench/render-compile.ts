/**
 * Compile a release once (Handlebars + MJML strict + text part + ICS): median of 20 compiles
 * per seed, after one cold compile that also loads MJML. Run: `npx tsx bench/render-compile.ts`.
 */
import { pathToFileURL } from 'node:url';
import { compileRelease } from '../functions/render/compile-release';
import { compileInputOf, seed000, seed001 } from '../test/fixtures/seeds';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function benchRenderCompile(
  runs = 20,
): Promise<{ seed: string; coldMs: number; medianMs: number; minMs: number; maxMs: number }[]> {
  const results = [];
  for (const [seed, content] of [
    ['000 (communiqué)', seed000],
    ['001 (invitation)', seed001],
  ] as const) {
    const input = compileInputOf(content);
    const t0 = performance.now();
    await compileRelease(input);
    const coldMs = performance.now() - t0;
    const times: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const start = performance.now();
      await compileRelease(input);
      times.push(performance.now() - start);
    }
    results.push({ seed, coldMs, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times) });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await benchRenderCompile()) {
    console.log(
      `render compile, seed ${r.seed}: median ${r.medianMs.toFixed(1)} ms over 20 (min ${r.minMs.toFixed(1)}, max ${r.maxMs.toFixed(1)}; first, cold: ${r.coldMs.toFixed(0)} ms)`,
    );
  }
}

/**
 * `npm run bench`: every `bench/*.ts` but this one, one after the other, each in its own Node
 * process (`node --import tsx bench/<name>.ts`) so one bench's emulators, heap and JIT never
 * colour the next. Quick arguments by default (a bench that declares a `quick` option gets
 * `--quick`; the others get the small arguments listed below, or none); `--full` runs each with
 * its own defaults. Prints each bench's output as it comes, then the `FIGURE` lines the benches
 * printed (the figures issue 13 asks for, together) and a summary; exits non-zero if any bench
 * failed. Figures are printed, never asserted.
 *
 *   npm run bench [-- --full] [-- send-cpu render-compile ...]
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const benchDir = dirname(fileURLToPath(import.meta.url));
const projectDir = dirname(benchDir);
const self = basename(fileURLToPath(import.meta.url));

/** Quick arguments for benches that have no `--quick` of their own. */
const quickArgsWithoutQuickOption: Record<string, readonly string[]> = {
  'import-contacts': ['--rows', '5000'],
};

const { values, positionals } = parseArgs({ options: { full: { type: 'boolean', default: false } }, allowPositionals: true });

const all = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts') && f !== self && !f.endsWith('.d.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const unknown = positionals.filter((p) => !all.includes(p.replace(/\.ts$/, '')));
if (unknown.length > 0) {
  console.error(`no such bench: ${unknown.join(', ')} (benches: ${all.join(', ')})`);
  process.exit(2);
}
const selected = positionals.length > 0 ? all.filter((b) => positionals.some((p) => p.replace(/\.ts$/, '') === b)) : all;

function argsFor(bench: string): readonly string[] {
  if (values.full) return [];
  const source = readFileSync(join(benchDir, `${bench}.ts`), 'utf8');
  // A parseArgs option named quick (`quick: { type: 'boolean' ... }`).
  if (/\bquick\s*:\s*\{/.test(source)) return ['--quick'];
  return quickArgsWithoutQuickOption[bench] ?? [];
}

/** The `FIGURE <name>: <value>` lines the benches print, in order, for the summary. */
const figures: { bench: string; line: string }[] = [];

function run(bench: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('bench', `${bench}.ts`), ...args], {
      cwd: projectDir,
      stdio: ['inherit', 'pipe', 'inherit'],
    });
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('FIGURE ')) figures.push({ bench, line: line.slice('FIGURE '.length) });
    });
    child.once('error', (e) => {
      console.error(`cannot start ${bench}: ${e.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

const results: { bench: string; args: string; code: number; seconds: number }[] = [];
for (const bench of selected) {
  const args = argsFor(bench);
  const line = `bench/${bench}.ts${args.length > 0 ? ` ${args.join(' ')}` : ''}`;
  console.log(`\n=== ${line} ${'='.repeat(Math.max(3, 76 - line.length))}`);
  const t0 = performance.now();
  const code = await run(bench, args);
  results.push({ bench, args: args.join(' '), code, seconds: (performance.now() - t0) / 1000 });
}

const failed = results.filter((r) => r.code !== 0);
if (figures.length > 0) {
  console.log(`\n=== figures (issue 13's table and the others) ${'='.repeat(40)}`);
  const benchWidth = Math.max(...figures.map((f) => f.bench.length));
  for (const f of figures) console.log(`${f.bench.padEnd(benchWidth)}  ${f.line}`);
}
console.log(`\n=== summary (${values.full ? 'full' : 'quick'} runs) ${'='.repeat(56)}`);
const width = Math.max(...results.map((r) => r.bench.length), 5);
for (const r of results)
  console.log(
    `${r.bench.padEnd(width)}  ${r.code === 0 ? 'ok    ' : `FAILED (exit ${r.code})`}  ${r.seconds.toFixed(1).padStart(6)} s  ${r.args}`,
  );
console.log(
  failed.length === 0
    ? `all ${results.length} benches ran`
    : `${failed.length} of ${results.length} benches failed: ${failed.map((f) => f.bench).join(', ')}`,
);
process.exit(failed.length === 0 ? 0 : 1);

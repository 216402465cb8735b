/**
 * Lambda bundle sizes: each handler bundled by esbuild with the options `CommuniqueFunction`
 * (infra/constructs/function-defaults.ts) gives `NodejsFunction`, i.e. the command CDK runs
 * at synth: `--bundle --target=node22 --platform=node --format=esm --minify --sourcemap
 * --sources-content=false --external:@aws-sdk/* --main-fields=module,main --banner:js=…`.
 * Nothing is written; esbuild's metafile says what went in.
 *
 * Prints, per handler (send, and for comparison api and feedback): the minified `index.mjs`
 * in KiB, its deflated size (about what the Lambda zip holds), the source map, and whether
 * MJML / Handlebars are in it; for send, the 5 packages that weigh most in the output.
 * Exits non-zero if MJML is in the send bundle: the send worker must personalise without it.
 *
 *   npx tsx bench/bundle-size.ts
 */

import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { ESM_REQUIRE_BANNER, PROJECT_ROOT } from '../infra/constructs/function-defaults';

const handlers = ['send', 'api', 'feedback'] as const;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

interface BundleFigures {
  readonly handler: string;
  readonly bytes: number;
  readonly deflated: number;
  readonly mapBytes: number;
  readonly metafile: Metafile;
}

async function bundle(handler: string): Promise<BundleFigures> {
  // The same options as CommuniqueFunction's `bundling` (keep in step with function-defaults.ts).
  const result = await build({
    entryPoints: [join(PROJECT_ROOT, 'functions', 'handlers', `${handler}.ts`)],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    target: 'node22',
    platform: 'node',
    format: 'esm',
    outfile: join(PROJECT_ROOT, 'cdk.out', 'bench-bundle', handler, 'index.mjs'),
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external: ['@aws-sdk/*'],
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    metafile: true,
    write: false,
    logLevel: 'error',
  });
  const code = result.outputFiles.find((f) => f.path.endsWith('index.mjs'));
  const map = result.outputFiles.find((f) => f.path.endsWith('index.mjs.map'));
  if (!code) throw new Error(`esbuild produced no index.mjs for ${handler}`);
  return {
    handler,
    bytes: code.contents.byteLength,
    deflated: deflateRawSync(code.contents, { level: 9 }).byteLength,
    mapBytes: map?.contents.byteLength ?? 0,
    metafile: result.metafile,
  };
}

/** `node_modules/@smithy/core/dist/x.js` → `@smithy/core`; the project's own files → `(projet) functions/`. */
function packageOf(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return `(projet) ${path.split('/')[0] ?? path}/`;
  const [first, second] = path.slice(at + 'node_modules/'.length).split('/');
  return first?.startsWith('@') ? `${first}/${second}` : (first ?? path);
}

/** Bytes each package contributes to the minified output (esbuild's `bytesInOutput`). */
function packagesByOutputBytes(metafile: Metafile): [string, number][] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = packageOf(path);
      totals.set(pkg, (totals.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

const contains = (metafile: Metafile, pkg: string) => Object.keys(metafile.inputs).some((p) => p.includes(`node_modules/${pkg}`));

const results: BundleFigures[] = [];
for (const handler of handlers) results.push(await bundle(handler));

console.log('Lambda bundles (esbuild, options de CommuniqueFunction : ESM minifié, node22, @aws-sdk/* externe)');
console.log(
  `${'handler'.padEnd(10)}${'index.mjs'.padStart(13)}${'deflate'.padStart(13)}${'source map'.padStart(13)}${'inputs'.padStart(9)}   MJML   Handlebars`,
);
for (const r of results) {
  console.log(
    `${r.handler.padEnd(10)}${kib(r.bytes).padStart(13)}${kib(r.deflated).padStart(13)}${kib(r.mapBytes).padStart(13)}${String(Object.keys(r.metafile.inputs).length).padStart(9)}   ${(contains(r.metafile, 'mjml') ? 'oui' : 'non').padEnd(7)}${contains(r.metafile, 'handlebars') ? 'oui' : 'non'}`,
  );
}

const send = results.find((r) => r.handler === 'send') as BundleFigures;
console.log('\nsend : les 5 paquets les plus lourds (octets dans index.mjs minifié)');
for (const [pkg, bytes] of packagesByOutputBytes(send.metafile).slice(0, 5)) {
  console.log(`  ${pkg.padEnd(40)}${kib(bytes).padStart(11)}  ${((bytes / send.bytes) * 100).toFixed(1).padStart(5)} %`);
}

/** The import chain from the entry to `target`, read from the metafile (breadth first: a shortest one). */
function importChain(metafile: Metafile, entry: string, target: string): string[] {
  const previous = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    if (current === target) break;
    for (const { path } of metafile.inputs[current]?.imports ?? []) {
      if (previous.has(path) || !metafile.inputs[path]) continue;
      previous.set(path, current);
      queue.push(path);
    }
  }
  const chain: string[] = [];
  for (let at: string | null | undefined = target; at; at = previous.get(at)) chain.unshift(at);
  return chain;
}

const mjmlInSend = Object.keys(send.metafile.inputs).filter((p) => p.includes('node_modules/mjml'));
console.log(`\nMJML absent du bundle send : ${mjmlInSend.length === 0 ? 'oui' : 'non'}`);
if (mjmlInSend.length > 0) {
  const entry = 'functions/handlers/send.ts';
  const root = mjmlInSend.find((p) => /node_modules\/mjml\/lib\/index\.js$/.test(p)) ?? (mjmlInSend[0] as string);
  console.error(
    `MJML est dans le bundle send (${mjmlInSend.length} fichiers). Par ce chemin d’imports :\n  ${importChain(send.metafile, entry, root).join('\n  → ')}`,
  );
  process.exit(1);
}

/**
 * Lambda bundle sizes: each handler bundled by esbuild with the options `CommuniqueFunction`
 * (infra/constructs/function-defaults.ts) gives `NodejsFunction`, i.e. the command CDK runs
 * at synth: `--bundle --target=node22 --platform=node --format=esm --minify --sourcemap
 * --sources-content=false --external:@aws-sdk/* --main-fields=module,main --banner:js=…`.
 * Nothing is written; esbuild's metafile says what went in.
 *
 * Prints, per handler (send, api, feedback): the minified `index.mjs` in KiB, its deflated
 * size (about what the Lambda zip holds), the source map, whether MJML / Handlebars / zod are in
 * it, and its init time: the built bundle imported in a fresh Node process (median of
 * `--runs`, 3 by default), env set to local values and Secrets Manager answered by a stub on
 * loopback, so init is module evaluation plus building the deps, as a Lambda cold start does
 * after the runtime's own start. For send, the 5 packages that weigh most in the output.
 * Exits non-zero if MJML or zod is in the send bundle, or a bundle is over its budget (send
 * and feedback ≤ 200 KiB, issue 13). The api's init is compared with its 500 ms target and
 * printed, never asserted (a wall-clock figure on a shared machine).
 *
 *   npx tsx bench/bundle-size.ts [--runs 3]
 */

import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { ESM_REQUIRE_BANNER, PROJECT_ROOT } from '../infra/constructs/function-defaults';

const handlers = ['send', 'api', 'feedback'] as const;
/** Minified `index.mjs` budgets (issue 13); the api has an init target instead. */
const budgets: Record<string, number> = { send: 200 * 1024, feedback: 200 * 1024 };
const API_INIT_TARGET_MS = 500;
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Math.max(1, Number.parseInt(values.runs, 10) || 3);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

interface BundleFigures {
  readonly handler: string;
  readonly bytes: number;
  readonly deflated: number;
  readonly mapBytes: number;
  readonly metafile: Metafile;
  /** Where the bundle was written, to be imported by the init measurement. */
  readonly file: string;
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
  mkdirSync(dirname(code.path), { recursive: true });
  writeFileSync(code.path, code.contents);
  return {
    file: code.path,
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

/**
 * Secrets Manager on loopback: the token key ring for the token-keys secret, a token for the
 * others (the admin token). Enough for the handlers' top-level await to build their deps.
 */
async function secretsStub(): Promise<{ url: string; close: () => void }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const id = String((JSON.parse(body || '{}') as { SecretId?: string }).SecretId ?? '');
      const secret = id.includes('keys')
        ? JSON.stringify({ currentKeyId: 'k1', k1: 'bench-key-0123456789abcdef0123456789' })
        : 'bench-admin-token';
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(JSON.stringify({ ARN: id, Name: id, SecretString: secret, VersionId: 'v1' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const exec = promisify(execFile);
/** Milliseconds to import the bundle (evaluate it, top-level await included) in a fresh Node process. */
async function initMs(file: string, secretsUrl: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t)); process.exit(0);`;
  const region = 'eu-west-3';
  const env = {
    PATH: process.env.PATH,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
    TABLE_NAME: 'communique',
    SEND_QUEUE_URL: 'http://127.0.0.1:9/queue/send',
    PUBLIC_BASE_URL: 'http://localhost:3000',
    TOKEN_KEYS_SECRET_ARN: `arn:aws:secretsmanager:${region}:000000000000:secret:token-keys`,
    ADMIN_TOKEN_SECRET_ARN: `arn:aws:secretsmanager:${region}:000000000000:secret:admin-token`,
    SES_MAX_SEND_RATE: '14',
  };
  const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', script], { env, timeout: 60_000 });
  return Number(stdout);
}

/** The packages a bundle leaves external (the AWS SDK, which Lambda's runtime provides), imported alone. */
async function externalsInitMs(r: BundleFigures): Promise<number> {
  const externals = new Set(
    Object.values(r.metafile.outputs).flatMap((o) =>
      o.imports.filter((i) => i.external && i.path.startsWith('@aws-sdk/')).map((i) => i.path),
    ),
  );
  const script = `const t = performance.now(); await Promise.all(${JSON.stringify([...externals])}.map((m) => import(m))); process.stdout.write(String(performance.now() - t)); process.exit(0);`;
  const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', script], { cwd: dirname(r.file), timeout: 60_000 });
  return Number(stdout);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const inits = new Map<string, number>();
const sdkInits = new Map<string, number>();
const stub = await secretsStub();
try {
  for (const r of results) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await initMs(r.file, stub.url));
    inits.set(r.handler, median(times));
    const sdk: number[] = [];
    for (let i = 0; i < runs; i++) sdk.push(await externalsInitMs(r));
    sdkInits.set(r.handler, median(sdk));
  }
} finally {
  stub.close();
}

console.log('Lambda bundles (esbuild, options de CommuniqueFunction : ESM minifié, node22, @aws-sdk/* externe)');
console.log(
  `${'handler'.padEnd(10)}${'index.mjs'.padStart(13)}${'budget'.padStart(12)}${'deflate'.padStart(13)}${'source map'.padStart(13)}${'inputs'.padStart(9)}${'init (ms)'.padStart(11)}${'dont SDK'.padStart(10)}   MJML   Handlebars   zod`,
);
const yesNo = (b: boolean) => (b ? 'oui' : 'non');
for (const r of results) {
  const budget = budgets[r.handler];
  console.log(
    `${r.handler.padEnd(10)}${kib(r.bytes).padStart(13)}${(budget ? kib(budget) : '—').padStart(12)}${kib(r.deflated).padStart(13)}${kib(r.mapBytes).padStart(13)}${String(Object.keys(r.metafile.inputs).length).padStart(9)}${(inits.get(r.handler) ?? Number.NaN).toFixed(0).padStart(11)}${(sdkInits.get(r.handler) ?? Number.NaN).toFixed(0).padStart(10)}   ${yesNo(contains(r.metafile, 'mjml')).padEnd(7)}${yesNo(contains(r.metafile, 'handlebars')).padEnd(13)}${yesNo(contains(r.metafile, 'zod'))}`,
  );
}
console.log(
  `init : import du bundle construit dans un Node neuf (médiane de ${runs}), env locale, Secrets Manager simulé sur 127.0.0.1 ; « dont SDK » : les seuls paquets @aws-sdk/* que le bundle laisse externes (fournis par Lambda), importés seuls ; machine : ${(await import('node:os')).cpus().length} cœurs, charge ${(
    await import('node:os')
  )
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);
const apiInit = inits.get('api') ?? Number.NaN;
console.log(
  `api : init ${apiInit.toFixed(0)} ms, objectif ≤ ${API_INIT_TARGET_MS} ms : ${apiInit <= API_INIT_TARGET_MS ? 'tenu' : 'non tenu sur cette exécution'}`,
);

const send = results.find((r) => r.handler === 'send') as BundleFigures;
for (const handler of ['send', 'feedback']) {
  const r = results.find((x) => x.handler === handler);
  if (r) console.log(`FIGURE ${handler} bundle: ${kib(r.bytes)} (target <= 200 KiB)`);
}
console.log(`FIGURE api init: ${apiInit.toFixed(0)} ms (target <= ${API_INIT_TARGET_MS} ms)`);
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

let failed = false;
for (const r of results) {
  const budget = budgets[r.handler];
  if (budget !== undefined && r.bytes > budget) {
    console.error(`${r.handler} : ${kib(r.bytes)}, au-dessus du budget de ${kib(budget)}`);
    failed = true;
  }
}
for (const handler of ['send', 'feedback']) {
  const r = results.find((x) => x.handler === handler) as BundleFigures;
  const zodIn = Object.keys(r.metafile.inputs).filter((p) => p.includes('node_modules/zod/'));
  if (zodIn.length === 0) continue;
  const root = zodIn.find((p) => /node_modules\/zod\/(v4\/classic\/external|index)\.js$/.test(p)) ?? (zodIn[0] as string);
  console.error(
    `zod est dans le bundle ${handler} (le valider à la main, voir send-message-codec.ts). Par ce chemin d’imports :\n  ${importChain(r.metafile, `functions/handlers/${handler}.ts`, root).join('\n  → ')}`,
  );
  failed = true;
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
if (failed) process.exit(1);

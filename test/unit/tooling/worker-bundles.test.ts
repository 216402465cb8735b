import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

/** The worker's bundle as the stack builds it (the SDK stays external), measured, never written. */
async function workerBundle(handler: string) {
  const result = await build({
    entryPoints: [join(root, 'functions', 'handlers', `${handler}.ts`)],
    absWorkingDir: root,
    bundle: true,
    target: 'node22',
    platform: 'node',
    format: 'esm',
    outfile: join(root, 'cdk.out', 'test-bundle', handler, 'index.mjs'),
    minify: true,
    external: ['@aws-sdk/*'],
    mainFields: ['module', 'main'],
    metafile: true,
    write: false,
    logLevel: 'error',
  });
  const inputs = Object.keys(result.metafile.inputs);
  return { bytes: result.outputFiles[0]?.contents.byteLength ?? 0, inputs };
}

// bench/bundle-size.ts prints the figures; this keeps the budget from slipping between benches
// (a zod schema imported by a store module once took the send bundle from 128 to 572 KiB).
describe('the workers’ bundles', () => {
  it.each(['send', 'feedback'])('%s: no zod, no MJML, no Handlebars, within 200 KiB', async (handler) => {
    const { bytes, inputs } = await workerBundle(handler);

    expect(inputs.filter((p) => /node_modules\/(zod|mjml[^/]*|handlebars)\//.test(p))).toEqual([]);
    expect(bytes).toBeLessThanOrEqual(200 * 1024);
  });
});

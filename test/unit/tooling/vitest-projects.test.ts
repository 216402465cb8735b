import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import config from '../../../vitest.config';

const run = promisify(execFile);

type Project = { test?: { name?: string; include?: string[]; globalSetup?: string | string[] } };
const projects = (config.test?.projects ?? []) as Project[];
const project = (name: string) => projects.find((p) => p.test?.name === name)?.test;

describe('vitest projects and CI (issue 10, point 22)', () => {
  it('runs the unit project with no Java on the PATH (no emulator is started for it)', async () => {
    // prepare: a PATH holding node and nothing else, so `java` (DynamoDB Local) cannot be found
    const bin = mkdtempSync(join(tmpdir(), 'no-java-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    try {
      // act: the unit project on one small file; `--reporter=dot` so test-results.json is not overwritten
      const { stdout } = await run(
        process.execPath,
        ['node_modules/vitest/vitest.mjs', 'run', '--project', 'unit', '--reporter=dot', 'test/unit/domain/email-address.test.ts'],
        { env: { PATH: bin, HOME: process.env.HOME ?? tmpdir(), CI: 'true', NO_COLOR: '1' }, cwd: process.cwd() },
      );
      // assess
      expect(stdout).toMatch(/Test Files\s+1 passed/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('keeps the emulators for integration, e2e, infra and browser tests, and the JSON report for CI', () => {
    expect(project('unit')?.include).toEqual(['test/unit/**/*.test.ts']);
    expect(project('unit')?.globalSetup).toBeUndefined();
    const integration = project('integration');
    expect(integration?.globalSetup).toEqual(['test/support/global-setup.ts']);
    for (const dir of ['integration', 'e2e', 'infra', 'browser']) expect(integration?.include).toContain(`test/${dir}/**/*.test.ts`);
    expect(config.test?.reporters).toContainEqual(['json', { outputFile: 'test-results.json' }]);
  });

  it('CI type-checks, and runs vitest with CI=true so a missing snapshot fails instead of being written', () => {
    const script = readFileSync('.ci/run', 'utf8');
    expect(script).toMatch(/^npm run typecheck \|\| exit 1$/m);
    expect(script).toMatch(/^CI=true npm test$/m);
  });
});

describe('no wall-clock assertions in tests (issue 10, point 23)', () => {
  it('no test asserts on elapsed real time (it measures the machine, not the code)', () => {
    const self = join('unit', 'tooling', 'vitest-projects.test.ts'); // names the patterns it looks for
    const files = readdirSync('test', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && f !== self);
    // expect(Date.now() - started).toBeLessThan(…), expect(performance.now() - t0)…, or an elapsed value computed first
    const patterns = [/expect\(\s*(Date\.now|performance\.now)\(\)/, /expect\(\s*elapsed\w*\s*\)\s*\.toBeLessThan/i];
    const offenders = files.filter((f) => {
      const text = readFileSync(join('test', f), 'utf8');
      return patterns.some((p) => p.test(text));
    });
    expect(offenders).toEqual([]);
  });
});

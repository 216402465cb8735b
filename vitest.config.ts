import { defineConfig } from 'vitest/config';

/**
 * Two projects. `unit` (domain, use-cases on in-memory fakes, rendering) needs neither Java nor
 * the emulators, so it runs anywhere: `npx vitest run --project unit`. `integration` (real
 * DynamoDB Local and SES emulator, end-to-end runs, CDK assertions, browser journeys) starts
 * the emulators once for the whole run. `npm test` runs both.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The JSON report gives CI its "N passed, N failed" line (.ci/summary.mjs).
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/infra/**/*.test.ts', 'test/browser/**/*.test.ts'],
          // DynamoDB Local and the SES emulator are started once for the whole run, then stopped.
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});

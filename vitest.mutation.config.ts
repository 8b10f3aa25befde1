import { defineConfig } from 'vitest/config';

/**
 * The tests StrykerJS runs against each mutant of the core files (see
 * stryker.config.json and docs/testing.md): the fast unit tests that exercise
 * them. The integration tests (clickhouse-server, chDB, the bundles, the
 * 10-second state-machine executions) stay in the main config; a mutant they
 * alone would kill is listed as a survivor in docs/testing.md.
 */
export default defineConfig({
  test: {
    include: [
      'test/diagnosis/**/*.test.ts',
      'test/shared/pricing.test.ts',
      'test/functions/diagnose.test.ts',
      'test/functions/policy.test.ts',
      'test/functions/remediate.test.ts',
      'test/functions/verify.test.ts',
      'test/functions/normalize.test.ts',
      'test/functions/slack-interactions.test.ts',
      'test/slack/**/*.test.ts',
      'test/workflows/definition.test.ts',
      'test/workflows/partition.test.ts',
      'test/workflows/local-runner.test.ts',
      'test/infra/alarms.test.ts',
      'test/infra/alarm-rule.test.ts',
      'test/infra/state-machine.test.ts',
      'test/mutation/**/*.test.ts',
    ],
    exclude: ['node_modules/**'],
    // Stryker runs vitest inside its own worker processes, started by the
    // Node that runs Stryker: `npm run test:mutation` puts Node 24 first on
    // PATH, and this setup refuses any other.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

import { defineConfig } from 'vitest/config';
import { groups } from './scripts/mutation-groups.mjs';

/**
 * The tests StrykerJS runs against each mutant of the core files (see
 * stryker.config.mjs and docs/testing.md): the fast unit tests of the file
 * group named by MUTATION_GROUP (scripts/mutation-groups.mjs), or of every
 * group. The integration tests (clickhouse-server, chDB, the bundles, the
 * 10-second state-machine executions) stay in the main config.
 */
const group = process.env.MUTATION_GROUP;
const include = group
  ? (groups[group]?.testFiles ?? [])
  : Object.values(groups).flatMap((g) => g.testFiles);

export default defineConfig({
  test: {
    include,
    exclude: ['node_modules/**'],
    // Stryker runs vitest inside its own worker processes, started by the
    // Node that runs Stryker: `npm run test:mutation` puts Node 24 first on
    // PATH, and this setup refuses any other.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

/**
 * StrykerJS over the core files, one file group at a time (see
 * docs/testing.md). scripts/mutation.mjs runs each group with
 * MUTATION_GROUP=<name> and combines the groups' reports into
 * reports/mutation/mutation.json. Each group runs only the unit tests of its
 * files (vitest.mutation.config.ts reads MUTATION_GROUP): a mutant that
 * changes a module-level constant ("static" mutant) is tested by every test
 * of the run, so a smaller test set keeps the run short. The test set is
 * chosen in the vitest config, not with Stryker's `testFiles`: with
 * `testFiles`, StrykerJS 10.1 activates static mutants only after their
 * module is loaded and reports them as survivors
 * (stryker-mutator/stryker-js issue 6144; in the installed
 * core, dist/src/mutants/mutant-test-planner.js picks `runtime` activation
 * whenever there is a test filter).
 *
 * Options: https://stryker-mutator.io/docs/stryker-js/configuration/ and
 * node_modules/@stryker-mutator/core/schema/stryker-schema.json.
 */

import { groups } from './scripts/mutation-groups.mjs';

const name = process.env.MUTATION_GROUP ?? '';
const group = groups[name];
if (!group) {
  throw new Error(
    `set MUTATION_GROUP to one of ${Object.keys(groups).join(', ')} (npm run test:mutation does)`,
  );
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  checkers: ['typescript'],
  // Type-checks mutants against the group's files (and what they import)
  // only: the whole project pulls in Pulumi's AWS types and is far slower.
  tsconfigFile: `scripts/mutation-tsconfig/${name}.json`,
  coverageAnalysis: 'perTest',
  // Two cores, shared: one checker and one test runner, then two runners.
  concurrency: 2,
  mutate: group.mutate,
  ignorePatterns: [
    '.sst',
    '.stryker-tmp',
    'dist',
    'coverage',
    'reports',
    '.burstguard',
    'bench/results.json',
  ],
  // The group's report doubles as its incremental file: a later
  // `stryker run --incremental` re-tests only mutants in changed code or
  // covered by changed tests.
  incrementalFile: `reports/mutation/groups/${name}.json`,
  reporters: ['html', 'clear-text', 'progress'],
  htmlReporter: { fileName: `reports/mutation/html/${name}.html` },
  tempDirName: `.stryker-tmp/${name}`,
  timeoutMS: 5000,
};

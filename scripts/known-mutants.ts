/**
 * Re-applies known one-line bugs, one at a time, and checks that the test
 * suite notices each. Every mutant is a search/replace on the source text
 * that must match exactly once: a line that moved or changed makes the
 * script fail loudly instead of testing nothing.
 *
 * The mutants are applied to a scratch copy of the checkout (the tracked
 * and untracked, not ignored, files; node_modules and .sst linked), never
 * to the working tree. Each mutated file is restored after its run, and the
 * scratch copy is removed at exit, on failure and on Ctrl-C alike.
 *
 * Prints one line per mutant (killed, and by which test, or survived) and
 * exits non-zero if any survives or cannot be applied.
 *
 *   npm run test:known-mutants [-- ID ...]
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** A deliberate bug: `search` replaced by `replace` in `file`. */
export type KnownMutant = {
  id: string;
  /** What the bug does, in words. */
  description: string;
  file: string;
  search: string;
  replace: string;
  /** The test files expected to kill it. */
  tests: string[];
};

export const KNOWN_MUTANTS: KnownMutant[] = [
  {
    id: 'baseline-from-total-size',
    description:
      'the Bursting baseline computed from total size instead of Standard-class size',
    file: 'shared/domain/sources/efs.ts',
    search:
      'sizeStandardBytes: d.SizeInBytes.ValueInStandard ?? d.SizeInBytes.Value,',
    replace: 'sizeStandardBytes: d.SizeInBytes.Value,',
    tests: ['test/diagnosis/oracle-evidence.test.ts'],
  },
  {
    id: 'utilization-per-60-seconds',
    description: 'utilization divided by a fixed 60 s instead of the period',
    file: 'shared/domain/diagnosis/signals.ts',
    search: 'out.push(((m / metered.periodSeconds) * 100) / p);',
    replace: 'out.push(((m / 60) * 100) / p);',
    tests: ['test/diagnosis/oracle-evidence.test.ts'],
  },
  {
    id: 'dry-run-skips-allowlist',
    description: 'dry runs skipping the remediation allowlist',
    file: 'shared/domain/remediations.ts',
    search:
      'if (!findFileSystem(ask.config, trigger.fileSystemId)?.remediationAllowed) {',
    replace:
      'if (!trigger.dryRun && !findFileSystem(ask.config, trigger.fileSystemId)?.remediationAllowed) {',
    tests: ['test/functions/remediate-lock.test.ts'],
  },
  {
    id: 'signature-first-8-bytes',
    description: 'the Slack signature compared on its first 8 bytes only',
    file: 'shared/domain/slack/signature.ts',
    search: '!timingSafeEqual(expected, received)',
    replace:
      '!timingSafeEqual(expected.subarray(0, 8), received.subarray(0, 8))',
    tests: ['test/slack/signature-near-miss.test.ts'],
  },
  {
    id: 'lock-never-lifts-memory-store',
    description:
      'the 24 h lock never lifting (memory incident store claimModeChange)',
    file: 'local/memory-incident-store.ts',
    search: 'if (last && last >= cutoffOf(at, lockMs)) {',
    replace: 'if (last) {',
    tests: ['test/functions/remediate-lock.test.ts'],
  },
  {
    id: 'lock-never-lifts-dynamo-store',
    description:
      'the 24 h lock never lifting (DynamoDB incident store conditional claim)',
    file: 'shared/adapters/dynamo-incident-store.ts',
    // No stored time is older than the empty string: the claim never lifts.
    search: "':cutoff': cutoffOf(at, lockMs),",
    replace: "':cutoff': '',",
    tests: ['test/functions/remediate-lock.test.ts'],
  },
  {
    id: 'lock-never-lifts-dry-run',
    description: 'the 24 h lock never lifting (the dry run reading the claim)',
    file: 'functions/remediate/core.ts',
    search:
      'if (claim && Date.parse(at) - Date.parse(claim.at) < MODE_CHANGE_LOCK_MS) {',
    replace: 'if (claim) {',
    tests: ['test/functions/remediate-lock.test.ts'],
  },
  {
    id: 'forecast-ignores-recent-window',
    description: 'the credit forecast fitted over the whole series',
    file: 'shared/domain/diagnosis/signals.ts',
    search: 'const forecast = forecastExhaustion(credits, 180);',
    replace: 'const forecast = forecastExhaustion(credits);',
    tests: ['test/diagnosis/oracle-evidence.test.ts'],
  },
  {
    id: 'forecast-window-not-applied',
    description: 'forecastExhaustion dropping its recentMinutes filter',
    file: 'shared/domain/diagnosis/forecast.ts',
    search: 'points = points.filter((p) => p.t >= latest.t - recentMinutes);',
    replace: 'points = points.filter((p) => p.t >= latest.t - Infinity);',
    tests: ['test/diagnosis/oracle-evidence.test.ts'],
  },
  {
    id: 'verify-catch-removed',
    description: "Verify's Catch removed from the state machine",
    file: 'workflows/definition.ts',
    search: `      Verify: task(arnOf('Verify'), '$.verification', 'RecoveryToStart', {
        // A failed check must not hide the outcome: report without it.
        Catch: catchAll('$.verifyError', 'NotifyOutcome'),
      }),`,
    replace: `      Verify: task(arnOf('Verify'), '$.verification', 'RecoveryToStart'),`,
    tests: ['test/workflows/verify-fails.test.ts'],
  },
  {
    id: 'section-clip-100000',
    description: 'the Slack section clip raised from 2,900 to 100,000 chars',
    file: 'shared/domain/messages/block-kit.ts',
    search: 'export const MAX_SECTION_CHARS = 2900;',
    replace: 'export const MAX_SECTION_CHARS = 100000;',
    tests: ['test/messages/slack-limits.test.ts'],
  },
  {
    id: 'io-limit-threshold-50',
    description: 'the IO-limit alarm threshold dropped from 95 to 50',
    file: 'infra/alarms.ts',
    search: 'percentIoLimit: 95,',
    replace: 'percentIoLimit: 50,',
    tests: ['test/infra/alarm-math.test.ts'],
  },
];

/** Replaces the one occurrence of `search`; throws unless there is one. */
export function applyMutant(source: string, mutant: KnownMutant): string {
  const count = source.split(mutant.search).length - 1;
  if (count !== 1) {
    throw new Error(
      `${mutant.id}: the search text occurs ${count} times in ${mutant.file}, not once: the code moved; update the mutant`,
    );
  }
  return source.replace(mutant.search, () => mutant.replace);
}

type Outcome =
  | { id: string; status: 'killed'; by: string[] }
  | { id: string; status: 'survived' | 'error'; detail: string };

type VitestJson = {
  testResults?: {
    name: string;
    assertionResults?: { fullName: string; status: string }[];
  }[];
};

function listFiles(root: string): string[] {
  const result = spawnSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: root, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`git ls-files: ${result.stderr}`);
  return result.stdout.split('\0').filter(Boolean);
}

function scratchCopy(root: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'burstguard-mutants-'));
  for (const file of listFiles(root)) {
    const from = join(root, file);
    // A tracked file deleted in the working tree, or the node_modules
    // and .sst links themselves.
    if (!existsSync(from) || file === 'node_modules' || file === '.sst') {
      continue;
    }
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(from, join(dir, file));
  }
  for (const link of ['node_modules', '.sst']) {
    if (existsSync(join(root, link))) {
      symlinkSync(resolve(root, link), join(dir, link));
    }
  }
  return dir;
}

/** Runs vitest on `tests` in `dir`; the names of the failed tests. */
function runTests(
  dir: string,
  tests: string[],
  label: string,
): { status: number | null; failed: string[]; stderr: string } {
  const report = join(dir, `.mutant-${label}.json`);
  try {
    const vitest = spawnSync(
      join(dir, 'node_modules', '.bin', 'vitest'),
      ['run', '--reporter=json', `--outputFile=${report}`, ...tests],
      { cwd: dir, encoding: 'utf8', timeout: 600_000 },
    );
    const json: VitestJson = existsSync(report)
      ? JSON.parse(readFileSync(report, 'utf8'))
      : {};
    const failed = (json.testResults ?? []).flatMap((file) => {
      const name = file.name.replace(`${dir}/`, '');
      const names = (file.assertionResults ?? [])
        .filter((a) => a.status === 'failed')
        .map((a) => `${name} > ${a.fullName}`);
      // A file that fails to load (a type the mutant broke) kills too.
      if (names.length) return names;
      return file.assertionResults?.length ? [] : [`${name} (did not load)`];
    });
    return { status: vitest.status, failed, stderr: vitest.stderr ?? '' };
  } finally {
    rmSync(report, { force: true });
  }
}

function runMutant(dir: string, mutant: KnownMutant): Outcome {
  const path = join(dir, mutant.file);
  const original = readFileSync(path, 'utf8');
  let mutated: string;
  try {
    mutated = applyMutant(original, mutant);
  } catch (error) {
    return { id: mutant.id, status: 'error', detail: String(error) };
  }
  writeFileSync(path, mutated);
  try {
    const vitest = runTests(dir, mutant.tests, mutant.id);
    const { failed } = vitest;
    if (vitest.status === 0 || failed.length === 0) {
      return {
        id: mutant.id,
        status: vitest.status === 0 ? 'survived' : 'error',
        detail:
          vitest.status === 0
            ? `all tests in ${mutant.tests.join(', ')} passed`
            : `vitest exited ${vitest.status}: ${vitest.stderr.split('\n').slice(-5).join(' ')}`,
      };
    }
    return { id: mutant.id, status: 'killed', by: failed };
  } finally {
    writeFileSync(path, original);
  }
}

function main(): void {
  const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
  const only = process.argv.slice(2);
  const mutants = only.length
    ? KNOWN_MUTANTS.filter((m) => only.includes(m.id))
    : KNOWN_MUTANTS;
  if (only.length && mutants.length !== only.length) {
    console.error(`unknown mutant id among: ${only.join(', ')}`);
    process.exit(2);
  }
  const dir = scratchCopy(root);
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      cleanup();
      process.exit(130);
    });
  }
  // The killing tests must pass on the code as it is, or a "kill" would
  // say nothing about the mutant.
  const tests = [...new Set(mutants.flatMap((m) => m.tests))];
  const baseline = runTests(dir, tests, 'baseline');
  if (baseline.status !== 0) {
    console.error(
      `the tests fail without any mutant: ${baseline.failed.join('; ') || baseline.stderr.split('\n').slice(-5).join(' ')}`,
    );
    process.exit(2);
  }
  let bad = 0;
  for (const mutant of mutants) {
    const outcome = runMutant(dir, mutant);
    if (outcome.status === 'killed') {
      const more = outcome.by.length > 1 ? ` (+${outcome.by.length - 1})` : '';
      console.log(`killed    ${mutant.id}: ${outcome.by[0]}${more}`);
    } else {
      bad += 1;
      console.log(
        `${outcome.status.padEnd(9)} ${mutant.id}: ${outcome.detail}`,
      );
    }
  }
  console.log(
    `${mutants.length - bad} of ${mutants.length} known mutants killed`,
  );
  process.exitCode = bad ? 1 : 0;
}

if (
  process.argv[1] &&
  resolve(process.argv[1]) === new URL(import.meta.url).pathname
) {
  main();
}

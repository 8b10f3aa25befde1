/**
 * `npm run bench`: measures burstguard's performance budgets, prints a
 * table and writes bench/results.json ([{figure, value, unit, budget}]).
 * Benchmarks, not tests: the machines are shared and noisy, so every timing
 * is a median of several runs.
 */
import { writeFileSync } from 'node:fs';
import { benchBundles } from './bundles.ts';
import { type Figure, withinBudget } from './figures.ts';

type Bench = { name: string; run: () => Promise<Figure[]> };

const benches: Bench[] = [{ name: 'Lambda bundles', run: benchBundles }];

async function optional(name: string, path: string, exportName: string) {
  try {
    const module = (await import(path)) as Record<
      string,
      () => Promise<Figure[]>
    >;
    const run = module[exportName];
    if (run) benches.push({ name, run });
  } catch (error) {
    process.stderr.write(
      `bench: ${name} not available: ${(error as Error).message}\n`,
    );
  }
}

await optional(
  'first invocations',
  './first-invocation.ts',
  'benchFirstInvocation',
);
await optional('diagnosis engine', './diagnosis.ts', 'benchDiagnosis');
await optional(
  'ClickHouse snapshot',
  './clickhouse-snapshot.ts',
  'benchClickHouseSnapshot',
);
await optional(
  'ClickHouse over HTTP',
  './clickhouse-http.ts',
  'benchClickHouseHttp',
);
await optional('workflow', './workflow.ts', 'benchWorkflow');
await optional(
  'recovery listing',
  './recovery-listing.ts',
  'benchRecoveryListing',
);
await optional('throughput-mode advisor', './advisor.ts', 'benchAdvisor');

const figures: Figure[] = [];
let failed = 0;
for (const bench of benches) {
  process.stderr.write(`… ${bench.name}\n`);
  try {
    figures.push(...(await bench.run()));
  } catch (error) {
    failed++;
    process.stderr.write(
      `bench: ${bench.name} failed: ${(error as Error).message}\n`,
    );
  }
}

const width = Math.max(...figures.map((f) => f.figure.length), 10);
const lines = [
  `${'figure'.padEnd(width)}  ${'value'.padStart(10)}  unit  budget      ok`,
  ...figures.map((f) => {
    const ok = withinBudget(f);
    return `${f.figure.padEnd(width)}  ${String(f.value).padStart(10)}  ${f.unit.padEnd(4)}  ${f.budget.padEnd(10)}  ${ok === null ? '-' : ok ? 'yes' : 'NO'}`;
  }),
];
process.stdout.write(`${lines.join('\n')}\n`);
writeFileSync('bench/results.json', `${JSON.stringify(figures, null, 2)}\n`);
process.stdout.write('wrote bench/results.json\n');
if (failed) process.exitCode = 1;

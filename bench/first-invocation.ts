/**
 * Init plus the first invocation of every function, as deployed: the
 * load-and-invoke test (test/deploy/bundles.test.ts) builds each function
 * with SST's options and invokes it in a fresh Node process, its AWS
 * clients on loopback doubles through AWS_ENDPOINT_URL_<SERVICE>, DynamoDB
 * on dynalite, Slack on its double, ClickHouse a real clickhouse-server.
 * Every invocation there is a cold start, so its first call carries what
 * init leaves to it: credentials, the first signature, the first
 * connection and request. The figures are reported, not budgeted: the
 * doubles answer in microseconds, so the call is mostly this side's work,
 * and the test runs its servers on the same machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionName } from '../infra/iam.ts';
import { type Figure, median } from './figures.ts';

type ColdStartLine = { name: FunctionName; initMs: number; invokeMs: number };

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Reads the test's JSON lines; one figure per function, medians over its invocations. */
export function firstInvocationFigures(lines: ColdStartLine[]): Figure[] {
  const by = new Map<FunctionName, ColdStartLine[]>();
  for (const line of lines)
    by.set(line.name, [...(by.get(line.name) ?? []), line]);
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, runs]) => {
      const init = median(runs.map((r) => r.initMs));
      const invoke = median(runs.map((r) => r.invokeMs));
      const total = median(runs.map((r) => r.initMs + r.invokeMs));
      return {
        figure: `first invocation: ${name} (init ${round(init)} ms + first call ${round(invoke)} ms, median of ${runs.length} cold starts on loopback doubles)`,
        value: round(total),
        unit: 'ms',
        budget: 'reported',
      };
    });
}

export async function benchFirstInvocation(): Promise<Figure[]> {
  const dir = join(process.cwd(), '.burstguard', 'bench-first-invocation');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'cold-starts.jsonl');
  execFileSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', 'test/deploy/bundles.test.ts'],
    {
      env: { ...process.env, BURSTGUARD_COLD_STARTS: file },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ColdStartLine);
  return firstInvocationFigures(lines);
}

/**
 * `burstguard demo`: the whole runbook, offline, on a built-in incident. The
 * real state machine and handlers; EFS and CloudWatch simulated with the
 * Bursting physics; a real embedded ClickHouse (chDB) holding Langfuse's
 * tables under an insert load like the Langfuse worker's; Slack rendered in
 * the terminal.
 */

import { runRecording } from '../../local/run-recording.ts';
import {
  SCENARIO_DESCRIPTIONS,
  SCENARIOS,
  type ScenarioName,
  simulateAfterSwitch,
  simulateScenario,
} from '../../local/scenarios.ts';
import type { Policy } from '../../shared/domain/contracts.ts';
import { formatBytes } from '../../shared/domain/diagnosis/forecast.ts';
import type { ClickHousePort } from '../../shared/domain/ports.ts';
import {
  type Io,
  jsonReport,
  parseFlags,
  parsePolicy,
  progressPrinter,
  summaryLines,
  UsageError,
} from '../output.ts';

export type DemoOptions = {
  scenario: string;
  policy?: Policy;
  json: boolean;
};

/** The approver the demo stands in for: pressing Approve in Slack. */
export const DEMO_APPROVER = 'U0LOCAL';

export async function runDemo(options: DemoOptions, io: Io): Promise<number> {
  if (!SCENARIOS.includes(options.scenario as ScenarioName)) {
    throw new UsageError(
      `unknown scenario "${options.scenario}"; one of: ${SCENARIOS.join(', ')}`,
    );
  }
  const name = options.scenario as ScenarioName;
  const say = options.json ? () => undefined : io.err;
  const recording = simulateScenario(name);
  const fs = recording.describeFileSystems.FileSystems[0];
  say(`burstguard demo: ${name}: ${SCENARIO_DESCRIPTIONS[name]}\n`);
  if (fs) {
    say(
      `  simulated EFS ${fs.FileSystemId} (${fs.Name ?? 'unnamed'}): ${fs.ThroughputMode} mode, ${formatBytes(fs.SizeInBytes.ValueInStandard ?? fs.SizeInBytes.Value)} stored; ${recording.meta.start} to ${recording.meta.end}\n`,
    );
  }

  let clickhouse: ClickHousePort | undefined;
  let close: () => Promise<void> = async () => {};
  if (!recording.clickhouse.error) {
    const { startDemoClickHouse } = await import(
      '../../local/demo-clickhouse.ts'
    );
    const started = Date.now();
    const db = await startDemoClickHouse(
      name === 'merge-backlog' ? 'backlog' : 'steady',
    );
    clickhouse = db.port;
    close = db.close;
    say(
      `  embedded ClickHouse ${db.version} (chDB): Langfuse's traces, observations and scores tables, ${db.insertBatches} insert batches like the Langfuse worker's; ${db.settings} (${Date.now() - started} ms)\n`,
    );
  } else {
    say(`  ClickHouse: ${recording.clickhouse.error} (simulated)\n`);
  }

  try {
    say('\nRunning the state machine:\n');
    const report = await runRecording(recording, {
      policy: options.policy,
      clickhouse,
      write: options.json ? () => undefined : io.out,
      color: io.color,
      onEvent: options.json ? undefined : progressPrinter(io),
      afterSwitch: (from, minutes) =>
        simulateAfterSwitch(name, { from, minutes }),
      approver: async () => {
        say(
          `  (demo) ${DEMO_APPROVER} pressed "Approve: switch to Elastic" in Slack\n`,
        );
        return { approved: true, by: DEMO_APPROVER };
      },
    });
    if (options.json) {
      io.out(jsonReport(report));
    } else {
      io.out(`\n${summaryLines(report).join('\n')}\n`);
    }
    return report.execution.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    await close();
  }
}

/** The command line of `burstguard demo`. */
export async function demoCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags(args, {
    scenario: { type: 'string', default: 'credits-exhausted' },
    policy: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  return runDemo(
    {
      scenario: String(values.scenario),
      policy: parsePolicy(values.policy),
      json: Boolean(values.json),
    },
    io,
  );
}

/**
 * `burstguard demo`: the whole runbook, offline, on a built-in incident. The
 * real state machine and handlers; EFS and CloudWatch simulated with the
 * Bursting physics; a real embedded ClickHouse (chDB) holding Langfuse's
 * tables under an insert load like the Langfuse worker's; Slack rendered in
 * the terminal.
 */

import type { Session } from 'chdb';
import { recordingClickHousePort } from '../../local/recorded-ports.ts';
import { runRecording } from '../../local/run-recording.ts';
import {
  SCENARIO_DESCRIPTIONS,
  SCENARIOS,
  type ScenarioName,
  simulateAfterSwitch,
  simulateScenario,
} from '../../local/scenarios.ts';
import { formatBytes } from '../../shared/domain/diagnosis/forecast.ts';
import type { ClickHousePort } from '../../shared/domain/ports.ts';
import { defineCommand, stringFlag } from '../flags.ts';
import {
  DEMO_APPROVER,
  RUN_FLAGS,
  type RunCommandLine,
  runCommandLine,
  UsageError,
} from '../output.ts';

/** Runs a scenario as its command line asks. */
export async function runDemo(
  scenario: string,
  run: RunCommandLine,
): Promise<number> {
  const policy = run.policy();
  if (!SCENARIOS.includes(scenario as ScenarioName)) {
    throw new UsageError(
      `unknown scenario "${scenario}"; one of: ${SCENARIOS.join(', ')}`,
    );
  }
  const name = scenario as ScenarioName;
  const { say } = run;
  const recording = simulateScenario(name);
  const fs = recording.describeFileSystems.FileSystems[0];
  say(`burstguard demo: ${name}: ${SCENARIO_DESCRIPTIONS[name]}\n`);
  if (fs) {
    say(
      `  simulated EFS ${fs.FileSystemId} (${fs.Name ?? 'unnamed'}): ${fs.ThroughputMode} mode, ${formatBytes(fs.SizeInBytes.ValueInStandard ?? fs.SizeInBytes.Value)} stored; ${recording.meta.start} to ${recording.meta.end}\n`,
    );
  }

  let clickhouse: ClickHousePort | undefined;
  let session: Session | undefined;
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
    session = db.session;
    const replicas = recordingClickHousePort(recording).replicas;
    if (replicas) {
      // The embedded ClickHouse answers for the endpoint; each replica of
      // the simulated cluster answers from its recorded rows (chDB hosts no
      // replicated table: it has no Keeper to coordinate one).
      clickhouse = { ...db.port, replicas };
      say(
        `  ClickHouse cluster: ${recording.clickhouse.replicas?.map((r) => r.name).join(', ')} on one file system, each replica's system tables from the scenario's recorded rows\n`,
      );
    }
    close = db.close;
    say(
      `  embedded ClickHouse ${db.version} (chDB): Langfuse's traces, observations and scores tables, ${db.insertBatches} insert batches like the Langfuse worker's; ${db.settings} (${Date.now() - started} ms)\n`,
    );
  } else {
    say(`  ClickHouse: ${recording.clickhouse.error} (simulated)\n`);
  }

  // The recovery of what Langfuse dropped, for a switch that works: the
  // scenario's events in a loopback S3 bucket, Langfuse's admin API as a
  // double that writes what it replays into the embedded ClickHouse.
  const { startDemoRecovery } = await import('../../local/demo-recovery.ts');
  const recovery = await startDemoRecovery({
    window: {
      start: new Date(recording.meta.start),
      end: new Date(recording.meta.end),
    },
    ...(session ? { session } : {}),
    policy: policy ?? 'approve',
    approver: async () => {
      say(
        `  (demo) ${DEMO_APPROVER} pressed "Approve: replay" on the recovery offer\n`,
      );
      return { approved: true, by: DEMO_APPROVER };
    },
  });
  const closeClickHouse = close;
  close = async () => {
    await recovery.close();
    await closeClickHouse();
  };
  say(
    `  Langfuse events bucket: a sample of the incident's uploads, ${recovery.world.objects.length} simulated events, on a loopback S3 server (${recovery.world.s3.endpoint}); Langfuse's admin ingestion-replay API as a double (${recovery.world.langfuse.url})\n`,
  );

  try {
    say('\nRunning the state machine:\n');
    const report = await runRecording(recording, {
      ...run.output,
      policy,
      clickhouse,
      afterSwitch: (from, minutes) =>
        simulateAfterSwitch(name, { from, minutes }),
      approver: async () => {
        say(
          `  (demo) ${DEMO_APPROVER} pressed "Approve: switch to Elastic" in Slack\n`,
        );
        return { approved: true, by: DEMO_APPROVER };
      },
      recovery,
    });
    run.print(report, '\n');
    return report.execution.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    await close();
  }
}

/** The scenario `demo` runs without `--scenario`. */
export const DEFAULT_SCENARIO: ScenarioName = 'credits-exhausted';

/** `burstguard demo`. */
export const demoCommand = defineCommand(
  {
    name: 'demo',
    summary:
      'runs the whole runbook offline on a built-in incident: the real state machine and handlers, a simulated EFS, an embedded ClickHouse, Slack in the terminal',
    flags: {
      scenario: {
        type: 'string',
        value: 'NAME',
        help: `the built-in incident to run (default ${DEFAULT_SCENARIO}; the list below)`,
      },
      ...RUN_FLAGS,
    },
    notes: [
      'Scenarios:',
      ...SCENARIOS.map((name) => `  ${name}: ${SCENARIO_DESCRIPTIONS[name]}`),
    ],
  },
  (line, io) =>
    runDemo(
      stringFlag(line.values, 'scenario') ?? DEFAULT_SCENARIO,
      runCommandLine(line, io),
    ),
);

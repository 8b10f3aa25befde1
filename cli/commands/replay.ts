/**
 * `burstguard replay DIR`: the whole runbook on a recorded incident,
 * through the real state machine.
 */
import { causeText, type Io, runCommandLine, UsageError } from '../output.ts';
import { DEMO_APPROVER } from './demo.ts';

export async function replayCommand(args: string[], io: Io): Promise<number> {
  const run = runCommandLine(args, io, {
    approve: { type: 'boolean', default: false },
  });
  const { json } = run;
  const dir = run.positionals[0];
  if (!dir) throw new UsageError('replay needs a recording directory');
  const policy = run.policy();
  const { readRecording } = await import('../../local/recording-format.ts');
  const { runRecording } = await import('../../local/run-recording.ts');
  const recording = await readRecording(dir);
  run.say(`Replaying ${dir} (${recording.meta.fileSystemId})\n`);
  const report = await runRecording(recording, {
    ...run.output,
    policy,
    approver: run.values.approve
      ? async () => ({ approved: true, by: DEMO_APPROVER })
      : undefined,
  });
  run.print(report);
  if (report.execution.status === 'FAILED') {
    if (json) {
      io.err(
        `burstguard: execution failed: ${report.execution.error}: ${causeText(report.execution.cause)}\n`,
      );
    }
    return 1;
  }
  return 0;
}

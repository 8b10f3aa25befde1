/**
 * `burstguard replay DIR`: the whole runbook on a recorded incident,
 * through the real state machine.
 */
import {
  causeText,
  type Io,
  jsonReport,
  parseFlags,
  parsePolicy,
  progressPrinter,
  summaryLines,
  UsageError,
} from '../output.ts';
import { DEMO_APPROVER } from './demo.ts';

export async function replayCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    json: { type: 'boolean', default: false },
    policy: { type: 'string' },
    approve: { type: 'boolean', default: false },
  });
  const dir = positionals[0];
  if (!dir) throw new UsageError('replay needs a recording directory');
  const policy = parsePolicy(values.policy);
  const { readRecording } = await import('../../local/recording-format.ts');
  const { runRecording } = await import('../../local/run-recording.ts');
  const recording = await readRecording(dir);
  const json = Boolean(values.json);
  if (!json) io.err(`Replaying ${dir} (${recording.meta.fileSystemId})\n`);
  const report = await runRecording(recording, {
    policy,
    write: json ? () => undefined : io.out,
    color: io.color,
    onEvent: json ? undefined : progressPrinter(io),
    approver: values.approve
      ? async () => ({ approved: true, by: DEMO_APPROVER })
      : undefined,
  });
  if (json) io.out(jsonReport(report));
  else io.out(`${summaryLines(report).join('\n')}\n`);
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

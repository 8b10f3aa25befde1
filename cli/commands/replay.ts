/**
 * `burstguard replay DIR`: the whole runbook on a recorded incident,
 * through the real state machine.
 */
import { defineCommand, type ParsedCommandLine } from '../flags.ts';
import {
  causeText,
  DEMO_APPROVER,
  type Io,
  RUN_FLAGS,
  runCommandLine,
  UsageError,
} from '../output.ts';

async function replay(line: ParsedCommandLine, io: Io): Promise<number> {
  const run = runCommandLine(line, io);
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

/** `burstguard replay DIR`. */
export const replayCommand = defineCommand(
  {
    name: 'replay',
    summary:
      'runs the whole runbook offline on a recorded incident (docs/recording-format.md)',
    positionals: [
      {
        name: 'DIR',
        help: 'the recording directory (written by burstguard record)',
        required: true,
      },
    ],
    flags: {
      ...RUN_FLAGS,
      approve: {
        type: 'boolean',
        help: `answer an approval card as if ${DEMO_APPROVER} pressed Approve (without it, an approval request stays unanswered)`,
      },
    },
    conflicts: [
      {
        flags: ['approve', 'policy'],
        when: (values) => values.policy === 'off',
        why: 'policy off never asks for approval, so there is nothing to approve',
      },
    ],
  },
  replay,
);

/**
 * The `burstguard` command: dispatch to cli/commands/*. Every failure ends
 * with one line on stderr and a non-zero exit, never a stack trace.
 */
import { ZodError } from 'zod';
import { oneLine } from '../shared/domain/errors.ts';
import { defaultIo, type Io, UsageError } from './output.ts';

export const USAGE = `burstguard: EFS throughput starvation runbook for Langfuse on ClickHouse

Usage:
  burstguard demo [--scenario NAME] [--policy off|approve|auto] [--json]
  burstguard replay DIR [--json] [--policy off|approve|auto] [--approve]
  burstguard record --file-system ID --out DIR [--window-minutes N]
                   [--langfuse-log-group NAME ...]
  burstguard diagnose --evidence FILE [--json]
      [--region R --window-start ISO --window-end ISO]   (needed for a bare Evidence file)
  burstguard start --file-system ID [--window-minutes N] [--dry-run]
  burstguard definition [--region R] [--account N]
  burstguard slack-test [--channel ID]   (the bot token from sst shell or SLACK_BOT_TOKEN)

Run "burstguard demo" for an offline tour on a built-in incident.`;

type Command = (args: string[], io: Io) => Promise<number>;

/** Each command's module, loaded when it runs (the demo loads chDB). */
const COMMANDS: Record<string, () => Promise<Command>> = {
  definition: async () =>
    (await import('./commands/definition.ts')).definitionCommand,
  demo: async () => (await import('./commands/demo.ts')).demoCommand,
  replay: async () => (await import('./commands/replay.ts')).replayCommand,
  diagnose: async () =>
    (await import('./commands/diagnose.ts')).diagnoseCommand,
  start: async () => (await import('./commands/start.ts')).startCommand,
  record: async () => (await import('./commands/record.ts')).recordCommand,
  'slack-test': async () =>
    (await import('./commands/slack-test.ts')).slackTestCommand,
};

/** Runs the command; returns the exit code. */
export async function main(
  argv: string[],
  io: Io = defaultIo,
): Promise<number> {
  const [command, ...rest] = argv;
  if (
    !command ||
    command === '--help' ||
    command === '-h' ||
    command === 'help'
  ) {
    io.out(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const load = COMMANDS[command];
  if (!load) {
    io.err(
      `burstguard: unknown command "${command}" (try burstguard --help)\n`,
    );
    return 2;
  }
  try {
    return await (await load())(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(
        `burstguard ${command}: ${error.message} (try burstguard --help)\n`,
      );
      return 2;
    }
    const text =
      error instanceof ZodError
        ? (error.issues[0]?.message ?? 'invalid input')
        : oneLine(error);
    io.err(`burstguard ${command}: ${text}\n`);
    return 1;
  }
}

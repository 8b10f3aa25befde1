/**
 * The `burstguard` command: dispatch to cli/commands/*. Every failure ends
 * with one line on stderr and a non-zero exit, never a stack trace: 2 for
 * a mistake in how it was called, 1 for anything else.
 */
import { readFileSync } from 'node:fs';
import { $ZodError } from 'zod/v4/core';
import { oneLine } from '../shared/domain/errors.ts';
import { type Command, commandHelp } from './flags.ts';
import { defaultIo, type Io, UsageError } from './output.ts';

/** Each command's module, loaded when it runs (the demo loads chDB). */
const COMMANDS: Record<string, () => Promise<Command>> = {
  definition: async () =>
    (await import('./commands/definition.ts')).definitionCommand,
  demo: async () => (await import('./commands/demo.ts')).demoCommand,
  replay: async () => (await import('./commands/replay.ts')).replayCommand,
  diagnose: async () =>
    (await import('./commands/diagnose.ts')).diagnoseCommand,
  start: async () => (await import('./commands/start.ts')).startCommand,
  recover: async () => (await import('./commands/recover.ts')).recoverCommand,
  record: async () => (await import('./commands/record.ts')).recordCommand,
  advise: async () => (await import('./commands/advise.ts')).adviseCommand,
  'slack-test': async () =>
    (await import('./commands/slack-test.ts')).slackTestCommand,
};

/** A command by name, loaded; undefined for a name that is none. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  return load ? await load() : undefined;
}

/** The package's version, from package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as { version?: unknown };
  return String(pkg.version);
}

/** The main help: every command with every flag, from each command's spec. */
export async function usage(): Promise<string> {
  const sections: string[] = [];
  for (const name of Object.keys(COMMANDS)) {
    const spec = (await loadCommand(name))?.spec;
    sections.push(spec ? commandHelp(spec) : `Usage: burstguard ${name}\n`);
  }
  return [
    'burstguard: EFS throughput starvation runbook for Langfuse on ClickHouse',
    '',
    'Usage: burstguard <command> [flags]   (burstguard <command> --help for one)',
    '       burstguard --version',
    '',
    ...sections,
    'Run "burstguard demo" for an offline tour on a built-in incident.',
    '',
  ].join('\n');
}

/** Runs the command; returns the exit code. */
export async function main(
  argv: string[],
  io: Io = defaultIo,
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V') {
    if (rest.length > 0) {
      io.err(`burstguard: --version takes no arguments\n`);
      return 2;
    }
    io.out(`burstguard ${packageVersion()}\n`);
    return 0;
  }
  if (!command) {
    io.err(
      `burstguard: a command is required, one of ${Object.keys(COMMANDS).join(', ')} (try burstguard --help)\n`,
    );
    return 2;
  }
  if (command === 'help' && rest.length > 0) {
    // `burstguard help demo` is `burstguard demo --help`.
    return main([rest[0] ?? '', '--help', ...rest.slice(1)], io);
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(await usage());
    return 0;
  }
  const run = await loadCommand(command);
  if (!run) {
    io.err(
      `burstguard: unknown command "${command}" (try burstguard --help)\n`,
    );
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(
        `burstguard ${command}: ${oneLine(error)} (try burstguard ${command} --help)\n`,
      );
      return 2;
    }
    const text =
      error instanceof $ZodError
        ? (error.issues[0]?.message ?? 'invalid input')
        : oneLine(error);
    io.err(`burstguard ${command}: ${text}\n`);
    return 1;
  }
}

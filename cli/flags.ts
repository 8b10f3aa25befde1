/**
 * How a `burstguard` command declares its command line: one spec holds each
 * flag's parseArgs type together with its help text, so `--help` and the
 * parser read the same table and cannot drift apart.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { oneLine } from '../shared/domain/errors.ts';

/** A mistake in how the command was called: exit 2 with the usage hint. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Where a command writes: stdout, stderr, and whether to color. */
export type Io = {
  out: (text: string) => void;
  err: (text: string) => void;
  color: boolean;
};

/** One flag: its parseArgs type and what `--help` says of it. */
export type Flag =
  | {
      type: 'string';
      /** The value's placeholder in help: `ID`, `DIR`, `off|approve|auto`. */
      value: string;
      help: string;
      multiple?: boolean;
      /** The command cannot run without it (it checks, with its own words). */
      required?: boolean;
    }
  | { type: 'boolean'; help: string };

/** Parsed flag values: strings, repeated strings, or true when given. */
export type FlagValues = Record<
  string,
  string | string[] | boolean | undefined
>;

/** Two flags that make no sense together (when `when` holds, if given). */
export type Conflict = {
  flags: readonly [string, string];
  when?: (values: FlagValues) => boolean;
  why: string;
};

export type CommandSpec = {
  name: string;
  /** One line: what the command does. */
  summary: string;
  /** The positional arguments, in order; no others are accepted. */
  positionals?: readonly { name: string; help: string; required?: boolean }[];
  flags: Readonly<Record<string, Flag>>;
  conflicts?: readonly Conflict[];
  /** Flags that mean nothing without another: `flag` needs `needs`. */
  needs?: readonly { flag: string; needs: string; why: string }[];
  /** Lines printed after the flags (defaults, lists of names). */
  notes?: readonly string[];
};

/** A command: runs with its arguments, answers the exit code. */
export type Command = ((args: string[], io: Io) => Promise<number>) & {
  /** Its command line, for `--help`. */
  spec?: CommandSpec;
};

export type ParsedCommandLine = {
  values: FlagValues;
  positionals: string[];
};

const HELP_FLAG = '--help';

/** `--help`, `-h`: asked anywhere on a command's line. */
export function asksForHelp(args: readonly string[]): boolean {
  return args.includes(HELP_FLAG) || args.includes('-h');
}

function flagUsage(name: string, flag: Flag): string {
  return flag.type === 'string' ? `--${name} ${flag.value}` : `--${name}`;
}

/** `burstguard replay DIR [--json] [--policy off|approve|auto] ...` */
export function commandSynopsis(spec: CommandSpec): string {
  const words = [`burstguard ${spec.name}`];
  for (const p of spec.positionals ?? []) {
    words.push(p.required ? p.name : `[${p.name}]`);
  }
  for (const [name, flag] of Object.entries(spec.flags)) {
    const usage = flagUsage(name, flag);
    if (flag.type === 'string' && flag.required) words.push(usage);
    else if (flag.type === 'string' && flag.multiple) {
      words.push(`[${usage} ...]`);
    } else words.push(`[${usage}]`);
  }
  return words.join(' ');
}

/** Help lines are wrapped to this many columns. */
const HELP_COLUMNS = 80;

/**
 * `text` after `lead`, wrapped at HELP_COLUMNS; further lines start at
 * column `indent` (more for text that starts indented).
 */
function wrap(text: string, lead: string, indent: number): string[] {
  const pad = /^ */.exec(text)?.[0] ?? '';
  const lines: string[] = [];
  let line = lead + pad;
  let bare = true;
  for (const word of text.slice(pad.length).split(' ')) {
    if (!bare && line.length + 1 + word.length > HELP_COLUMNS) {
      lines.push(line);
      line = ' '.repeat(indent + pad.length);
      bare = true;
    }
    line += bare ? word : ` ${word}`;
    bare = false;
  }
  lines.push(line);
  return lines;
}

function flagHelp(flag: Flag): string {
  const text =
    flag.type === 'string' && flag.required
      ? `required: ${flag.help}`
      : flag.help;
  return flag.type === 'string' && flag.multiple
    ? `${text} (repeat for several)`
    : text;
}

/** A command's help: synopsis, summary, each argument and flag, notes. */
export function commandHelp(spec: CommandSpec): string {
  const rows: [string, string][] = [
    ...(spec.positionals ?? []).map((p): [string, string] => [p.name, p.help]),
    ...Object.entries(spec.flags).map(([name, flag]): [string, string] => [
      flagUsage(name, flag),
      flagHelp(flag),
    ]),
    ['-h, --help', 'print this help'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    ...wrap(commandSynopsis(spec), 'Usage: ', 4),
    '',
    ...wrap(spec.summary, '  ', 2),
    '',
    ...rows.flatMap(([left, right]) =>
      wrap(right, `  ${left.padEnd(width)}`, width + 2),
    ),
    ...(spec.notes?.length
      ? ['', ...spec.notes.flatMap((n) => wrap(n, '  ', 4))]
      : []),
    '',
  ].join('\n');
}

function parseArgsOptions(spec: CommandSpec): ParseArgsOptionsConfig {
  const options: ParseArgsOptionsConfig = {};
  for (const [name, flag] of Object.entries(spec.flags)) {
    options[name] =
      flag.type === 'string'
        ? { type: 'string', multiple: flag.multiple ?? false }
        : { type: 'boolean' };
  }
  return options;
}

const given = (value: FlagValues[string]) =>
  value !== undefined && value !== false;

/**
 * Parses a command line by its spec: an unknown flag, a missing value, an
 * extra positional, two contradictory flags or a flag without the one it
 * needs is a UsageError.
 */
export function parseCommandLine(
  spec: CommandSpec,
  args: string[],
): ParsedCommandLine {
  let parsed: { values: FlagValues; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: parseArgsOptions(spec),
    }) as typeof parsed;
  } catch (error) {
    throw new UsageError(oneLine(error));
  }
  const allowed = spec.positionals?.length ?? 0;
  const extra = parsed.positionals.slice(allowed);
  if (extra.length > 0) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(extra[0])}${allowed === 0 ? ` (${spec.name} takes no arguments, only flags)` : ''}`,
    );
  }
  for (const { flags, when, why } of spec.conflicts ?? []) {
    const [a, b] = flags;
    if (
      given(parsed.values[a]) &&
      given(parsed.values[b]) &&
      (when?.(parsed.values) ?? true)
    ) {
      throw new UsageError(`--${a} and --${b} contradict each other: ${why}`);
    }
  }
  for (const { flag, needs, why } of spec.needs ?? []) {
    if (given(parsed.values[flag]) && !given(parsed.values[needs])) {
      throw new UsageError(`--${flag} needs --${needs}: ${why}`);
    }
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/**
 * A command from its spec and what it does: `--help` prints the spec's
 * help and exits 0, anything else is parsed by the spec first.
 */
export function defineCommand(
  spec: CommandSpec,
  run: (line: ParsedCommandLine, io: Io) => Promise<number>,
): Command {
  const command = async (args: string[], io: Io) => {
    if (asksForHelp(args)) {
      io.out(commandHelp(spec));
      return 0;
    }
    return run(parseCommandLine(spec, args), io);
  };
  return Object.assign(command, { spec });
}

/** A string flag's value, or undefined. */
export function stringFlag(values: FlagValues, name: string) {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

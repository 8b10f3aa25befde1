/**
 * The command line itself: `--help` and `-h` for every command, `--version`,
 * the main help, and every usage error answering exit 2 with one line.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../cli/flags.ts';
import { loadCommand, main, usage } from '../../cli/main.ts';
import { SCENARIOS } from '../../local/scenarios.ts';
import { capture } from '../support/io.ts';

const FS = 'fs-0123456789abcdef0';
const ARN =
  'arn:aws:states:us-east-1:123456789012:stateMachine:burstguard-prod';

/**
 * Every flag each command takes, written out here rather than read from
 * the specs, so a flag dropped from a command's help is noticed.
 */
const FLAGS: Record<string, string[]> = {
  demo: ['--scenario', '--json', '--policy'],
  replay: ['--json', '--policy', '--approve'],
  record: [
    '--file-system',
    '--out',
    '--window-minutes',
    '--from',
    '--to',
    '--region',
    '--clickhouse-url',
    '--clickhouse-user',
    '--langfuse-log-group',
  ],
  diagnose: [
    '--evidence',
    '--json',
    '--region',
    '--window-start',
    '--window-end',
  ],
  start: [
    '--file-system',
    '--window-minutes',
    '--at',
    '--policy',
    '--note',
    '--dry-run',
    '--state-machine-arn',
    '--region',
  ],
  recover: [
    '--file-system',
    '--from',
    '--to',
    '--dry-run',
    '--policy',
    '--resume',
    '--wait',
    '--wait-minutes',
    '--json',
    '--state-machine-arn',
    '--region',
  ],
  definition: ['--region', '--account'],
  'slack-test': ['--channel'],
  advise: ['--file-system', '--recording', '--days', '--region', '--json'],
};

async function run(argv: string[]) {
  const { out, err, io } = capture();
  const code = await main(argv, io);
  return { code, out: out.join(''), err: err.join('') };
}

describe('burstguard <command> --help', () => {
  it.each(Object.entries(FLAGS))(
    'prints %s usage with every flag and exits 0',
    async (command, flags) => {
      // Act
      const long = await run([command, '--help']);
      const short = await run([command, '-h']);

      // Assess
      expect(long.code).toBe(0);
      expect(long.err).toBe('');
      expect(long.out).toMatch(new RegExp(`^Usage: burstguard ${command}\\b`));
      for (const flag of flags) {
        expect(long.out).toMatch(new RegExp(`^ {2}${flag}\\b`, 'm'));
      }
      expect(short).toEqual(long);
    },
  );

  it.each(Object.keys(FLAGS))(
    'lists in %s --help only flags its parser accepts',
    async (command) => {
      // Prepare: the flag column of the help, with the value it shows.
      const { out } = await run([command, '--help']);
      const rows = [...out.matchAll(/^ {2}--([a-z-]+)(?: (\S+))?/gm)];
      const spec = (await loadCommand(command))?.spec;
      expect(spec).toBeDefined();
      expect(rows.length).toBeGreaterThan(0);

      // Act and assess: each flag parses with a value of the shape shown.
      for (const [, name, value] of rows) {
        const args = value ? [`--${name}`, 'x'] : [`--${name}`];
        if (spec) {
          expect(() => parseCommandLine(spec, args)).not.toThrow(
            /Unknown option/,
          );
        }
      }
    },
  );

  it('lists every command, every flag and the scenario names in the main help', async () => {
    // Act
    const { code, out } = await run(['--help']);

    // Assess
    expect(code).toBe(0);
    expect(out).toBe(await usage());
    expect(out).toContain('burstguard --version');
    // Every command the main help names has its flags written out here.
    expect(
      [...out.matchAll(/^Usage: burstguard ([a-z-]+)/gm)]
        .map((m) => m[1])
        .sort(),
    ).toEqual(Object.keys(FLAGS).sort());
    for (const [command, flags] of Object.entries(FLAGS)) {
      expect(out).toContain(`Usage: burstguard ${command}`);
      for (const flag of flags) expect(out).toContain(flag);
    }
    for (const name of SCENARIOS) expect(out).toMatch(new RegExp(` ${name}: `));
  });

  it("prints a command's help for burstguard help <command>", async () => {
    // Act
    const viaHelp = await run(['help', 'record']);

    // Assess
    expect(viaHelp).toEqual(await run(['record', '--help']));
    expect(viaHelp.out).toMatch(/^Usage: burstguard record /);
  });

  it('prints the package version for --version and -V', async () => {
    // Prepare: package.json's own version.
    const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

    // Act
    const long = await run(['--version']);
    const short = await run(['-V']);

    // Assess
    expect(long).toEqual({ code: 0, out: `burstguard ${version}\n`, err: '' });
    expect(short).toEqual(long);
  });
});

const record = ['record', '--file-system', FS, '--out', '/nonexistent/rec'];
const start = ['start', '--file-system', FS, '--state-machine-arn', ARN];
const past = (minutesAgo: number) =>
  new Date(
    Math.floor(Date.now() / 60_000) * 60_000 - minutesAgo * 60_000,
  ).toISOString();
const future = new Date(Date.now() + 3_600_000).toISOString();

describe('a usage error', () => {
  it.each([
    // Extra positionals.
    [['demo', '--json', 'extra'], /unexpected argument "extra"/],
    [['replay', '/tmp/rec', 'extra'], /unexpected argument "extra"/],
    [[...start, 'extra'], /unexpected argument "extra" \(start takes no/],
    [[...record, 'extra'], /unexpected argument "extra"/],
    [['diagnose', '--evidence', 'f.json', 'x'], /unexpected argument "x"/],
    [['definition', 'extra'], /unexpected argument "extra"/],
    [['advise', '--recording', '/tmp/rec', 'x'], /unexpected argument "x"/],
    [['slack-test', 'extra'], /unexpected argument "extra"/],
    // Contradictory flags.
    [
      ['replay', '/tmp/rec', '--approve', '--policy', 'off'],
      /--approve and --policy contradict each other: policy off never asks/,
    ],
    [
      [...start, '--dry-run', '--policy', 'off'],
      /--dry-run and --policy contradict each other/,
    ],
    [
      [...record, '--window-minutes', '60', '--from', past(120)],
      /--window-minutes and --from contradict each other/,
    ],
    [
      [...record, '--window-minutes', '60', '--to', past(60)],
      /--window-minutes and --to contradict each other/,
    ],
    [
      [...record, '--clickhouse-user', 'ro'],
      /--clickhouse-user needs --clickhouse-url/,
    ],
    // Past windows.
    [
      [...record, '--from', past(120)],
      /--from and --to go together: --to is missing/,
    ],
    [
      [...record, '--to', past(120)],
      /--from and --to go together: --from is missing/,
    ],
    [
      [...record, '--from', past(60), '--to', past(120)],
      /--from and --to must be a whole number of minutes apart, from 15 to 21600, not -60/,
    ],
    [
      [...record, '--from', past(65), '--to', past(60)],
      /minutes apart, from 15 to 21600, not 5 \(try/,
    ],
    [
      [
        ...record,
        '--from',
        '2026-11-23T00:00:30Z',
        '--to',
        '2026-11-23T03:00:00Z',
      ],
      /not 179\.5/,
    ],
    [
      [...record, '--from', 'yesterday', '--to', past(0)],
      /--from must be an ISO 8601 time such as .*, not yesterday/,
    ],
    [
      [...record, '--from', past(60), '--to', future],
      /--to \(.*\) is after now/,
    ],
    [[...start, '--at', '2026-11-23 03:00'], /--at must be an ISO 8601 time/],
    [[...start, '--at', future], /--at \(.*\) is after now/],
    [
      [...start, '--policy', 'sometimes'],
      /--policy must be off, approve or auto/,
    ],
    [[...start, '--note', 'n'.repeat(501)], /^burstguard start: --note: /],
    [
      ['start', '--file-system', FS, '--state-machine-arn', 'burstguard-prod'],
      /state machine ARN burstguard-prod must look like arn:aws:states:/,
    ],
    [
      ['start', '--file-system', FS],
      /no state machine: pass --state-machine-arn/,
    ],
    [
      ['demo', '--scenario', 'nope'],
      /unknown scenario "nope"; one of: credits-exhausted/,
    ],
    [['demo', '--scenario'], /--scenario/],
    [['--version', 'extra'], /--version takes no arguments/],
    [[], /^burstguard: a command is required, one of .*demo.*replay/],
    [
      [...record, '--clickhouse-url', 'clickhouse:8443'],
      /--clickhouse-url: clickhouse: is not http or https/,
    ],
    [
      [...record, '--clickhouse-url', 'https://ro:secret@ch.internal:8443'],
      /--clickhouse-url: must carry no credentials/,
    ],
  ])('%j exits 2 with one line', async (argv, message) => {
    // Act
    const { code, err, out } = await run(argv);

    // Assess
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
    if (argv[0] && argv[0] !== '--version') {
      expect(err).toMatch(
        new RegExp(`\\(try burstguard ${argv[0]} --help\\)\\n$`),
      );
    }
  });
});

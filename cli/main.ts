/**
 * The `burstguard` command. Every failure ends with one line on stderr and a
 * non-zero exit, never a stack trace.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import {
  type Evidence,
  evidenceSchema,
  isoTimeSchema,
  policySchema,
} from '../shared/contracts.ts';
import { oneLine } from '../shared/errors.ts';
import { buildDefinition, placeholderArns } from '../workflows/definition.ts';
import type { RunEvent } from '../workflows/local-runner.ts';
import type { LocalRunReport } from './local-run.ts';

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

Run "burstguard demo" for an offline tour on a built-in incident.`;

/** A mistake in how the command was called: exit 2 with the usage hint. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Io = {
  out: (text: string) => void;
  err: (text: string) => void;
  color: boolean;
};

const defaultIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
};

/** Runs parseArgs; an unknown or malformed flag is a UsageError. */
function parse<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new UsageError(oneLine(error));
  }
}

function parsePolicy(value: unknown) {
  if (value === undefined) return undefined;
  const result = policySchema.safeParse(value);
  if (!result.success) {
    throw new UsageError(
      `--policy must be off, approve or auto, not ${String(value)}`,
    );
  }
  return result.data;
}

/** Prints the progress of a run, one line per state left. */
export function progressPrinter(io: Io): (event: RunEvent) => void {
  const started = new Map<string, number>();
  const dim = (t: string) => (io.color ? `\x1b[2m${t}\x1b[22m` : t);
  return (event) => {
    if (event.type === 'entered') {
      started.set(event.state, Date.now());
      if (event.stateType === 'Parallel') {
        io.err(
          dim(`  … ${event.state}: EFS, Langfuse and ClickHouse in parallel\n`),
        );
      }
      return;
    }
    if (event.type === 'exited') {
      if (event.stateType === 'Parallel') return;
      const ms = Date.now() - (started.get(event.state) ?? Date.now());
      io.err(`  ✓ ${event.state} ${dim(`(${event.stateType}, ${ms} ms)`)}\n`);
      return;
    }
    if (event.type === 'failed') {
      io.err(`  ✗ ${event.state}: ${event.error}\n`);
      return;
    }
    io.err(dim(`  ↳ ${event.state}: caught, the run goes on\n`));
  };
}

/** The closing lines of a local run: the verdict, the fix, the outcome. */
export function summaryLines(report: LocalRunReport): string[] {
  const lines: string[] = [];
  const { diagnosis, recommendation, remediation, execution } = report;
  if (execution.status === 'FAILED') {
    return [
      `execution failed: ${execution.error}: ${causeText(execution.cause)}`,
    ];
  }
  if (diagnosis) {
    lines.push(
      `verdict: ${diagnosis.verdict} (confidence ${diagnosis.confidence.toFixed(2)})`,
    );
  }
  if (recommendation) lines.push(`action: ${recommendation.action}`);
  if (remediation)
    lines.push(`remediation: ${remediation.status}: ${remediation.reason}`);
  if (report.verification) {
    lines.push(
      `verified: ${report.verification.verdict}: ${report.verification.summary}`,
    );
  }
  if (!diagnosis && report.incident) {
    lines.push(
      `incident ${report.incident.incidentId}: ${report.incident.next}`,
    );
  }
  lines.push(`state transitions: ${execution.transitions}`);
  return lines;
}

/** Lambda error causes are JSON: show their message. */
function causeText(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    return parsed.errorMessage ?? cause;
  } catch {
    return cause;
  }
}

/** `--json` output: the object the README documents. */
export function jsonReport(report: LocalRunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

async function cmdDefinition(args: string[], io: Io): Promise<number> {
  const { values } = parse(() =>
    parseArgs({
      args: args,
      allowPositionals: true,
      options: {
        region: { type: 'string', default: 'us-east-1' },
        account: { type: 'string', default: '123456789012' },
      },
    }),
  );
  const definition = buildDefinition(
    placeholderArns(String(values.region), String(values.account)),
  );
  io.out(`${JSON.stringify(definition, null, 2)}\n`);
  return 0;
}

async function cmdReplay(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(() =>
    parseArgs({
      args: args,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        policy: { type: 'string' },
        approve: { type: 'boolean', default: false },
      },
    }),
  );
  const dir = positionals[0];
  if (!dir) throw new UsageError('replay needs a recording directory');
  const policy = parsePolicy(values.policy);
  const { readRecording } = await import('../shared/recording.ts');
  const { runRecording } = await import('./local-run.ts');
  const recording = await readRecording(dir);
  const json = Boolean(values.json);
  if (!json) io.err(`Replaying ${dir} (${recording.meta.fileSystemId})\n`);
  const report = await runRecording(recording, {
    policy,
    write: json ? () => undefined : io.out,
    color: io.color,
    onEvent: json ? undefined : progressPrinter(io),
    approver: values.approve
      ? async () => ({ approved: true, by: 'U0LOCAL' })
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

/** The window and region a diagnosis is priced and rated over. */
export type DiagnoseWindow = {
  region: string;
  windowStart: string;
  windowEnd: string;
};

const BARE_EVIDENCE_USAGE =
  'a bare Evidence file needs --region, --window-start and --window-end (ISO 8601, e.g. 2026-11-23T00:12:00Z); a replay or demo --json output carries them in its trigger';

/**
 * The window and region for `diagnose --evidence`: the flags when given,
 * else the trigger of a `replay --json` / `demo --json` output. A bare
 * Evidence file has no trigger, so it needs all three flags.
 */
export function diagnoseWindow(
  raw: unknown,
  flags: { region?: string; windowStart?: string; windowEnd?: string },
): DiagnoseWindow {
  const trigger = (raw as { trigger?: unknown })?.trigger as
    | { region?: unknown; windowStart?: unknown; windowEnd?: unknown }
    | null
    | undefined;
  const fromTrigger = (key: 'region' | 'windowStart' | 'windowEnd') => {
    const value = trigger?.[key];
    return typeof value === 'string' ? value : undefined;
  };
  const region = flags.region ?? fromTrigger('region');
  const windowStart = flags.windowStart ?? fromTrigger('windowStart');
  const windowEnd = flags.windowEnd ?? fromTrigger('windowEnd');
  if (!region || !windowStart || !windowEnd) {
    throw new UsageError(BARE_EVIDENCE_USAGE);
  }
  for (const [flag, value] of [
    ['--window-start', windowStart],
    ['--window-end', windowEnd],
  ] as const) {
    if (!isoTimeSchema.safeParse(value).success) {
      throw new UsageError(
        `${flag} must be an ISO 8601 time such as 2026-11-23T00:12:00Z, not ${value}`,
      );
    }
  }
  if (Date.parse(windowEnd) <= Date.parse(windowStart)) {
    throw new UsageError(
      `--window-end (${windowEnd}) must be after --window-start (${windowStart})`,
    );
  }
  return { region, windowStart, windowEnd };
}

async function cmdDiagnose(args: string[], io: Io): Promise<number> {
  const { values } = parse(() =>
    parseArgs({
      args: args,
      allowPositionals: true,
      options: {
        evidence: { type: 'string' },
        json: { type: 'boolean', default: false },
        region: { type: 'string' },
        'window-start': { type: 'string' },
        'window-end': { type: 'string' },
      },
    }),
  );
  if (!values.evidence) throw new UsageError('diagnose needs --evidence FILE');
  const path = String(values.evidence);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code ? `${path}: cannot read (${code})` : `${path}: not valid JSON`,
    );
  }
  // An evidence file is Evidence, or a `replay --json`-like object holding it.
  const parsed = evidenceSchema.safeParse(
    (raw as { evidence?: unknown })?.evidence ?? raw,
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'not evidence'}`,
    );
  }
  const evidence: Evidence = parsed.data;
  const window = diagnoseWindow(raw, {
    region: values.region as string | undefined,
    windowStart: values['window-start'] as string | undefined,
    windowEnd: values['window-end'] as string | undefined,
  });
  const { diagnose } = await import('../shared/diagnosis/engine.ts');
  const { diagnosis, recommendation } = diagnose(evidence, window);
  if (values.json) {
    io.out(`${JSON.stringify({ diagnosis, recommendation }, null, 2)}\n`);
  } else {
    io.out(
      `${[
        `verdict: ${diagnosis.verdict} (confidence ${diagnosis.confidence.toFixed(2)})`,
        diagnosis.headline,
        ...diagnosis.findings.map((f) => `  • ${f}`),
        `action: ${recommendation.action}: ${recommendation.summary}`,
        `window ${window.windowStart} to ${window.windowEnd}, ${window.region}`,
      ].join('\n')}\n`,
    );
  }
  return 0;
}

async function cmdDemo(args: string[], io: Io): Promise<number> {
  const { values } = parse(() =>
    parseArgs({
      args: args,
      allowPositionals: true,
      options: {
        scenario: { type: 'string', default: 'credits-exhausted' },
        policy: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    }),
  );
  const { runDemo } = await import('./demo.ts');
  return runDemo(
    {
      scenario: String(values.scenario),
      policy: parsePolicy(values.policy),
      json: Boolean(values.json),
    },
    io,
  );
}

async function cmdStart(args: string[], io: Io): Promise<number> {
  const { values } = parse(() =>
    parseArgs({
      args: args,
      allowPositionals: true,
      options: {
        'file-system': { type: 'string' },
        'window-minutes': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        'state-machine-arn': { type: 'string' },
        region: { type: 'string' },
      },
    }),
  );
  const { runStart } = await import('./start.ts');
  return runStart(
    {
      fileSystemId: values['file-system'] as string | undefined,
      windowMinutes: values['window-minutes'] as string | undefined,
      dryRun: Boolean(values['dry-run']),
      stateMachineArn: values['state-machine-arn'] as string | undefined,
      region: values.region as string | undefined,
    },
    io,
  );
}

async function cmdRecord(args: string[], io: Io): Promise<number> {
  const { values } = parse(() =>
    parseArgs({
      args: args,
      allowPositionals: true,
      options: {
        'file-system': { type: 'string' },
        out: { type: 'string' },
        'window-minutes': { type: 'string', default: '180' },
        region: { type: 'string' },
        'clickhouse-url': { type: 'string' },
        'clickhouse-user': { type: 'string', default: 'default' },
        'langfuse-log-group': { type: 'string', multiple: true },
      },
    }),
  );
  const { runRecord } = await import('./record.ts');
  return runRecord(
    {
      fileSystemId: values['file-system'] as string | undefined,
      out: values.out as string | undefined,
      windowMinutes: String(values['window-minutes']),
      region: values.region as string | undefined,
      clickhouseUrl: values['clickhouse-url'] as string | undefined,
      clickhouseUser: String(values['clickhouse-user']),
      langfuseLogGroups: (values['langfuse-log-group'] as string[]) ?? [],
    },
    io,
  );
}

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  definition: cmdDefinition,
  demo: cmdDemo,
  replay: cmdReplay,
  diagnose: cmdDiagnose,
  start: cmdStart,
  record: cmdRecord,
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
  const run = COMMANDS[command];
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

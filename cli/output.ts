/**
 * What every `burstguard` command shares: the terminal it writes to, the
 * usage error (exit 2), flag parsing, and how a local run is printed.
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import type { LocalChart, LocalRunReport } from '../local/run-recording.ts';
import type { RunEvent } from '../local/state-machine-runner.ts';
import {
  policySchema,
  WINDOW_MINUTES,
  windowMinutesSchema,
} from '../shared/domain/contracts.ts';
import { oneLine } from '../shared/domain/errors.ts';

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

export const defaultIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
};

/** Runs parseArgs over a command's options; a bad flag is a UsageError. */
export function parseFlags<const O extends ParseArgsOptionsConfig>(
  args: string[],
  options: O,
) {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (error) {
    throw new UsageError(oneLine(error));
  }
}

export function parsePolicy(value: unknown) {
  if (value === undefined) return undefined;
  const result = policySchema.safeParse(value);
  if (!result.success) {
    throw new UsageError(
      `--policy must be off, approve or auto, not ${String(value)}`,
    );
  }
  return result.data;
}

/** `--window-minutes`: a whole number inside WINDOW_MINUTES. */
export function parseWindowMinutes(value: string | number): number {
  const minutes = Number(value);
  if (!windowMinutesSchema.safeParse(minutes).success) {
    throw new UsageError(
      `--window-minutes: a whole number from ${WINDOW_MINUTES.min} to ${WINDOW_MINUTES.max}`,
    );
  }
  return minutes;
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
export function causeText(cause: string | undefined): string {
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

/**
 * The command line of a command that runs the state machine locally
 * (`demo`, `replay`): `--json` and `--policy` with the command's own
 * flags, and what follows from `--json`: progress on stderr and Slack in
 * the terminal, or nothing but the report.
 */
export function runCommandLine(
  args: string[],
  io: Io,
  own: ParseArgsOptionsConfig,
) {
  const { values, positionals } = parseFlags(args, {
    json: { type: 'boolean', default: false },
    policy: { type: 'string' },
    ...own,
  } as ParseArgsOptionsConfig);
  const json = Boolean(values.json);
  const quiet = () => undefined;
  return {
    values,
    positionals,
    json,
    /** `--policy`, checked when read. */
    policy: () => parsePolicy(values.policy),
    /** A progress line, unless `--json`. */
    say: json ? quiet : io.err,
    /** runRecording's output options. */
    output: {
      write: json ? quiet : io.out,
      color: io.color,
      onEvent: json ? undefined : progressPrinter(io),
      onChart: json
        ? undefined
        : (chart: LocalChart) =>
            io.err(`  chart: ${chart.path ?? chart.id} (${chart.title})\n`),
    },
    /** The report: one JSON object, or the summary after `lead`. */
    print(report: LocalRunReport, lead = '') {
      io.out(
        json
          ? jsonReport(report)
          : `${lead}${summaryLines(report).join('\n')}\n`,
      );
    },
  };
}

export type RunCommandLine = ReturnType<typeof runCommandLine>;

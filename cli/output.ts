/**
 * What every `burstguard` command shares: the terminal it writes to, the
 * usage error (exit 2), flag parsing, and how a local run is printed.
 */
import type { LocalChart, LocalRunReport } from '../local/run-recording.ts';
import type { RunEvent } from '../local/state-machine-runner.ts';
import {
  isoTimeSchema,
  policySchema,
  WINDOW_MINUTES,
  windowMinutesSchema,
} from '../shared/domain/contracts.ts';
import { causeMessage } from '../shared/domain/errors.ts';
import {
  type Flag,
  type Io,
  type ParsedCommandLine,
  stringFlag,
  UsageError,
} from './flags.ts';

export { type Io, UsageError };

export const defaultIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
};

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

/**
 * A time flag: ISO 8601 with a zone (the form the manual input's `at` and
 * a recording's meta take).
 */
export function parseTimeFlag(flag: string, value: string): Date {
  if (!isoTimeSchema.safeParse(value).success) {
    throw new UsageError(
      `${flag} must be an ISO 8601 time such as 2026-11-23T00:12:00Z, not ${value}`,
    );
  }
  return new Date(value);
}

/** A time flag that names a past moment (an incident already over). */
export function parsePastTimeFlag(flag: string, value: string, now: Date) {
  const time = parseTimeFlag(flag, value);
  if (time.getTime() > now.getTime()) {
    throw new UsageError(
      `${flag} (${value}) is after now (${now.toISOString()}): it names the end of a past window`,
    );
  }
  return time;
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
  const { recovery } = report;
  if (recovery) {
    const records =
      recovery.recordsBefore === null || recovery.recordsAfter === null
        ? 'records not counted'
        : `records ${recovery.recordsBefore} -> ${recovery.recordsAfter}`;
    lines.push(
      `recovery: ${recovery.status}: ${recovery.keysListed} keys listed, ${recovery.keysQueued} queued, ${recovery.keysSkipped} skipped, ${recovery.keysFailed} failed; ${records}`,
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
  return cause ? causeMessage(cause) : '';
}

/** The approver a local run stands in for: pressing Approve in Slack. */
export const DEMO_APPROVER = 'U0LOCAL';

/** `--json` output: the object the README documents. */
export function jsonReport(report: LocalRunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The flags of every command that runs the state machine locally. */
export const RUN_FLAGS = {
  json: {
    type: 'boolean',
    help: 'print one JSON object (incident, diagnosis, recommendation, remediation, verification, recovery, slack, decision) instead of the thread and a summary',
  },
  policy: {
    type: 'string',
    value: 'off|approve|auto',
    help: "the file system's configured remediation policy (default approve); a recorded manual input may only lower it",
  },
} as const satisfies Record<string, Flag>;

/**
 * The command line of a command that runs the state machine locally
 * (`demo`, `replay`), parsed by its spec (RUN_FLAGS and its own), and what
 * follows from `--json`: progress on stderr and Slack in the terminal, or
 * nothing but the report.
 */
export function runCommandLine(line: ParsedCommandLine, io: Io) {
  const { values, positionals } = line;
  const json = Boolean(values.json);
  const quiet = () => undefined;
  return {
    values,
    positionals,
    json,
    /** `--policy`, checked when read. */
    policy: () => parsePolicy(stringFlag(values, 'policy')),
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

/**
 * Every state of an execution stays under Step Functions' payload limit:
 * 256 KB per state input or output, and `States.DataLimitExceeded` is not
 * matched by `States.ALL` (Step Functions developer guide, "Error handling
 * in Step Functions"), so an oversize state fails the run outright.
 *
 * Measured on the real definition run by the local runner at the largest
 * window a trigger allows (21,600 minutes: 1,440 points per series), with
 * full-precision doubles in every series as CloudWatch answers them, and
 * an exact Logs Insights count beside the metric filters.
 */
import { describe, expect, it } from 'vitest';
import type { Recording } from '../local/recording-format.ts';
import { runRecording } from '../local/run-recording.ts';
import { simulateScenario } from '../local/scenarios.ts';
import type { LocalTaskHandlers } from '../local/state-machine-runner.ts';
import { triggerSchema, WINDOW_MINUTES } from '../shared/domain/contracts.ts';

const LIMIT_BYTES = 262_144;
const MAX_WINDOW_MINUTES = WINDOW_MINUTES.max;
const END = new Date('2026-11-23T03:12:00Z');

/** A double with all 17 significant digits, near `magnitude`. */
const fullPrecision = (magnitude: number, i: number) =>
  magnitude * (1 - 1e-7 * (i % 97)) + 0.1234567891234567;

/** Logs Insights rows, one per minute with a count, as GetQueryResults. */
function insightsAnswer(recording: Recording, count: (i: number) => number) {
  const end = Date.parse(recording.meta.end);
  const start = Date.parse(recording.meta.start);
  const results = [];
  for (let t = start, i = 0; t < end; t += 60_000, i++) {
    const n = count(i);
    if (n === 0) continue;
    results.push([
      {
        field: 'bin(1m)',
        value: new Date(t).toISOString().replace('T', ' ').replace('Z', ''),
      },
      { field: 'droppedRecords', value: String(n) },
    ]);
  }
  return { results, status: 'Complete' };
}

/** The seed incident over the largest window, every value full precision. */
function seedIncidentAtLargestWindow(): Recording {
  const recording = simulateScenario('credits-exhausted', {
    end: END,
    windowMinutes: MAX_WINDOW_MINUTES,
  });
  for (const r of recording.metricData.MetricDataResults) {
    r.Values = (r.Values ?? []).map((v, i) => v + fullPrecision(1, i) - 1);
  }
  const dropped =
    recording.metricData.MetricDataResults.find(
      (r) => r.Id === 'langfuse_dropped_records',
    )?.Values ?? [];
  recording.logsInsights = insightsAnswer(recording, (i) =>
    Math.round((dropped[i] ?? 0) * 40),
  );
  return recording;
}

/**
 * The same window with every series at the largest magnitude its metric
 * reaches: Elastic's 60 GiB/s read ceiling (EFS performance table) over a
 * 900 s period for the byte sums and PermittedThroughput, a credit balance
 * past what a 400 TiB file system holds, PercentIOLimit near 100, and
 * Langfuse counts of ten million a period.
 */
function documentedMaximaAtLargestWindow(): Recording {
  const recording = simulateScenario('credits-exhausted', {
    end: END,
    windowMinutes: MAX_WINDOW_MINUTES,
  });
  const GiB = 1024 ** 3;
  const magnitude: Record<string, number> = {
    burst_credit_balance: 9.99e14,
    permitted_throughput: 60 * GiB,
    percent_io_limit: 99.99,
    client_connections: 99_999,
  };
  for (const r of recording.metricData.MetricDataResults) {
    const m = magnitude[r.Id] ?? (r.Id.startsWith('langfuse_') ? 1e7 : 0);
    const top = m || 60 * GiB * 900;
    r.Values = (r.Values ?? []).map((_, i) => fullPrecision(top, i));
  }
  recording.logsInsights = insightsAnswer(recording, () => 9_999_999);
  return recording;
}

/**
 * A long Lambda error. Step Functions keeps Lambda's JSON (`errorType`,
 * `errorMessage`, `trace`) as the Cause; the local runner keeps the first
 * two, so a real Cause is larger by the stack (about 1.5 KB for these 20
 * frames), well within the margin this test prints. The 4 KB message is
 * far past what burstguard's own errors carry (one line each).
 */
function lambdaError(name: string): Error {
  const error = Object.assign(new Error(`${name}: ${'x'.repeat(4096)}`), {
    name,
  });
  error.stack = [
    `${name}: ${error.message}`,
    ...Array.from(
      { length: 20 },
      (_, i) => `    at frame${i} (file:///var/task/index.mjs:1:${i})`,
    ),
  ].join('\n');
  return error;
}

/** JSON bytes of every state's output, in the order the run left them. */
async function stateSizes(
  recording: Recording,
  wrapHandlers?: (handlers: LocalTaskHandlers) => LocalTaskHandlers,
) {
  const sizes: { state: string; bytes: number }[] = [];
  const report = await runRecording(recording, {
    ...(wrapHandlers ? { wrapHandlers } : {}),
    write: () => undefined,
    color: false,
    policy: 'approve',
    approver: async () => ({ approved: true, by: 'U0LOCAL' }),
    onEvent: (event) => {
      if (event.type !== 'exited') return;
      sizes.push({
        state: event.state,
        bytes: Buffer.byteLength(JSON.stringify(event.output), 'utf8'),
      });
    },
  });
  return { sizes, report };
}

const seed = await stateSizes(seedIncidentAtLargestWindow());
const maxima = await stateSizes(documentedMaximaAtLargestWindow());
// The largest states, then Verify and NotifyOutcome failing with long
// errors: the state that NotifyFailure gets carries both.
const failing = await stateSizes(
  documentedMaximaAtLargestWindow(),
  (handlers) => ({
    ...handlers,
    Verify: async () => {
      throw lambdaError('VerifyError');
    },
    NotifyOutcome: async () => {
      throw lambdaError('SlackDeliveryError');
    },
  }),
);
const largest = (sizes: { bytes: number }[]) =>
  Math.max(...sizes.map((s) => s.bytes));

describe(`every state at a ${MAX_WINDOW_MINUTES}-minute window`, () => {
  it('is the longest window a trigger takes', () => {
    const windowMinutes = triggerSchema.shape.windowMinutes;

    expect(windowMinutes.safeParse(MAX_WINDOW_MINUTES).success).toBe(true);
    expect(windowMinutes.safeParse(MAX_WINDOW_MINUTES + 1).success).toBe(false);
  });

  it.each(
    seed.sizes.map((s) => [s.state, s.bytes, LIMIT_BYTES - s.bytes] as const),
  )(
    'keeps %s under 256 KB on the seed incident (%i bytes, %i to spare)',
    (state, bytes) => {
      // Assess
      expect(bytes, `${state}: ${bytes} bytes`).toBeLessThan(LIMIT_BYTES);
    },
  );

  it.each(
    maxima.sizes.map((s) => [s.state, s.bytes, LIMIT_BYTES - s.bytes] as const),
  )(
    'keeps %s under 256 KB at documented maxima (%i bytes, %i to spare)',
    (state, bytes) => {
      // Assess
      expect(bytes, `${state}: ${bytes} bytes`).toBeLessThan(LIMIT_BYTES);
    },
  );

  it.each(
    failing.sizes.map(
      (s) => [s.state, s.bytes, LIMIT_BYTES - s.bytes] as const,
    ),
  )(
    'keeps %s under 256 KB on a failing run at documented maxima (%i bytes, %i to spare)',
    (state, bytes) => {
      // Assess
      expect(bytes, `${state}: ${bytes} bytes`).toBeLessThan(LIMIT_BYTES);
    },
  );

  it('went through NotifyFailure with both errors in its state', () => {
    // Assess
    expect(failing.sizes.map((s) => s.state)).toContain('NotifyFailure');
    expect(failing.report.execution.status).toBe('FAILED');
  });

  it(`measured the whole run: the largest states are ${largest(seed.sizes)} and ${largest(maxima.sizes)} bytes`, () => {
    // Assess: the run went through Gather, Diagnose, Notify and on.
    const states = seed.sizes.map((s) => s.state);
    for (const state of ['Gather', 'Diagnose', 'Notify', 'Remediate']) {
      expect(states).toContain(state);
    }
    expect(seed.report.execution.status).toBe('SUCCEEDED');
    expect(maxima.report.execution.status).toBe('SUCCEEDED');
    expect(seed.report.trigger?.windowMinutes).toBe(MAX_WINDOW_MINUTES);
  });

  it('still diagnoses the seed incident as before rounding', () => {
    // Assess: the verdict and action of the 3-hour seed incident, and the
    // exact count read from the Logs Insights answer.
    const { diagnosis, recommendation, evidence } = seed.report;
    expect(diagnosis?.verdict).toBe('efs-burst-credits-exhausted');
    expect(recommendation?.action).toBe('switch-to-elastic');
    expect(diagnosis?.findings.join('\n')).toContain(
      'Langfuse records dropped (counted exactly in its logs)',
    );
    if (!evidence?.langfuse.available) throw new Error('expected Langfuse');
    expect(evidence.langfuse.droppedRecordsCount?.source).toBe('logs-insights');
    // Bytes are whole, percents in hundredths.
    const credits = evidence.efs.available
      ? (evidence.efs.metrics.burst_credit_balance?.values ?? [])
      : [];
    // 1,440 points, one more when the window's start is not on the grid.
    expect(credits.length).toBeGreaterThanOrEqual(1440);
    expect(credits.length).toBeLessThanOrEqual(1441);
    expect(credits.every((v) => v === null || Number.isInteger(v))).toBe(true);
  });
});

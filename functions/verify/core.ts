/**
 * Verify: some minutes after the switch to Elastic, did it work? Reads the
 * mode back from EFS, and throughput and Langfuse's errors from CloudWatch
 * for the half hour before the change and the minutes since, and says so
 * with numbers.
 */
import type { AppConfig } from '../../shared/domain/config.ts';
import type {
  AfterRemediate,
  Verification,
} from '../../shared/domain/contracts.ts';
import { utilizationSeries } from '../../shared/domain/diagnosis/signals.ts';
import { oneLine } from '../../shared/domain/errors.ts';
import { formatCount } from '../../shared/domain/messages/numbers.ts';
import type { Clock, EfsPort, MetricsPort } from '../../shared/domain/ports.ts';
import { recoveryAfterSwitch } from '../../shared/domain/recovery/after-switch.ts';
import {
  REMEDIATIONS,
  SWITCH_TO_ELASTIC,
} from '../../shared/domain/remediations.ts';
import { efsQueries } from '../../shared/domain/sources/efs.ts';
import { langfuseQueries } from '../../shared/domain/sources/langfuse.ts';
import {
  gridFor,
  toSeries,
} from '../../shared/domain/sources/metric-series.ts';

export type VerifyPorts = {
  efs: EfsPort;
  metrics: MetricsPort;
  clock: Clock;
  config: AppConfig;
};

/** How far before the change the comparison looks. */
export const BEFORE_MINUTES = 30;
/** A mode change takes a moment; errors this soon after do not count. */
export const GRACE_MINUTES = 2;
/** Fewer periods than this after the change is too early to say. */
const MIN_POINTS_AFTER = 3;
const PINNED_PERCENT = 95;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const round = (x: number | null) =>
  x === null ? null : Math.round(x * 100) / 100;
/** Percent for people: two decimals under 1%, whole numbers above. */
const pct = (x: number) => (x < 1 ? x.toFixed(2) : String(Math.round(x)));
const count = (n: number) => formatCount(Math.round(n));
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** Checks the switch; a source that cannot be read gives 'unknown'. */
export async function verifyRemediation(
  state: AfterRemediate,
  ports: VerifyPorts,
): Promise<Verification> {
  const now = ports.clock.now();
  const fsId = state.trigger.fileSystemId;
  const changeMs = Date.parse(state.remediation.at ?? now.toISOString());
  const minutesSinceChange = Math.max(0, (now.getTime() - changeMs) / 60_000);
  const base = {
    checkedAt: now.toISOString(),
    minutesSinceChange: Math.round(minutesSinceChange),
  };
  let mode: string | null = null;
  let lifeCycleState = 'unknown';
  try {
    const described = await ports.efs.describeFileSystem(fsId);
    mode = described.ThroughputMode ?? null;
    lifeCycleState = described.LifeCycleState;
  } catch (error) {
    return {
      ...base,
      verdict: 'unknown',
      summary: `could not read ${fsId} back from EFS: ${oneLine(error)}`,
      throughputMode: null,
      utilizationBeforePercent: null,
      utilizationAfterPercent: null,
      langfuseErrorsBefore: null,
      langfuseErrorsAfter: null,
    };
  }

  const start = new Date(changeMs - BEFORE_MINUTES * 60_000);
  const grid = gridFor(start, now, 60);
  const ids = ['permitted_throughput', 'metered_io_bytes'];
  const queries = [
    ...efsQueries(fsId).filter((q) => ids.includes(q.id)),
    ...langfuseQueries(ports.config.langfuseMetricNamespace, fsId),
  ];
  let results: Awaited<ReturnType<MetricsPort['getMetricData']>> = [];
  try {
    results = await ports.metrics.getMetricData({
      queries,
      start: grid.start,
      end: now,
      periodSeconds: 60,
    });
  } catch {
    // Without metrics the mode alone is reported below.
  }
  const series = (id: string) => {
    const r = results.find((x) => x.Id === id);
    return r ? toSeries(r, grid, 60) : undefined;
  };
  const utilization = utilizationSeries(
    series('metered_io_bytes'),
    series('permitted_throughput'),
  );
  const changeSlot = Math.floor((changeMs - grid.start.getTime()) / 60_000);
  const before: number[] = [];
  const after: number[] = [];
  utilization.forEach((u, i) => {
    if (u === null) return;
    (i < changeSlot ? before : after).push(u);
  });
  const errors = (from: number, to: number) => {
    let total = 0;
    let seen = false;
    for (const id of [
      'langfuse_dropped_records',
      'langfuse_clickhouse_timeouts',
    ]) {
      const s = series(id);
      if (!s) continue;
      seen = true;
      s.values.forEach((v, i) => {
        if (i >= from && i < to) total += v ?? 0;
      });
    }
    return seen || results.some((r) => r.Id.startsWith('langfuse_'))
      ? total
      : null;
  };
  const errorsBefore = errors(0, changeSlot);
  const errorsAfter = errors(changeSlot + GRACE_MINUTES, grid.points);
  const uBefore = median(before);
  const uAfterMedian = median(after);
  const uAfterMax = after.length ? Math.max(...after) : null;
  const numbers = {
    throughputMode: mode,
    utilizationBeforePercent: round(uBefore),
    utilizationAfterPercent: round(uAfterMedian),
    langfuseErrorsBefore: errorsBefore,
    langfuseErrorsAfter: errorsAfter,
  };

  // The mode the change set: the remediation's own read-back.
  const target = (REMEDIATIONS[state.remediation.action] ?? SWITCH_TO_ELASTIC)
    .verifiedBy.throughputMode;
  if (mode !== target) {
    const pending = lifeCycleState === 'updating';
    return {
      ...base,
      ...numbers,
      verdict: pending ? 'not-yet' : 'not-working',
      summary: pending
        ? `${fsId} is still updating (${mode ?? 'unknown'} mode); check again in a few minutes`
        : `${fsId} is in ${mode ?? 'an unknown'} mode, not ${target}, ${Math.round(minutesSinceChange)} min after the change`,
    };
  }
  if (after.length < MIN_POINTS_AFTER) {
    return {
      ...base,
      ...numbers,
      verdict: 'not-yet',
      summary: `${fsId} is in ${target} mode since ${hhmm(changeMs)} UTC; only ${after.length} min of metrics since, too early to judge the effect`,
    };
  }
  const pinned = uAfterMax !== null && uAfterMax >= PINNED_PERCENT;
  const stillDropping = (errorsAfter ?? 0) > 0;
  const beforeText =
    uBefore === null ? '' : ` (was ${Math.round(uBefore)}% before)`;
  const errorText =
    errorsAfter === null
      ? 'Langfuse signals not available'
      : `${count(errorsAfter)} Langfuse write errors in the ${Math.max(0, after.length - GRACE_MINUTES)} min since${errorsBefore !== null ? ` (${count(errorsBefore)} in the ${BEFORE_MINUTES} min before)` : ''}`;
  if (pinned || stillDropping) {
    return {
      ...base,
      ...numbers,
      verdict: 'not-working',
      summary: `${target} since ${hhmm(changeMs)} UTC but ${pinned ? `throughput still reaches ${Math.round(uAfterMax ?? 0)}% of permitted` : 'Langfuse still fails to write'}: ${errorText}; look at ClickHouse next`,
    };
  }
  // The switch worked: the records Langfuse dropped can come back.
  const recovery = recoveryAfterSwitch(state, ports.config, now);
  return {
    ...base,
    ...numbers,
    verdict: 'worked',
    summary: `${target} since ${hhmm(changeMs)} UTC: throughput at ${pct(uAfterMedian ?? 0)}% of permitted${beforeText}, ${errorText}`,
    ...(recovery ? { recovery } : {}),
  };
}

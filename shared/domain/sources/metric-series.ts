/**
 * CloudWatch GetMetricData results onto a regular grid, and the choice of
 * period for a window.
 */
import { type MetricDataResult, toEpochMs } from '../aws-shapes.ts';
import type { Series } from '../contracts.ts';
import type { Clock, MetricsPort } from '../ports.ts';

/**
 * CloudWatch keeps 1-minute data 15 days, 5-minute 63 days (CloudWatch API
 * reference, GetMetricData).
 */
const ONE_MINUTE_RETENTION_MS = 15 * 24 * 3600_000;
const FIVE_MINUTE_RETENTION_MS = 63 * 24 * 3600_000;

/**
 * Points per series we carry between states: a day of 1-minute data. Keeps
 * the evidence well under Step Functions' 256 KB payload limit and 11
 * series far under GetMetricData's 100,800 datapoints per call.
 */
export const MAX_POINTS_PER_SERIES = 1440;

/**
 * The period for a window: 60 s while 1-minute data exists and the window
 * fits in MAX_POINTS_PER_SERIES points, else the next coarser multiple of 60.
 */
export function choosePeriodSeconds(
  windowStart: Date,
  windowEnd: Date,
  now: Date,
): number {
  const age = now.getTime() - windowStart.getTime();
  let period = 60;
  if (age > FIVE_MINUTE_RETENTION_MS) period = 3600;
  else if (age > ONE_MINUTE_RETENTION_MS) period = 300;
  const windowSeconds = (windowEnd.getTime() - windowStart.getTime()) / 1000;
  const needed = Math.ceil(windowSeconds / MAX_POINTS_PER_SERIES / 60) * 60;
  return Math.max(period, needed);
}

/** The grid for a window: start aligned down to the period, point count. */
export function gridFor(
  windowStart: Date,
  windowEnd: Date,
  periodSeconds: number,
): { start: Date; points: number } {
  const periodMs = periodSeconds * 1000;
  const startMs = Math.floor(windowStart.getTime() / periodMs) * periodMs;
  const points = Math.max(
    1,
    Math.ceil((windowEnd.getTime() - startMs) / periodMs),
  );
  return { start: new Date(startMs), points };
}

/**
 * Places a result's datapoints on the grid, in either timestamp order.
 * Points outside the grid are dropped; a grid slot without a datapoint is
 * null. Returns undefined when the result holds no datapoint at all.
 */
export function toSeries(
  result: MetricDataResult,
  grid: { start: Date; points: number },
  periodSeconds: number,
): Series | undefined {
  const timestamps = result.Timestamps ?? [];
  const values = result.Values ?? [];
  if (timestamps.length === 0) return undefined;
  const grid0 = grid.start.getTime();
  const periodMs = periodSeconds * 1000;
  const out: (number | null)[] = new Array(grid.points).fill(null);
  const n = Math.min(timestamps.length, values.length);
  let placed = 0;
  for (let i = 0; i < n; i++) {
    const t = timestamps[i];
    const v = values[i];
    if (t === undefined || v === undefined || !Number.isFinite(v)) continue;
    const slot = Math.round((toEpochMs(t) - grid0) / periodMs);
    if (slot < 0 || slot >= grid.points) continue;
    out[slot] = v;
    placed++;
  }
  if (placed === 0) return undefined;
  return {
    start: grid.start.toISOString(),
    periodSeconds,
    values: out,
    ...(result.StatusCode ? { status: result.StatusCode } : {}),
  };
}

/**
 * A series with its values rounded to `decimals` places: what the engine
 * reads, without the 17 significant digits CloudWatch answers with. Bytes
 * and counts keep whole units, percents hundredths. Full-precision doubles
 * take about twice the JSON of the rounded values, and every state of the
 * execution carries the evidence under Step Functions' 256 KB limit.
 */
export function roundSeries(series: Series, decimals: number): Series {
  const scale = 10 ** decimals;
  return {
    ...series,
    values: series.values.map((v) =>
      v === null ? null : Math.round(v * scale) / scale,
    ),
  };
}

/**
 * The period and grid for a trigger's window: 60 s while 1-minute data
 * exists, never finer than the metrics source can serve.
 */
export function windowGrid(
  window: { windowStart: string; windowEnd: string },
  ports: { clock: Clock; metrics: Pick<MetricsPort, 'resolutionSeconds'> },
): {
  windowEnd: Date;
  periodSeconds: number;
  grid: { start: Date; points: number };
} {
  const windowStart = new Date(window.windowStart);
  const windowEnd = new Date(window.windowEnd);
  const periodSeconds = Math.max(
    choosePeriodSeconds(windowStart, windowEnd, ports.clock.now()),
    ports.metrics.resolutionSeconds ?? 60,
  );
  return {
    windowEnd,
    periodSeconds,
    grid: gridFor(windowStart, windowEnd, periodSeconds),
  };
}

/**
 * The numbers a diagnosis rests on, computed from the evidence. Pure, and
 * total: a missing source or series gives nulls, never a throw.
 */
import type { Evidence, Series } from '../contracts.ts';
import { burstBytesPerSecondFor } from '../efs-rules.ts';
import { forecastExhaustion } from './forecast.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Bursting baseline: 50 KiB/s per GiB of Standard storage (EFS guide). */
export const BASELINE_BYTES_PER_SECOND_PER_GIB = 50 * 1024;
/** "Amazon EFS gives a throughput of 1 MiB/s to all file systems." */
export const BASELINE_FLOOR_BYTES_PER_SECOND = MiB;
/** Utilization at or above this counts as pinned. */
export const PINNED_PERCENT = 95;
/** PercentIOLimit at or above this is at the General Purpose IOPS limit. */
export const IO_LIMIT_PERCENT = 95;

export type Signals = {
  efsAvailable: boolean;
  mode: 'bursting' | 'provisioned' | 'elastic' | null;
  performanceMode: 'generalPurpose' | 'maxIO' | null;
  /** One Zone file systems have one IOPS limit in every throughput mode. */
  oneZone: boolean;
  sizeStandardBytes: number | null;
  provisionedMibps: number | null;
  periodSeconds: number;
  /** Points of utilization data: how much the EFS story rests on. */
  dataPoints: number;
  baselineBytesPerSecond: number | null;
  /** Bursting's burst rate for the Standard-class size. */
  burstBytesPerSecond: number | null;
  permittedBytesPerSecond: number | null;
  permittedAtBaseline: boolean;
  utilization: (number | null)[];
  utilizationMaxPercent: number | null;
  utilizationMedianPercent: number | null;
  /** Minutes of the window with utilization >= PINNED_PERCENT. */
  pinnedMinutes: number;
  /** Minute offset (from window start) of the first pinned period. */
  pinnedOnsetMinute: number | null;
  /** The longest unbroken pinned stretch, in minutes. */
  pinnedLongestMinutes: number;
  demandP95BytesPerSecond: number | null;
  /**
   * Demand per period (bytes/s) the Provisioned size is computed from:
   * the periods that were not pinned, or all when nearly all were.
   */
  demandBytesPerSecond?: number[];
  /** True when every period was pinned: real demand is higher. */
  demandCapped: boolean;
  creditBytes: number | null;
  creditMaxBytes: number | null;
  creditSlopeBytesPerMinute: number;
  forecastMinutesToZero: number | null;
  creditsNearZero: boolean;
  percentIoLimitMax: number | null;
  ioLimitMinutes: number;
  readBytes: number | null;
  writeBytes: number | null;
  metadataBytes: number | null;
  windowMinutes: number;
  langfuseAvailable: boolean;
  droppedRecords: number | null;
  /**
   * Where droppedRecords comes from: Langfuse's log lines counted exactly
   * (Logs Insights), or the metric filters and Langfuse's own counter.
   */
  droppedRecordsSource: 'logs-insights' | 'metric-filter' | null;
  clickhouseTimeouts: number | null;
  langfuseOnsetMinute: number | null;
  /** Minutes from the onset of pinning to the first Langfuse error. */
  langfuseLagMinutes: number | null;
  /** Correlation of per-period Langfuse errors with pinned periods. */
  langfuseCorrelation: number | null;
  clickhouseAvailable: boolean;
  clickhouseReason: string | null;
  clickhouseConfigured: boolean;
};

function lastValue(series: Series | undefined): number | null {
  if (!series) return null;
  for (let i = series.values.length - 1; i >= 0; i--) {
    const v = series.values[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

function sum(series: Series | undefined): number | null {
  if (!series) return null;
  let total = 0;
  for (const v of series.values) total += v ?? 0;
  return total;
}

function quantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil(q * sorted.length) - 1),
  );
  return sorted[index] as number;
}

function pearson(a: number[], b: number[]): number | null {
  const n = Math.min(a.length, b.length);
  if (n < 3) return null;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    const x = (a[i] as number) - ma;
    const y = (b[i] as number) - mb;
    num += x * y;
    da += x * x;
    db += y * y;
  }
  if (da === 0 || db === 0) return null;
  return num / Math.sqrt(da * db);
}

/** The Bursting baseline for a size: 50 KiB/s per GiB, at least 1 MiB/s. */
export function baselineFor(sizeStandardBytes: number): number {
  return Math.max(
    BASELINE_FLOOR_BYTES_PER_SECOND,
    (sizeStandardBytes / GiB) * BASELINE_BYTES_PER_SECOND_PER_GIB,
  );
}

/**
 * Throughput utilization per period, as the EFS console computes it
 * (CloudWatch user guide, metric math): (MeteredIOBytes / period) over
 * PermittedThroughput, in percent.
 */
export function utilizationSeries(
  metered: Series | undefined,
  permitted: Series | undefined,
): (number | null)[] {
  if (!metered || !permitted) return [];
  const n = Math.min(metered.values.length, permitted.values.length);
  const out: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const m = metered.values[i];
    const p = permitted.values[i];
    if (
      m === null ||
      m === undefined ||
      p === null ||
      p === undefined ||
      p <= 0
    ) {
      out.push(null);
      continue;
    }
    out.push(((m / metered.periodSeconds) * 100) / p);
  }
  return out;
}

/** Computes every signal from the evidence. */
export function computeSignals(
  evidence: Evidence,
  window: { windowStart: string; windowEnd: string },
): Signals {
  const windowMinutes = Math.max(
    1,
    (Date.parse(window.windowEnd) - Date.parse(window.windowStart)) / 60_000,
  );
  const efs = evidence.efs.available ? evidence.efs : null;
  const periodSeconds = efs?.periodSeconds ?? 60;
  const periodMinutes = periodSeconds / 60;
  const m = efs?.metrics ?? {};

  const utilization = utilizationSeries(
    m.metered_io_bytes,
    m.permitted_throughput,
  );
  const known = utilization.filter((u): u is number => u !== null);
  let pinnedPeriods = 0;
  let onset: number | null = null;
  let run = 0;
  let longest = 0;
  const pinnedFlags: number[] = [];
  utilization.forEach((u, i) => {
    const pinned = u !== null && u >= PINNED_PERCENT;
    pinnedFlags.push(pinned ? 1 : 0);
    if (pinned) {
      pinnedPeriods++;
      run++;
      longest = Math.max(longest, run);
      if (onset === null) onset = i * periodMinutes;
    } else {
      run = 0;
    }
  });

  // Demand from the periods that were not pinned: while pinned, metered
  // throughput shows what was allowed, not what was asked for.
  const demandAll: number[] = [];
  const demandFree: number[] = [];
  if (m.metered_io_bytes) {
    m.metered_io_bytes.values.forEach((v, i) => {
      if (v === null) return;
      demandAll.push(v / periodSeconds);
      const u = utilization[i];
      if (u === null || u === undefined || u < PINNED_PERCENT) {
        demandFree.push(v / periodSeconds);
      }
    });
  }
  const demandCapped = demandFree.length < 5 && demandAll.length > 0;
  const demand = demandCapped ? demandAll : demandFree;

  const size = efs ? efs.fileSystem.sizeStandardBytes : null;
  const mode = efs ? efs.fileSystem.throughputMode : null;
  const baseline = size === null ? null : baselineFor(size);
  const permitted = lastValue(m.permitted_throughput);
  const credits = m.burst_credit_balance;
  const forecast = forecastExhaustion(credits, 180);
  const creditBytes = lastValue(credits);
  const creditValues =
    credits?.values.filter((v): v is number => v !== null) ?? [];
  const creditMax = creditValues.length ? Math.max(...creditValues) : null;
  const creditsNearZero =
    mode === 'bursting' &&
    creditBytes !== null &&
    creditBytes <= Math.max(64 * MiB, (baseline ?? MiB) * 600);
  const permittedAtBaseline =
    mode === 'bursting' &&
    permitted !== null &&
    baseline !== null &&
    permitted <= baseline * 1.1;

  let ioMinutes = 0;
  let ioMax: number | null = null;
  for (const v of m.percent_io_limit?.values ?? []) {
    if (v === null) continue;
    ioMax = Math.max(ioMax ?? 0, v);
    if (v >= IO_LIMIT_PERCENT) ioMinutes += periodMinutes;
  }

  const lf = evidence.langfuse.available ? evidence.langfuse : null;
  // The exact count (Logs Insights) when the collector got one. Otherwise
  // log lines and Langfuse's own counter see the same drops: take the
  // larger (the filters count a v3.148+ batch line once).
  const exact =
    lf?.droppedRecordsCount?.source === 'logs-insights'
      ? lf.droppedRecordsCount.series
      : undefined;
  const dropped = lf
    ? exact
      ? (sum(exact) ?? 0)
      : Math.max(
          sum(lf.metrics.langfuse_dropped_records) ?? 0,
          sum(lf.metrics.langfuse_writer_errors) ?? 0,
        )
    : null;
  const droppedSource: Signals['droppedRecordsSource'] = !lf
    ? null
    : exact
      ? 'logs-insights'
      : 'metric-filter';
  const timeouts = lf ? sum(lf.metrics.langfuse_clickhouse_timeouts) : null;
  let lfOnset: number | null = null;
  const lfPerPeriod: number[] = [];
  if (lf) {
    const d = (exact ?? lf.metrics.langfuse_dropped_records)?.values ?? [];
    const t = lf.metrics.langfuse_clickhouse_timeouts?.values ?? [];
    const n = Math.max(d.length, t.length);
    const lfPeriodMinutes = lf.periodSeconds / 60;
    for (let i = 0; i < n; i++) {
      const errors = (d[i] ?? 0) + (t[i] ?? 0);
      lfPerPeriod.push(errors);
      if (errors > 0 && lfOnset === null) lfOnset = i * lfPeriodMinutes;
    }
  }
  const correlation =
    lfPerPeriod.length && pinnedFlags.length
      ? pearson(pinnedFlags, lfPerPeriod)
      : null;

  const ch = evidence.clickhouse;
  return {
    efsAvailable: Boolean(efs),
    mode,
    performanceMode: efs ? efs.fileSystem.performanceMode : null,
    oneZone: Boolean(efs?.fileSystem.availabilityZoneName),
    sizeStandardBytes: size,
    provisionedMibps: efs?.fileSystem.provisionedThroughputMibps ?? null,
    periodSeconds,
    dataPoints: known.length,
    baselineBytesPerSecond: baseline,
    burstBytesPerSecond: size === null ? null : burstBytesPerSecondFor(size),
    permittedBytesPerSecond: permitted,
    permittedAtBaseline,
    utilization,
    utilizationMaxPercent: known.length ? Math.max(...known) : null,
    utilizationMedianPercent: quantile(known, 0.5),
    pinnedMinutes: pinnedPeriods * periodMinutes,
    pinnedOnsetMinute: onset,
    pinnedLongestMinutes: longest * periodMinutes,
    demandP95BytesPerSecond: quantile(demand, 0.95),
    demandBytesPerSecond: demand,
    demandCapped,
    creditBytes,
    creditMaxBytes: creditMax,
    creditSlopeBytesPerMinute: forecast.slopeBytesPerMinute,
    forecastMinutesToZero: forecast.minutesToZero,
    creditsNearZero,
    percentIoLimitMax: ioMax,
    ioLimitMinutes: ioMinutes,
    readBytes: sum(m.data_read_io_bytes),
    writeBytes: sum(m.data_write_io_bytes),
    metadataBytes: sum(m.metadata_io_bytes),
    windowMinutes,
    langfuseAvailable: Boolean(lf),
    droppedRecords: dropped,
    droppedRecordsSource: droppedSource,
    clickhouseTimeouts: timeouts,
    langfuseOnsetMinute: lfOnset,
    langfuseLagMinutes:
      lfOnset !== null && onset !== null ? lfOnset - onset : null,
    langfuseCorrelation: correlation,
    clickhouseAvailable: ch.available,
    clickhouseReason: ch.available ? null : ch.reason,
    clickhouseConfigured:
      ch.available || !/no ClickHouse endpoint/.test(ch.reason),
  };
}

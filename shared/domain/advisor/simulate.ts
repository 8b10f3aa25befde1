/**
 * Each EFS throughput mode replayed on an observed demand trace, period by
 * period, with the rules AWS states:
 *
 * - Bursting: credits accrue at the baseline (50 KiB/s per GiB of Standard
 *   storage, 1 MiB/s at least) while metered throughput is below it and are
 *   spent above it, capped at the maximum balance (2.1 TiB, or 2.1 TiB per
 *   TiB stored); while credits last the file system may burst to 100 MiB/s
 *   (100 MiB/s per TiB above 1 TiB); at zero credits permitted throughput
 *   falls to the baseline. EFS user guide, "Amazon EFS Performance"
 *   (awsdocs/amazon-efs-user-guide `doc_source/performance.md`); re:Post
 *   knowledge center `efs-choosing-correct-throughput-mode` for the 1 MiB/s
 *   every file system gets.
 * - Provisioned: serves up to its setting, or up to the Bursting baseline
 *   when the storage allows more ("if the amount of storage allows your
 *   file system to drive a higher amount of throughput than you
 *   provisioned", PermittedThroughput reflects the higher one: EFS user
 *   guide, CloudWatch metrics). Billed for the throughput provisioned in
 *   excess of what the Standard storage entitles, 50 KiB/s per GiB, with
 *   no 1 MiB/s floor: that minimum is a performance floor, not a billing
 *   credit ("billed ... based on the average throughput provisioned in
 *   excess of what your EFS Standard storage allows": re:Post
 *   https://repost.aws/questions/QU7xlbWYDzQYu1F7w2nDYe8A, pointing to
 *   https://aws.amazon.com/efs/pricing/ Example 3; the 1 MiB/s minimum
 *   applies "when burst credits are exhausted": AWS What's New, 2020-06-30,
 *   "Amazon EFS increases file system minimum throughput").
 * - Elastic: no throttling within its limits (GiB/s, far above a Langfuse
 *   load); billed per GB of data and metadata read and written (re:Post
 *   article "How do I estimate Elastic Throughput mode costs for Amazon
 *   EFS": DataReadIOBytes, MetadataReadIOBytes, DataWriteIOBytes,
 *   MetadataWriteIOBytes).
 *
 * Demand for Bursting and Provisioned is metered throughput (reads count at
 * one third: CloudWatch's MeteredIOBytes), for Elastic's bill the bytes
 * moved. Pure and allocation-light: 14 days of 1-minute data for 50 file
 * systems fit one Lambda (bench/advisor.ts).
 */

import type { FileSystemFacts } from '../contracts.ts';
import {
  burstBytesPerSecondFor,
  maxBurstCreditBytesFor,
} from '../efs-rules.ts';
import type { PriceTable } from '../pricing.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const GB = 1e9;

/** The month costs are given for: 30 days, as burstguard's cards use. */
export const MONTH_SECONDS = 30 * 24 * 3600;

/**
 * What the Standard storage entitles: 50 KiB/s per GiB, no floor. The
 * Provisioned bill is for throughput above it.
 */
export function storageEntitledBytesPerSecond(
  sizeStandardBytes: number,
): number {
  return (sizeStandardBytes / GiB) * 50 * KiB;
}

/** Bursting baseline: 50 KiB/s per GiB of Standard storage, 1 MiB/s floor. */
export function burstingBaselineBytesPerSecond(
  sizeStandardBytes: number,
): number {
  return Math.max(MiB, storageEntitledBytesPerSecond(sizeStandardBytes));
}

/**
 * An observed demand trace: bytes per period, one entry per period from
 * `start`. NaN marks a period with no datapoint.
 */
export type DemandTrace = {
  periodSeconds: number;
  /** ISO 8601 time of the first period. */
  start: string;
  /** DataReadIOBytes Sum per period. */
  readBytes: Float64Array;
  /** DataWriteIOBytes Sum per period. */
  writeBytes: Float64Array;
  /** MetadataIOBytes Sum per period (reads and writes together). */
  metadataBytes: Float64Array;
  /** MeteredIOBytes Sum per period, when CloudWatch had it. */
  meteredBytes?: Float64Array;
  /** PermittedThroughput per period (bytes/s), when known. */
  permittedBytesPerSecond?: Float64Array;
  /** BurstCreditBalance (Minimum) per period, when known. */
  creditBytes?: Float64Array;
};

/** The facts of the file system the trace came from that matter here. */
export type AdvisedFileSystem = Pick<
  FileSystemFacts,
  | 'fileSystemId'
  | 'name'
  | 'throughputMode'
  | 'performanceMode'
  | 'provisionedThroughputMibps'
  | 'sizeStandardBytes'
>;

/** Metered demand per period, bytes per second (NaN: no data). */
export function meteredDemand(trace: DemandTrace): Float64Array {
  const n = trace.readBytes.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const metered = trace.meteredBytes?.[i];
    out[i] =
      metered !== undefined && Number.isFinite(metered)
        ? metered / trace.periodSeconds
        : // Reads are metered at one third of the rate of other requests.
          ((trace.readBytes[i] as number) / 3 +
            (trace.writeBytes[i] as number) +
            (trace.metadataBytes[i] as number)) /
          trace.periodSeconds;
  }
  return out;
}

/** What one mode would have done over the trace. */
export type ModeOutcome = {
  mode: 'bursting' | 'provisioned' | 'elastic';
  provisionedMibps?: number;
  monthlyUsd: number;
  /** Minutes whose demand the mode would not have served. */
  throttledMinutes: number;
  /** Monthly cost split, for the digest and the hand-worked test. */
  costs: { storageUsd: number; throughputUsd: number };
  /** Why the figure is what it is. */
  basis: string;
};

export type BurstingOutcome = ModeOutcome & {
  mode: 'bursting';
  /** Earned while below it; permitted at zero credits. */
  baselineBytesPerSecond: number;
  /** Permitted while credits last. */
  burstBytesPerSecond: number;
  initialCreditBytes: number;
  lowestCreditBytes: number;
  maxCreditBytes: number;
  /** When the lowest balance was reached (ISO 8601). */
  lowestAt: string;
  /** The largest fall of the balance within one UTC day, bytes. */
  worstDayDrainBytes: number;
  /**
   * How many days like the worst one the balance at the end of the trace
   * lasts; null when no day drained credits.
   */
  daysOfHeadroom: number | null;
  finalCreditBytes: number;
  /**
   * Days until the balance at the end is gone if it keeps changing as on
   * the median whole UTC day of the trace (the window start to end, per
   * day, when the trace holds no whole day); null when that median day did
   * not lose credits. A single bad day does not make the forecast: a
   * balance that refills on most days is not running out.
   */
  daysUntilEmpty: number | null;
  /** The median whole day's net change of the balance, bytes (or null). */
  medianDailyChangeBytes: number | null;
  /** The simulated balance per period (for the digest's chart). */
  creditSeries?: Float64Array;
};

function storageUsd(facts: AdvisedFileSystem, prices: PriceTable): number {
  return (facts.sizeStandardBytes / GB) * prices.standardStorageUsdPerGbMonth;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function traceSeconds(trace: DemandTrace): number {
  return trace.readBytes.length * trace.periodSeconds;
}

function finite(x: number | undefined): number {
  return x !== undefined && Number.isFinite(x) ? x : 0;
}

/** Elastic: what the bytes moved would have been billed. */
export function simulateElastic(
  trace: DemandTrace,
  facts: AdvisedFileSystem,
  prices: PriceTable,
): ModeOutcome {
  let read = 0;
  let write = 0;
  for (let i = 0; i < trace.readBytes.length; i++) {
    read += finite(trace.readBytes[i]);
    // Metadata is not split into reads and writes in the recording: it is
    // billed here at the write price, the higher one.
    write += finite(trace.writeBytes[i]) + finite(trace.metadataBytes[i]);
  }
  const scale = MONTH_SECONDS / Math.max(1, traceSeconds(trace));
  const readGb = (read * scale) / GB;
  const writeGb = (write * scale) / GB;
  const throughput =
    readGb * prices.elasticReadUsdPerGb + writeGb * prices.elasticWriteUsdPerGb;
  const storage = storageUsd(facts, prices);
  return {
    mode: 'elastic',
    monthlyUsd: round2(throughput + storage),
    throttledMinutes: 0,
    costs: { storageUsd: round2(storage), throughputUsd: round2(throughput) },
    basis: `${readGb.toFixed(1)} GB read and ${writeGb.toFixed(1)} GB written (data and metadata) a month at this trace's rate, plus storage`,
  };
}

/**
 * Provisioned at `mibps`: throttled where metered demand exceeds it, and,
 * for the current mode, where `capped` marks a period pinned at what the
 * file system permitted (there demand was held down, not served).
 */
export function simulateProvisioned(
  trace: DemandTrace,
  facts: AdvisedFileSystem,
  prices: PriceTable,
  mibps: number,
  demand: Float64Array = meteredDemand(trace),
  capped?: Uint8Array,
): ModeOutcome {
  const baseline = burstingBaselineBytesPerSecond(facts.sizeStandardBytes);
  const permitted = Math.max(mibps * MiB, baseline);
  let throttled = 0;
  for (let i = 0; i < demand.length; i++) {
    if ((demand[i] as number) > permitted || capped?.[i]) throttled++;
  }
  const entitled = storageEntitledBytesPerSecond(facts.sizeStandardBytes);
  const billedMibps = Math.max(0, mibps - entitled / MiB);
  const throughput = billedMibps * prices.provisionedUsdPerMibpsMonth;
  const storage = storageUsd(facts, prices);
  return {
    mode: 'provisioned',
    provisionedMibps: mibps,
    monthlyUsd: round2(throughput + storage),
    throttledMinutes: (throttled * trace.periodSeconds) / 60,
    costs: { storageUsd: round2(storage), throughputUsd: round2(throughput) },
    basis: `${mibps} MiB/s, billed for ${billedMibps.toFixed(2)} MiB/s above the ${(entitled / MiB).toFixed(2)} MiB/s the storage entitles (50 KiB/s per GiB), plus storage`,
  };
}

const DAY_MS = 86_400_000;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Bursting: the credit balance replayed period by period. It starts at
 * `initialCreditBytes` (the observed balance when the file system is
 * Bursting now; else the maximum, which a file system at rest reaches).
 */
export function simulateBursting(
  trace: DemandTrace,
  facts: AdvisedFileSystem,
  prices: PriceTable,
  options: {
    initialCreditBytes?: number;
    demand?: Float64Array;
    keepSeries?: boolean;
    /** Periods pinned at the observed limit (the current mode only). */
    capped?: Uint8Array;
  } = {},
): BurstingOutcome {
  const demand = options.demand ?? meteredDemand(trace);
  const dt = trace.periodSeconds;
  const baseline = burstingBaselineBytesPerSecond(facts.sizeStandardBytes);
  const burst = Math.max(
    baseline,
    burstBytesPerSecondFor(facts.sizeStandardBytes),
  );
  const max = maxBurstCreditBytesFor(facts.sizeStandardBytes);
  const initial = Math.min(max, Math.max(0, options.initialCreditBytes ?? max));
  const series = options.keepSeries
    ? new Float64Array(demand.length)
    : undefined;
  const start = Date.parse(trace.start);
  let balance = initial;
  let lowest = initial;
  let lowestIndex = 0;
  let throttled = 0;
  let day = Math.floor(start / DAY_MS);
  let dayStart = balance;
  let dayLow = balance;
  let worstDay = 0;
  // Net change of each whole UTC day (all its periods in the trace).
  const periodsPerDay = 86_400 / dt;
  const dailyChanges: number[] = [];
  let dayPeriods = 0;
  const closeDay = () => {
    worstDay = Math.max(worstDay, dayStart - dayLow);
    if (dayPeriods === periodsPerDay) dailyChanges.push(balance - dayStart);
  };
  for (let i = 0; i < demand.length; i++) {
    const thisDay = Math.floor((start + i * dt * 1000) / DAY_MS);
    if (thisDay !== day) {
      closeDay();
      day = thisDay;
      dayStart = balance;
      dayLow = balance;
      dayPeriods = 0;
    }
    dayPeriods++;
    const d = demand[i] as number;
    const wanted = Number.isFinite(d) ? d : 0;
    // Above the baseline the credits pay for the excess, at most the burst
    // rate, and only as long as they last within the period.
    const allowed = Math.min(
      burst,
      Math.max(baseline, baseline + balance / dt),
    );
    const served = Math.min(wanted, allowed);
    if (wanted > allowed * (1 + 1e-9) || options.capped?.[i]) throttled++;
    balance = Math.min(max, Math.max(0, balance + (baseline - served) * dt));
    if (balance < lowest) {
      lowest = balance;
      lowestIndex = i;
    }
    dayLow = Math.min(dayLow, balance);
    if (series) series[i] = balance;
  }
  closeDay();
  const storage = storageUsd(facts, prices);
  const daysOfHeadroom = worstDay > 0 ? balance / worstDay : null;
  const days = (demand.length * dt) / 86_400;
  const medianDailyChange =
    dailyChanges.length > 0
      ? median(dailyChanges)
      : days > 0
        ? (balance - initial) / days
        : null;
  const daysUntilEmpty =
    medianDailyChange !== null && medianDailyChange < 0
      ? balance / -medianDailyChange
      : null;
  return {
    mode: 'bursting',
    monthlyUsd: round2(storage),
    throttledMinutes: (throttled * dt) / 60,
    costs: { storageUsd: round2(storage), throughputUsd: 0 },
    basis: `storage only; baseline ${(baseline / MiB).toFixed(2)} MiB/s, burst ${(burst / MiB).toFixed(0)} MiB/s while credits last`,
    baselineBytesPerSecond: baseline,
    burstBytesPerSecond: burst,
    initialCreditBytes: initial,
    lowestCreditBytes: lowest,
    maxCreditBytes: max,
    lowestAt: new Date(start + lowestIndex * dt * 1000).toISOString(),
    worstDayDrainBytes: worstDay,
    daysOfHeadroom,
    finalCreditBytes: balance,
    daysUntilEmpty,
    medianDailyChangeBytes: medianDailyChange,
    ...(series ? { creditSeries: series } : {}),
  };
}

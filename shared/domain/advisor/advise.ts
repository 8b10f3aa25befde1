/**
 * The throughput-mode advice for one file system: every mode simulated on
 * the observed demand (simulate.ts), Provisioned sized by the one rule
 * (sizing.ts), and the cheapest mode that would not have throttled more
 * than the tolerance recommended, with its saving or cost, the throttled
 * minutes it would have caused, the 24 h rule that follows and a
 * confidence. Pure.
 */
import type { MetricDataResult } from '../aws-shapes.ts';
import { toEpochMs } from '../aws-shapes.ts';
import { formatBytes } from '../diagnosis/forecast.ts';
import {
  EFS_WAIT_AFTER_ELASTIC,
  EFS_WAIT_AFTER_PROVISIONED,
  elasticAllowed,
  MAX_IO_NO_ELASTIC,
} from '../efs-rules.ts';
import type { PriceTable } from '../pricing.ts';
import {
  type AdvisedFileSystem,
  type BurstingOutcome,
  type DemandTrace,
  type ModeOutcome,
  meteredDemand,
  simulateBursting,
  simulateElastic,
  simulateProvisioned,
} from './simulate.ts';
import {
  DEFAULT_SIZING,
  type ProvisionedSize,
  type SizingRule,
  sizeProvisioned,
  withCappedFloor,
} from './sizing.ts';

/** The advisor's settings (the configuration's `advisor` section). */
export type AdvisorSettings = SizingRule & {
  /** A switch must save at least this much a month to be advised. */
  minimumMonthlySavingUsd: number;
  /** Bursting is warned when its balance fell below this share of the max. */
  creditWarnPercent: number;
};

export const DEFAULT_ADVISOR: AdvisorSettings = {
  ...DEFAULT_SIZING,
  minimumMonthlySavingUsd: 5,
  creditWarnPercent: 20,
};

/** Where the prices came from, as the output says it. */
export type PriceProvenance = {
  table: PriceTable;
  /**
   * `price-list`: read from the AWS Price List API (or its dated cache);
   * `built-in`: the dated table in shared/domain/pricing.ts, used offline.
   */
  origin: 'price-list' | 'price-list-cache' | 'built-in';
  /** Why the built-in table was used, or that figures are estimates. */
  note?: string;
};

export type ModeLine = {
  mode: 'bursting' | 'provisioned' | 'elastic';
  provisionedMibps?: number;
  monthlyUsd: number;
  throttledMinutes: number;
  basis: string;
  /** Bursting only. */
  lowestCreditBytes?: number;
  lowestCreditPercent?: number;
  daysOfHeadroom?: number | null;
  /** Bursting only: days until empty at the trace's net drain, or null. */
  daysUntilEmpty?: number | null;
  /** Provisioned only: the size rule's line. */
  sizing?: string;
};

export type Advice = {
  fileSystemId: string;
  name?: string;
  current: {
    mode: 'bursting' | 'provisioned' | 'elastic';
    provisionedMibps?: number;
    monthlyUsd: number;
    throttledMinutes: number;
  };
  modes: ModeLine[];
  recommendation: {
    mode: 'bursting' | 'provisioned' | 'elastic';
    provisionedMibps?: number;
    /** Positive: cheaper than now; negative: the cost of the change. */
    monthlySavingUsd: number;
    throttledMinutes: number;
    /** 0..1, see {@link confidenceOf}. */
    confidence: number;
    action: 'keep' | 'switch' | 'raise' | 'lower';
    summary: string;
    /** The 24 h rule that follows the change, when there is one. */
    rule24h?: string;
    warnings: string[];
  };
  window: {
    start: string;
    end: string;
    days: number;
    periodSeconds: number;
    /** Share of periods with data, 0..1. */
    coverage: number;
  };
  tolerance: { percent: number; minutes: number };
  prices: {
    region: string;
    asOf: string;
    source: string;
    origin: PriceProvenance['origin'];
    estimate: boolean;
    note?: string;
  };
};

const MiB = 1024 * 1024;

/**
 * A Bursting balance forecast to run out sooner than this (at the median
 * day's net drain) is warned; it rejects Bursting only together with
 * throttled minutes or a balance below the credit floor.
 */
export const SUSTAINABLE_DAYS = 30;

/**
 * A demand trace from GetMetricData results with the recording format's
 * Ids (data_read_io_bytes, data_write_io_bytes, metadata_io_bytes,
 * metered_io_bytes, permitted_throughput, burst_credit_balance), placed on
 * the grid `start` + i × period. Throws when there is no read or write
 * series: without them there is nothing to simulate.
 */
export function traceFromMetricData(
  results: readonly MetricDataResult[],
  grid: { start: Date; points: number },
  periodSeconds: number,
): DemandTrace {
  const place = (id: string): Float64Array | undefined => {
    const result = results.find((r) => r.Id === id);
    const ts = result?.Timestamps ?? [];
    if (!result || ts.length === 0) return undefined;
    const out = new Float64Array(grid.points).fill(Number.NaN);
    const t0 = grid.start.getTime();
    const periodMs = periodSeconds * 1000;
    const values = result.Values ?? [];
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i];
      const v = values[i];
      if (t === undefined || v === undefined || !Number.isFinite(v)) continue;
      const slot = Math.round((toEpochMs(t) - t0) / periodMs);
      if (slot >= 0 && slot < grid.points) out[slot] = v;
    }
    return out;
  };
  const read = place('data_read_io_bytes');
  const write = place('data_write_io_bytes');
  if (!read || !write) {
    throw new Error(
      'no DataReadIOBytes and DataWriteIOBytes data for the window: nothing to simulate',
    );
  }
  const metadata =
    place('metadata_io_bytes') ?? new Float64Array(grid.points).fill(0);
  const metered = place('metered_io_bytes');
  const permitted = place('permitted_throughput');
  const credits = place('burst_credit_balance');
  return {
    periodSeconds,
    start: grid.start.toISOString(),
    readBytes: read,
    writeBytes: write,
    metadataBytes: metadata,
    ...(metered ? { meteredBytes: metered } : {}),
    ...(permitted ? { permittedBytesPerSecond: permitted } : {}),
    ...(credits ? { creditBytes: credits } : {}),
  };
}

function coverageOf(trace: DemandTrace): number {
  const n = trace.readBytes.length;
  let known = 0;
  for (let i = 0; i < n; i++) {
    if (
      Number.isFinite(trace.readBytes[i]) &&
      Number.isFinite(trace.writeBytes[i])
    ) {
      known++;
    }
  }
  return n === 0 ? 0 : known / n;
}

/**
 * The periods where demand sat at the current permitted limit (at or above
 * 95% of PermittedThroughput): there the real demand is unknown, only what
 * was allowed. `rate` is the highest permitted rate demand was pinned at.
 */
export function cappedPeriods(
  trace: DemandTrace,
  demand: Float64Array,
): { mask: Uint8Array; count: number; share: number; rate: number } {
  const mask = new Uint8Array(demand.length);
  const permitted = trace.permittedBytesPerSecond;
  let count = 0;
  let known = 0;
  let rate = 0;
  if (permitted) {
    for (let i = 0; i < demand.length; i++) {
      const d = demand[i] as number;
      const p = permitted[i] as number;
      if (!Number.isFinite(d) || !Number.isFinite(p) || p <= 0) continue;
      known++;
      if (d >= 0.95 * p) {
        mask[i] = 1;
        count++;
        rate = Math.max(rate, p);
      }
    }
  }
  return { mask, count, share: known === 0 ? 0 : count / known, rate };
}

/**
 * The confidence of the advice, 0..1: the product of
 * - coverage: the share of periods with read and write data;
 * - 1 − the share of periods pinned at the current limit (there the real
 *   demand is unknown, only what was allowed);
 * - resolution: 1 for 1-minute data, 0.9 for coarser (averages hide the
 *   minute peaks the sizing rule reads);
 * - margin: 0.5 + 0.5 × min(1, gap / 50 %), where gap is how much cheaper
 *   the recommendation is than the next acceptable option (relative to
 *   that option's cost): a close call is a weaker call.
 */
export function confidenceOf(parts: {
  coverage: number;
  cappedShare: number;
  periodSeconds: number;
  relativeGap: number;
}): number {
  const resolution = parts.periodSeconds <= 60 ? 1 : 0.9;
  const margin = 0.5 + 0.5 * Math.min(1, Math.max(0, parts.relativeGap) / 0.5);
  const value = parts.coverage * (1 - parts.cappedShare) * resolution * margin;
  return Math.round(Math.max(0, Math.min(1, value)) * 100) / 100;
}

function provisionedLine(
  outcome: ModeOutcome,
  size: ProvisionedSize,
): ModeLine {
  return {
    mode: 'provisioned',
    provisionedMibps: outcome.provisionedMibps,
    monthlyUsd: outcome.monthlyUsd,
    throttledMinutes: outcome.throttledMinutes,
    basis: outcome.basis,
    sizing: size.basis,
  };
}

function burstingLine(b: BurstingOutcome): ModeLine {
  return {
    mode: 'bursting',
    monthlyUsd: b.monthlyUsd,
    throttledMinutes: b.throttledMinutes,
    basis: b.basis,
    lowestCreditBytes: Math.round(b.lowestCreditBytes),
    lowestCreditPercent:
      Math.round((b.lowestCreditBytes / b.maxCreditBytes) * 1000) / 10,
    daysOfHeadroom:
      b.daysOfHeadroom === null ? null : Math.round(b.daysOfHeadroom * 10) / 10,
    daysUntilEmpty:
      b.daysUntilEmpty === null ? null : Math.round(b.daysUntilEmpty * 10) / 10,
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The first observed credit balance, when the trace has one. */
function firstCredits(trace: DemandTrace): number | undefined {
  const credits = trace.creditBytes;
  if (!credits) return undefined;
  for (let i = 0; i < credits.length; i++) {
    const v = credits[i] as number;
    if (Number.isFinite(v)) return v;
  }
  return undefined;
}

/** The advice for one file system on one trace. */
export function advise(input: {
  trace: DemandTrace;
  fileSystem: AdvisedFileSystem;
  prices: PriceProvenance;
  settings?: AdvisorSettings;
}): Advice & { bursting: BurstingOutcome; size: ProvisionedSize | null } {
  const { trace, fileSystem: fs, prices } = input;
  const settings = input.settings ?? DEFAULT_ADVISOR;
  const table = prices.table;
  const demand = meteredDemand(trace);
  const periodMinutes = trace.periodSeconds / 60;
  const n = demand.length;
  const toleranceMinutes =
    Math.floor((n * settings.tolerancePercent) / 100) * periodMinutes;

  // Demand pinned at the current limit was held down, not served: in the
  // current mode those periods count as throttled, and when there are
  // more of them than the tolerance the size cannot come from the demand
  // seen alone (sizing.ts withCappedFloor, the incident card's floor).
  const capped = cappedPeriods(trace, demand);
  const cappedMaterial = capped.count > toleranceMinutes / periodMinutes;
  const demandSize = sizeProvisioned(demand, trace.periodSeconds, settings);
  const size =
    demandSize && cappedMaterial
      ? withCappedFloor(demandSize, capped.rate, settings)
      : demandSize;
  const bursting = simulateBursting(trace, fs, table, {
    demand,
    keepSeries: true,
    ...(fs.throughputMode === 'bursting'
      ? { initialCreditBytes: firstCredits(trace), capped: capped.mask }
      : {}),
  });
  const elasticOk = elasticAllowed(fs.performanceMode);
  const elastic = elasticOk ? simulateElastic(trace, fs, table) : undefined;
  const sized = size
    ? simulateProvisioned(trace, fs, table, size.mibps, demand)
    : undefined;
  const currentProvisioned =
    fs.throughputMode === 'provisioned' &&
    fs.provisionedThroughputMibps !== undefined
      ? simulateProvisioned(
          trace,
          fs,
          table,
          fs.provisionedThroughputMibps,
          demand,
          capped.mask,
        )
      : undefined;

  const modes: ModeLine[] = [];
  if (elastic) {
    modes.push({
      mode: 'elastic',
      monthlyUsd: elastic.monthlyUsd,
      throttledMinutes: 0,
      basis: elastic.basis,
    });
  }
  if (sized && size) modes.push(provisionedLine(sized, size));
  if (
    currentProvisioned &&
    currentProvisioned.provisionedMibps !== sized?.provisionedMibps
  ) {
    modes.push({
      mode: 'provisioned',
      provisionedMibps: currentProvisioned.provisionedMibps,
      monthlyUsd: currentProvisioned.monthlyUsd,
      throttledMinutes: currentProvisioned.throttledMinutes,
      basis: `${currentProvisioned.basis} (the current setting)`,
    });
  }
  modes.push(burstingLine(bursting));

  const currentOutcome: ModeOutcome =
    fs.throughputMode === 'elastic' && elastic
      ? elastic
      : fs.throughputMode === 'provisioned' && currentProvisioned
        ? currentProvisioned
        : bursting;

  const lowestPercent =
    (bursting.lowestCreditBytes / bursting.maxCreditBytes) * 100;
  // Bursting should also hold up beyond the trace: a balance that loses
  // credits on the median day runs out at that pace. For a file system on
  // Bursting now that throttled nothing and stayed above the credit floor,
  // that forecast alone does not make the advice leave Bursting: it is
  // warned, with its days of headroom. A switch *to* Bursting is never
  // advised into a balance forecast to run out within SUSTAINABLE_DAYS.
  const drainsOut =
    bursting.daysUntilEmpty !== null &&
    bursting.daysUntilEmpty < SUSTAINABLE_DAYS;
  const forecastAlone =
    fs.throughputMode === 'bursting' && bursting.throttledMinutes === 0;
  const burstingSafe =
    bursting.throttledMinutes <= toleranceMinutes &&
    lowestPercent >= settings.creditWarnPercent &&
    (!drainsOut || forecastAlone);
  type Candidate = {
    outcome: ModeOutcome;
    acceptable: boolean;
  };
  const candidates: Candidate[] = [
    ...(elastic ? [{ outcome: elastic, acceptable: true }] : []),
    ...(sized
      ? [
          {
            outcome: sized,
            acceptable: sized.throttledMinutes <= toleranceMinutes,
          },
        ]
      : []),
    { outcome: bursting, acceptable: burstingSafe },
  ];
  const acceptable = candidates
    .filter((c) => c.acceptable)
    .map((c) => c.outcome)
    .sort((a, b) => a.monthlyUsd - b.monthlyUsd);
  const currentAcceptable =
    currentOutcome === bursting
      ? burstingSafe
      : currentOutcome.throttledMinutes <= toleranceMinutes;

  const warnings: string[] = [];
  if (!elasticOk) warnings.push(MAX_IO_NO_ELASTIC);
  if (fs.throughputMode === 'bursting' && drainsOut) {
    warnings.push(
      `Bursting: the credit balance loses ${formatBytes(-(bursting.medianDailyChangeBytes ?? 0))} on the median day; at that pace it is gone in ${(bursting.daysUntilEmpty ?? 0).toFixed(1)} days; ${bursting.daysOfHeadroom === null ? 'no day drained credits' : `${bursting.daysOfHeadroom.toFixed(1)} days of headroom at the worst day's drain`}`,
    );
  }
  if (
    fs.throughputMode === 'bursting' &&
    (bursting.throttledMinutes > toleranceMinutes ||
      lowestPercent < settings.creditWarnPercent)
  ) {
    warnings.push(
      `Bursting: credits fell to ${formatBytes(bursting.lowestCreditBytes)} (${lowestPercent.toFixed(0)}% of ${formatBytes(bursting.maxCreditBytes)}) at ${bursting.lowestAt}${bursting.throttledMinutes > 0 ? `, ${bursting.throttledMinutes} min throttled` : ''}; ${bursting.daysOfHeadroom === null ? 'no day drained credits' : `${bursting.daysOfHeadroom.toFixed(1)} days of headroom at the worst day's drain`}`,
    );
  }

  // Keep the current mode unless another acceptable one saves enough, or
  // the current one is not acceptable.
  const best = acceptable[0];
  let chosen: ModeOutcome = currentOutcome;
  if (!currentAcceptable && best) chosen = best;
  else if (
    best &&
    best !== currentOutcome &&
    currentOutcome.monthlyUsd - best.monthlyUsd >=
      settings.minimumMonthlySavingUsd
  ) {
    chosen = best;
  }
  // The same mode at another size is the Provisioned resize.
  const sameMode = chosen.mode === fs.throughputMode;
  let action: Advice['recommendation']['action'] = 'switch';
  if (sameMode && chosen.mode !== 'provisioned') action = 'keep';
  else if (sameMode) {
    const now = fs.provisionedThroughputMibps ?? 0;
    const next = chosen.provisionedMibps ?? now;
    action = next > now ? 'raise' : next < now ? 'lower' : 'keep';
  }
  const runnerUp = acceptable.find((o) => o !== chosen);
  const relativeGap =
    runnerUp && runnerUp.monthlyUsd > 0
      ? (runnerUp.monthlyUsd - chosen.monthlyUsd) / runnerUp.monthlyUsd
      : 1;
  const coverage = coverageOf(trace);
  const confidence = confidenceOf({
    coverage,
    cappedShare: capped.share,
    periodSeconds: trace.periodSeconds,
    relativeGap,
  });
  const saving = round2(currentOutcome.monthlyUsd - chosen.monthlyUsd);
  const label = (o: ModeOutcome) =>
    o.mode === 'provisioned'
      ? `Provisioned ${o.provisionedMibps} MiB/s`
      : o.mode === 'elastic'
        ? 'Elastic'
        : 'Bursting';
  const money = (x: number) => `$${Math.abs(x).toFixed(2)}/month`;
  const consequence =
    saving >= 0 ? `saves ${money(saving)}` : `costs ${money(saving)} more`;
  const throttleText = `${chosen.throttledMinutes} min throttled over ${((n * periodMinutes) / 1440).toFixed(0)} days`;
  let summary: string;
  if (action === 'keep') {
    summary = currentAcceptable
      ? `keep ${label(chosen)}: ${throttleText}; no acceptable mode saves ${money(settings.minimumMonthlySavingUsd)} or more`
      : `keep ${label(chosen)}: no mode would have served this demand within the tolerance`;
  } else if (action === 'raise' || action === 'lower') {
    summary = `${action} Provisioned from ${fs.provisionedThroughputMibps} to ${chosen.provisionedMibps} MiB/s: ${consequence}, ${throttleText}`;
  } else {
    summary = `${fs.throughputMode === 'bursting' ? 'leave Bursting: ' : ''}switch to ${label(chosen)}: ${consequence}, ${throttleText}`;
  }
  // A change to or within Provisioned (a switch, a raise, a decrease, a
  // switch away) meets the Provisioned rule; a switch between Bursting
  // and Elastic the Elastic one.
  const touchesProvisioned =
    chosen.mode === 'provisioned' || fs.throughputMode === 'provisioned';
  const rule24h =
    action === 'keep'
      ? undefined
      : touchesProvisioned
        ? EFS_WAIT_AFTER_PROVISIONED
        : EFS_WAIT_AFTER_ELASTIC;
  if (cappedMaterial && fs.throughputMode !== 'elastic') {
    warnings.push(
      `true demand is unknown: it sat at the permitted ${formatBytes(capped.rate)}/s in ${capped.count * periodMinutes} of ${n * periodMinutes} min, so what was seen is what was allowed; those minutes count as throttled, and Provisioned is sized at least ${settings.headroomPercent}% above that rate, which may still be short`,
    );
  }
  if (!currentAcceptable && fs.throughputMode !== 'bursting') {
    warnings.push(
      `${label(currentOutcome)} would have throttled ${currentOutcome.throttledMinutes} min, above the tolerated ${toleranceMinutes} min`,
    );
  }
  const end = new Date(
    Date.parse(trace.start) + n * trace.periodSeconds * 1000,
  ).toISOString();
  return {
    fileSystemId: fs.fileSystemId,
    ...(fs.name ? { name: fs.name } : {}),
    current: {
      mode: fs.throughputMode,
      ...(fs.throughputMode === 'provisioned' &&
      fs.provisionedThroughputMibps !== undefined
        ? { provisionedMibps: fs.provisionedThroughputMibps }
        : {}),
      monthlyUsd: currentOutcome.monthlyUsd,
      throttledMinutes: currentOutcome.throttledMinutes,
    },
    modes,
    recommendation: {
      mode: chosen.mode,
      ...(chosen.mode === 'provisioned'
        ? { provisionedMibps: chosen.provisionedMibps }
        : {}),
      monthlySavingUsd: saving,
      throttledMinutes: chosen.throttledMinutes,
      confidence,
      action,
      summary,
      ...(rule24h ? { rule24h } : {}),
      warnings,
    },
    window: {
      start: trace.start,
      end,
      days: Math.round(((n * trace.periodSeconds) / 86400) * 100) / 100,
      periodSeconds: trace.periodSeconds,
      coverage: Math.round(coverage * 1000) / 1000,
    },
    tolerance: {
      percent: settings.tolerancePercent,
      minutes: toleranceMinutes,
    },
    prices: {
      region: table.region,
      asOf: table.asOf,
      source: table.source,
      origin: prices.origin,
      estimate: !table.verified,
      ...(prices.note ? { note: prices.note } : {}),
    },
    bursting,
    size,
  };
}

/** The advice as `advise --json` prints it: without the chart series. */
export function adviceJson(advice: ReturnType<typeof advise>): Advice {
  const { bursting: _b, size: _s, ...rest } = advice;
  return rest;
}

/** Mebibytes per second of a byte rate, one decimal. */
export function mibps(bytesPerSecond: number): number {
  return Math.round((bytesPerSecond / MiB) * 10) / 10;
}

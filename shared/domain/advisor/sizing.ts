/**
 * The one Provisioned sizing rule, used by the weekly advisor and by the
 * incident card's Provisioned option: the demand that at most
 * `tolerancePercent` of the periods exceed (by nearest rank, so with the
 * default 0.1 % it is the p99.9 of 1-minute demand), plus `headroomPercent`,
 * rounded up to a whole MiB/s inside EFS's Provisioned range.
 *
 * Because the size is at least that order statistic, a Provisioned file
 * system of this size would have throttled at most the tolerated share of
 * the periods of the trace it was computed from (the advisor's property
 * test checks it).
 */
import { PROVISIONED_MAX_MIBPS, PROVISIONED_MIN_MIBPS } from '../efs-rules.ts';

const MiB = 1024 * 1024;

/** The rule's two knobs, from the configuration's `advisor` section. */
export type SizingRule = {
  /** Added on top of the order statistic, in percent. */
  headroomPercent: number;
  /** Share of periods allowed above the size, in percent. */
  tolerancePercent: number;
};

export const DEFAULT_SIZING: SizingRule = {
  headroomPercent: 20,
  tolerancePercent: 0.1,
};

export type ProvisionedSize = {
  mibps: number;
  /** The order statistic the size rests on, bytes per second. */
  demandBytesPerSecond: number;
  /** Periods of the trace allowed above it. */
  periodsAllowedAbove: number;
  /** The size EFS's maximum cut down, if it did. */
  wantedMibps: number;
  /** One line for people: how the size was chosen. */
  basis: string;
};

/** Percentile label of a tolerance: 0.1 -> `p99.9`. */
export function percentileLabel(tolerancePercent: number): string {
  const p = Math.round((100 - tolerancePercent) * 1000) / 1000;
  return `p${p}`;
}

/**
 * Sizes Provisioned throughput for a demand series (bytes per second per
 * period; null or non-finite entries are ignored). Null when no period
 * holds a value.
 */
export function sizeProvisioned(
  demandBytesPerSecond: ArrayLike<number | null>,
  periodSeconds: number,
  rule: SizingRule = DEFAULT_SIZING,
): ProvisionedSize | null {
  const values: number[] = [];
  for (let i = 0; i < demandBytesPerSecond.length; i++) {
    const v = demandBytesPerSecond[i];
    if (v !== null && v !== undefined && Number.isFinite(v)) {
      values.push(Math.max(0, v));
    }
  }
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const allowed = Math.floor((values.length * rule.tolerancePercent) / 100);
  // The (allowed + 1)-th largest: exactly `allowed` periods may lie above.
  const index = Math.max(0, sorted.length - 1 - allowed);
  const demand = sorted[index] as number;
  const wanted = Math.max(
    PROVISIONED_MIN_MIBPS,
    Math.ceil((demand * (1 + rule.headroomPercent / 100)) / MiB),
  );
  const mibps = Math.min(PROVISIONED_MAX_MIBPS, wanted);
  const label = percentileLabel(rule.tolerancePercent);
  const minutes = periodSeconds / 60;
  return {
    mibps,
    demandBytesPerSecond: demand,
    periodsAllowedAbove: allowed,
    wantedMibps: wanted,
    basis: `${label} of ${minutes === 1 ? '1-minute' : `${minutes}-minute`} demand (${(demand / MiB).toFixed(1)} MiB/s over ${values.length} periods) + ${rule.headroomPercent}% headroom${wanted > mibps ? ` (${wanted} MiB/s wanted, above EFS's ${PROVISIONED_MAX_MIBPS} MiB/s Provisioned maximum)` : ''}`,
  };
}

/**
 * The same rule where demand was capped: pinned at what the file system
 * permitted (PermittedThroughput), the demand seen is what was allowed,
 * not what was asked for, so the real demand is at least that rate and by
 * an unknown amount more. The size is then at least the permitted rate
 * plus the same headroom; the incident card applies this floor to a
 * Provisioned file system pinned at its setting
 * (shared/domain/diagnosis/engine.ts).
 */
export function withCappedFloor(
  size: ProvisionedSize,
  permittedBytesPerSecond: number,
  rule: SizingRule = DEFAULT_SIZING,
): ProvisionedSize {
  const floor = Math.ceil(
    (permittedBytesPerSecond * (1 + rule.headroomPercent / 100)) / MiB,
  );
  if (floor <= size.wantedMibps) return size;
  const mibps = Math.min(PROVISIONED_MAX_MIBPS, floor);
  return {
    ...size,
    mibps,
    wantedMibps: floor,
    basis: `at least the capped rate ${(permittedBytesPerSecond / MiB).toFixed(1)} MiB/s + ${rule.headroomPercent}% headroom, real demand being unknown above it (the ${size.basis})${floor > mibps ? ` (${floor} MiB/s wanted, above EFS's ${PROVISIONED_MAX_MIBPS} MiB/s Provisioned maximum)` : ''}`,
  };
}

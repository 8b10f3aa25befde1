/**
 * Contradictions: evidence from two sources that cannot both be right by
 * the rules EFS documents. A diagnosis built on them may be wrong in a way
 * its score does not show (a stale DescribeFileSystems, metrics of another
 * file system, a mode change inside the window), so policy `auto` never
 * acts on one: a person looks first. Each rule is named, says why the two
 * readings contradict each other, and cites where EFS says so.
 */
import type { Contradiction, Evidence, Series } from '../contracts.ts';
import { burstBytesPerSecondFor } from '../efs-rules.ts';
import { formatBytes, formatMinutes, formatRate } from './forecast.ts';
import { baselineFor } from './signals.ts';

const MiB = 1024 * 1024;

/**
 * Periods the two readings must disagree for before it counts: CloudWatch
 * metrics of one minute may be a period apart at a transition (credits
 * reach zero a minute before permitted throughput falls).
 */
export const CONTRADICTION_MIN_PERIODS = 5;

/** Tolerance around a documented rate: 10%, as `permittedAtBaseline`. */
const RATE_TOLERANCE = 0.1;

/**
 * A credit balance this large is "above zero" beyond doubt: 1 GiB, or ten
 * minutes at the baseline, whichever is more (the engine counts credits
 * under 64 MiB or ten minutes at the baseline as exhausted).
 */
export function creditsClearlyAboveZeroBytes(sizeStandardBytes: number) {
  return Math.max(1024 * MiB, baselineFor(sizeStandardBytes) * 600);
}

type EfsAvailable = Extract<Evidence['efs'], { available: true }>;

/**
 * One named contradiction rule. Every rule so far reads the EFS evidence of
 * a file system in one throughput mode: it is asked only of those.
 */
export type ContradictionRule = {
  id: string;
  /** Why the two readings cannot both be right, with the source. */
  why: string;
  /** The throughput mode DescribeFileSystems must show for the rule. */
  mode: EfsAvailable['fileSystem']['throughputMode'];
  /** What the evidence says when the rule fires, with numbers; else null. */
  detect(efs: EfsAvailable): string | null;
};

/** The values of two series paired by timestamp. */
function paired(
  a: Series | undefined,
  b: Series | undefined,
): { a: number; b: number }[] {
  if (!a || !b) return [];
  const byTime = new Map<number, number>();
  const startB = Date.parse(b.start);
  b.values.forEach((v, i) => {
    if (v !== null) byTime.set(startB + i * b.periodSeconds * 1000, v);
  });
  const out: { a: number; b: number }[] = [];
  const startA = Date.parse(a.start);
  a.values.forEach((v, i) => {
    const other = byTime.get(startA + i * a.periodSeconds * 1000);
    if (v !== null && other !== undefined) out.push({ a: v, b: other });
  });
  return out;
}

/**
 * The rules. Add one here with a test in
 * test/diagnosis/contradictions.test.ts; the diagnosis lists every rule
 * that fires, and `auto` asks a person when any does.
 */
export const CONTRADICTIONS: readonly ContradictionRule[] = [
  {
    id: 'credits-but-permitted-at-baseline',
    why: 'in Bursting mode a file system with a positive burst credit balance can burst (EFS user guide, "Performance", managing burst credits: "When a file system has a positive burst credit balance, it can burst"), and PermittedThroughput is a function of the size and BurstCreditBalance (EFS user guide, CloudWatch metrics): permitted throughput falls to the baseline only when the credits are gone',
    mode: 'bursting',
    detect(efs) {
      const size = efs.fileSystem.sizeStandardBytes;
      const baseline = baselineFor(size);
      const creditsFloor = creditsClearlyAboveZeroBytes(size);
      const both = paired(
        efs.metrics.burst_credit_balance,
        efs.metrics.permitted_throughput,
      ).filter(
        (p) => p.a >= creditsFloor && p.b <= baseline * (1 + RATE_TOLERANCE),
      );
      if (both.length < CONTRADICTION_MIN_PERIODS) return null;
      const minutes = (both.length * efs.periodSeconds) / 60;
      const credits = Math.min(...both.map((p) => p.a));
      const permitted = Math.max(...both.map((p) => p.b));
      return `BurstCreditBalance at least ${formatBytes(credits)} while PermittedThroughput was at most ${formatRate(permitted)}, the Bursting baseline of ${formatBytes(size)} stored (${formatRate(baseline)}, 1 MiB/s floor), for ${formatMinutes(minutes)}: with credits it should be allowed the ${formatRate(burstBytesPerSecondFor(size))} burst`;
    },
  },
  {
    id: 'bursting-above-burst-rate',
    why: 'DescribeFileSystems says Bursting, and a Bursting file system is permitted at most its burst rate, 100 MiB/s per TiB of Standard storage and at least 100 MiB/s (EFS user guide, "Performance", bursting table); more means the metrics are of another mode (a change inside the window) or another file system',
    mode: 'bursting',
    detect(efs) {
      const burst = burstBytesPerSecondFor(efs.fileSystem.sizeStandardBytes);
      const above = (efs.metrics.permitted_throughput?.values ?? []).filter(
        (v): v is number => v !== null && v > burst * (1 + RATE_TOLERANCE),
      );
      if (above.length < CONTRADICTION_MIN_PERIODS) return null;
      return `DescribeFileSystems says Bursting, yet PermittedThroughput reached ${formatRate(Math.max(...above))} in ${formatMinutes((above.length * efs.periodSeconds) / 60)} of the window, above the ${formatRate(burst)} burst rate`;
    },
  },
  {
    id: 'provisioned-permitted-below-setting',
    why: 'in Provisioned mode PermittedThroughput is the provisioned throughput, or more when the storage allows more (EFS user guide, CloudWatch metrics, PermittedThroughput); less means DescribeFileSystems and the metrics disagree on the setting',
    mode: 'provisioned',
    detect(efs) {
      const setting = efs.fileSystem.provisionedThroughputMibps;
      if (setting === undefined) return null;
      const below = (efs.metrics.permitted_throughput?.values ?? []).filter(
        (v): v is number =>
          v !== null && v < setting * MiB * (1 - RATE_TOLERANCE),
      );
      if (below.length < CONTRADICTION_MIN_PERIODS) return null;
      return `DescribeFileSystems says Provisioned at ${setting} MiB/s, yet PermittedThroughput was as low as ${formatRate(Math.min(...below))} in ${formatMinutes((below.length * efs.periodSeconds) / 60)} of the window`;
    },
  },
];

/** Every rule that fires on the evidence, in the table's order. */
export function findContradictions(evidence: Evidence): Contradiction[] {
  const found: Contradiction[] = [];
  const { efs } = evidence;
  if (!efs.available) return found;
  for (const rule of CONTRADICTIONS) {
    if (efs.fileSystem.throughputMode !== rule.mode) continue;
    const detail = rule.detect(efs);
    if (detail) found.push({ id: rule.id, detail, why: rule.why });
  }
  return found;
}

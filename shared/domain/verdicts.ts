/**
 * The verdict table: one row per verdict, holding everything that verdict
 * means to burstguard: its Slack title and icon, its scorer, the action it
 * calls for on this file system, its headline, and how the recommendation
 * words it. The table is typed `Record<Verdict, VerdictRow>`, so a verdict
 * added to VERDICTS (contracts.ts) without a row, or a row missing a piece,
 * does not compile (test/types/verdict-table.ts shows it).
 *
 * Tie order: when two verdicts score the same, the one listed first in
 * VERDICTS wins. The rows below are written in that order.
 */
import {
  type Action,
  type Evidence,
  VERDICTS,
  type Verdict,
} from './contracts.ts';
import { formatMinutes, formatRate } from './diagnosis/forecast.ts';
import {
  type Scoring,
  scoreBacklog,
  scoreDraining,
  scoreExhausted,
  scoreHealthy,
  scoreInsufficient,
  scoreIoLimit,
  scoreProvisioned,
  scoreUnreachable,
} from './diagnosis/scorers.ts';
import type { Signals } from './diagnosis/signals.ts';
import { elasticAllowed, IOPS_LIMITS } from './efs-rules.ts';

export type VerdictRow = {
  /** The title of the Slack finding. */
  title: string;
  /** The icon in front of the title: how urgent it is. */
  severity:
    | ':red_circle:'
    | ':large_orange_circle:'
    | ':large_green_circle:'
    | ':white_circle:';
  /** Fills in the verdict's score (0 to 1) and the lines for and against. */
  score: (out: Scoring, s: Signals, evidence: Evidence) => void;
  /**
   * The action for the verdict on this file system. Elastic only where EFS
   * offers it (General Purpose); a Max I/O file system short of throughput
   * gets Provisioned instead.
   */
  action: (s: Signals) => Action;
  /** The diagnosis headline, one line with numbers. */
  headline: (s: Signals, fsName: string) => string;
  /**
   * What a switch to Elastic raises for this verdict: `throughput` (the
   * summary compares Provisioned's price), `iops` (the summary gives the
   * IOPS limits), or null when the verdict never calls for the switch.
   */
  elasticRaises: 'throughput' | 'iops' | null;
  /** The recommendation's summary when the action is `investigate`. */
  investigate: (s: Signals, fsName: string) => string;
  /**
   * Whether the findings add the ClickHouse parts line; false where the
   * verdict's own evidence already says it.
   */
  partsInFindings: boolean;
};

const LOOK_FURTHER = () =>
  'look at ClickHouse and the evidence that is missing before changing storage';

/** Out of burst credits or about to be: Elastic, or Provisioned on Max I/O. */
const throughputFix = (s: Signals): Action =>
  elasticAllowed(s.performanceMode)
    ? 'switch-to-elastic'
    : 'increase-provisioned-throughput';

export const VERDICT_TABLE: Readonly<Record<Verdict, VerdictRow>> = {
  'efs-burst-credits-exhausted': {
    title: 'EFS burst credits exhausted',
    severity: ':red_circle:',
    score: scoreExhausted,
    action: throughputFix,
    headline: (s, fsName) =>
      `${fsName} ran out of burst credits: throughput held at ${formatRate(s.permittedBytesPerSecond ?? 0)} and pinned for ${formatMinutes(s.pinnedMinutes)}`,
    elasticRaises: 'throughput',
    investigate: LOOK_FURTHER,
    partsInFindings: true,
  },
  'efs-burst-credits-draining': {
    title: 'EFS burst credits draining',
    severity: ':large_orange_circle:',
    score: scoreDraining,
    action: throughputFix,
    headline: (s, fsName) =>
      `${fsName} burst credits run out in about ${formatMinutes(s.forecastMinutesToZero ?? 0)}`,
    elasticRaises: 'throughput',
    investigate: LOOK_FURTHER,
    partsInFindings: true,
  },
  'efs-provisioned-throughput-saturated': {
    title: 'EFS provisioned throughput saturated',
    severity: ':red_circle:',
    score: scoreProvisioned,
    action: () => 'increase-provisioned-throughput',
    headline: (s, fsName) =>
      `${fsName} is pinned at its provisioned ${s.provisionedMibps ?? '?'} MiB/s for ${formatMinutes(s.pinnedMinutes)}`,
    elasticRaises: null,
    investigate: LOOK_FURTHER,
    partsInFindings: true,
  },
  'efs-io-limit': {
    title: 'EFS at its IO limit',
    severity: ':red_circle:',
    score: scoreIoLimit,
    // Elastic raises the Regional General Purpose IOPS limit; already
    // Elastic, there is no higher mode to go to, and a One Zone file
    // system has the same limit in every mode (EFS performance table).
    action: (s) =>
      elasticAllowed(s.performanceMode) &&
      !s.oneZone &&
      (s.mode === 'bursting' || s.mode === 'provisioned')
        ? 'switch-to-elastic'
        : 'investigate',
    headline: (s, fsName) =>
      `${fsName} is at the General Purpose IO limit for ${formatMinutes(s.ioLimitMinutes)}`,
    elasticRaises: 'iops',
    investigate: (s, fsName) =>
      s.oneZone
        ? `${fsName} is a One Zone file system: ${IOPS_LIMITS.oneZone.read} read and ${IOPS_LIMITS.oneZone.write} write IOPS in every throughput mode (EFS performance table), so a mode change would not raise the limit: reduce small IO (ClickHouse log tables, many small parts), or move the data to a Regional file system`
        : `${fsName} is already on Elastic throughput, the highest IOPS limit EFS offers: reduce small IO (ClickHouse log tables, many small parts) and look at ClickHouse before changing storage`,
    partsInFindings: true,
  },
  'clickhouse-merge-backlog': {
    title: 'ClickHouse merge backlog',
    severity: ':large_orange_circle:',
    score: scoreBacklog,
    action: () => 'tune-clickhouse-inserts',
    headline: () =>
      'ClickHouse merges are falling behind inserts while storage has headroom',
    elasticRaises: null,
    investigate: LOOK_FURTHER,
    partsInFindings: false,
  },
  'clickhouse-unreachable': {
    title: 'ClickHouse unreachable',
    severity: ':red_circle:',
    score: scoreUnreachable,
    action: () => 'investigate',
    headline: () =>
      'ClickHouse does not answer, and storage does not explain it',
    elasticRaises: null,
    investigate: LOOK_FURTHER,
    partsInFindings: true,
  },
  'no-storage-problem': {
    title: 'No storage problem found',
    severity: ':large_green_circle:',
    score: scoreHealthy,
    action: () => 'none',
    headline: (_s, fsName) => `${fsName} storage and ClickHouse look healthy`,
    elasticRaises: null,
    investigate: LOOK_FURTHER,
    partsInFindings: true,
  },
  'insufficient-evidence': {
    title: 'Not enough evidence',
    severity: ':white_circle:',
    score: scoreInsufficient,
    action: () => 'investigate',
    headline: () => 'too little data to say what is wrong',
    elasticRaises: null,
    investigate: LOOK_FURTHER,
    partsInFindings: true,
  },
};

/** The action for a verdict on this file system (its row's `action`). */
export function actionFor(verdict: Verdict, s: Signals): Action {
  return VERDICT_TABLE[verdict].action(s);
}

/**
 * Highest score first; on a tie, the verdict listed first in VERDICTS
 * (contracts.ts, the order of the rows above) comes first.
 */
export function rankByScore<H extends { verdict: Verdict; score: number }>(
  hypotheses: readonly H[],
): H[] {
  return [...hypotheses].sort(
    (a, b) =>
      b.score - a.score ||
      VERDICTS.indexOf(a.verdict) - VERDICTS.indexOf(b.verdict),
  );
}

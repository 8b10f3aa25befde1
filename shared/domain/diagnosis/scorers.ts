/**
 * The scorers: how strongly the evidence points at each verdict, 0 to 1,
 * with the lines for and against it. Each fills in the `Scoring` it is
 * given; the verdict table (shared/domain/verdicts.ts) names the scorer of
 * each verdict, and the engine ranks them. Pure, like the engine.
 */
import type { ClickHouseSummary, Evidence } from '../contracts.ts';
import { formatCount } from '../messages/numbers.ts';
import { formatBytes, formatMinutes, formatRate } from './forecast.ts';
import { PINNED_PERCENT, type Signals } from './signals.ts';

/** A verdict's score and the evidence lines for and against it. */
export type Scoring = {
  score: number;
  evidenceFor: string[];
  evidenceAgainst: string[];
};

/** Minutes pinned that count as fully starved. */
const STARVED_MINUTES = 15;
/** Credits forecast to run out within this long count as draining. */
const DRAIN_HORIZON_MINUTES = 24 * 60;
/** MaxPartCountForPartition above this is worth a look (Altinity rules). */
const PARTS_WARNING = 100;
/**
 * ClickHouse's default parts_to_delay_insert (ClickHouse docs, "MergeTree
 * tables settings": parts_to_delay_insert, default 1000).
 */
const DEFAULT_PARTS_TO_DELAY = 1000;
/** Fewer utilization points than this is too little to say. */
const MIN_POINTS = 10;

export const clamp01 = (x: number) =>
  Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
const fmtInt = (n: number) => formatCount(Math.round(n));
const pct = (n: number) => `${Math.round(n)}%`;

function langfuseLine(s: Signals): string | null {
  if (!s.langfuseAvailable) return null;
  const dropped = s.droppedRecords ?? 0;
  const timeouts = s.clickhouseTimeouts ?? 0;
  if (dropped === 0 && timeouts === 0) return null;
  const parts: string[] = [];
  if (dropped > 0) {
    parts.push(
      `${fmtInt(dropped)} Langfuse records dropped (${
        s.droppedRecordsSource === 'logs-insights'
          ? 'counted exactly in its logs'
          : 'from log metric filters'
      })`,
    );
  }
  if (timeouts > 0) parts.push(`${fmtInt(timeouts)} ClickHouse write timeouts`);
  const lag =
    s.langfuseLagMinutes === null
      ? ''
      : s.langfuseLagMinutes >= 0
        ? `, starting ${formatMinutes(s.langfuseLagMinutes)} after throughput was pinned`
        : `, starting ${formatMinutes(-s.langfuseLagMinutes)} before throughput was pinned`;
  return `${parts.join(' and ')} in ${formatMinutes(s.windowMinutes)}${lag}`;
}

function langfuseErrors(s: Signals): number {
  return (s.droppedRecords ?? 0) + (s.clickhouseTimeouts ?? 0);
}

function pinnedLine(s: Signals): string {
  const permitted =
    s.permittedBytesPerSecond === null
      ? 'its permitted throughput'
      : `${formatRate(s.permittedBytesPerSecond)} permitted`;
  return `throughput pinned at >= ${PINNED_PERCENT}% of ${permitted} for ${formatMinutes(s.pinnedMinutes)} of ${formatMinutes(s.windowMinutes)} (longest stretch ${formatMinutes(s.pinnedLongestMinutes)}, peak ${pct(s.utilizationMaxPercent ?? 0)})`;
}

/** 0..1: how strongly storage throughput is starved, whatever the mode. */
function starvation(s: Signals): number {
  return clamp01(s.pinnedMinutes / STARVED_MINUTES);
}

/**
 * Rules a verdict of one throughput mode out when the file system is in
 * another, saying which (", not <mode>" unless `say` says otherwise).
 */
function ruledOutByMode(
  out: Scoring,
  s: Signals,
  mode: 'bursting' | 'provisioned',
  say = `, not ${mode}`,
): boolean {
  if (s.mode === mode) return false;
  out.evidenceAgainst.push(
    s.mode
      ? `the file system is in ${s.mode} mode${say}`
      : 'EFS could not be read',
  );
  return true;
}

export function scoreExhausted(out: Scoring, s: Signals): void {
  if (ruledOutByMode(out, s, 'bursting')) return;
  const creditScore = s.creditsNearZero ? 1 : 0;
  out.score =
    0.35 * creditScore +
    0.35 * starvation(s) +
    0.15 * (s.permittedAtBaseline ? 1 : 0) +
    0.15 * (langfuseErrors(s) > 0 ? 1 : 0);
  if (s.creditBytes !== null) {
    (s.creditsNearZero ? out.evidenceFor : out.evidenceAgainst).push(
      `burst credits ${formatBytes(s.creditBytes)}${s.creditMaxBytes !== null && s.creditMaxBytes > s.creditBytes ? ` (down from ${formatBytes(s.creditMaxBytes)} in the window)` : ''}`,
    );
  }
  if (s.pinnedMinutes > 0) out.evidenceFor.push(pinnedLine(s));
  else if (s.utilizationMaxPercent !== null)
    out.evidenceAgainst.push(
      `throughput never pinned: peak ${pct(s.utilizationMaxPercent)} of permitted`,
    );
  if (
    s.permittedAtBaseline &&
    s.baselineBytesPerSecond !== null &&
    s.sizeStandardBytes !== null
  ) {
    out.evidenceFor.push(
      `permitted throughput ${formatRate(s.permittedBytesPerSecond ?? 0)} is the baseline of ${formatBytes(s.sizeStandardBytes)} stored (50 KiB/s per GiB, 1 MiB/s floor), down from the ${formatRate(s.burstBytesPerSecond ?? 0)} burst (100 MiB/s per TiB of Standard storage, at least 100 MiB/s)`,
    );
  }
  const lf = langfuseLine(s);
  if (lf) out.evidenceFor.push(lf);
}

export function scoreDraining(out: Scoring, s: Signals): void {
  if (ruledOutByMode(out, s, 'bursting', '')) return;
  if (s.creditsNearZero) {
    out.evidenceAgainst.push(
      `credits are already exhausted (${formatBytes(s.creditBytes ?? 0)})`,
    );
    return;
  }
  const eta = s.forecastMinutesToZero;
  if (eta === null || s.creditSlopeBytesPerMinute >= 0) {
    out.evidenceAgainst.push(
      s.creditBytes === null
        ? 'no burst credit data'
        : `credits are not falling (${formatBytes(s.creditBytes)})`,
    );
    return;
  }
  const soon = clamp01(1 - eta / DRAIN_HORIZON_MINUTES);
  out.score =
    0.45 +
    0.45 * soon +
    0.1 * clamp01(((s.utilizationMedianPercent ?? 0) - 50) / 50);
  if (eta > DRAIN_HORIZON_MINUTES)
    out.score =
      0.3 *
      clamp01(1 - (eta - DRAIN_HORIZON_MINUTES) / (7 * DRAIN_HORIZON_MINUTES));
  const rate = -s.creditSlopeBytesPerMinute / 60;
  out.evidenceFor.push(
    `burst credits ${formatBytes(s.creditBytes ?? 0)}, falling ${formatRate(rate)}; forecast to run out in ${formatMinutes(eta)}`,
  );
  if (s.pinnedMinutes === 0)
    out.evidenceFor.push('no starvation yet: throughput not pinned');
}

export function scoreProvisioned(out: Scoring, s: Signals): void {
  if (ruledOutByMode(out, s, 'provisioned')) return;
  out.score =
    0.6 * starvation(s) +
    0.2 * (s.pinnedMinutes > 0 ? 1 : 0) +
    0.2 * (langfuseErrors(s) > 0 ? 1 : 0);
  if (s.pinnedMinutes > 0) {
    out.evidenceFor.push(
      `${pinnedLine(s)}; provisioned ${s.provisionedMibps ?? '?'} MiB/s`,
    );
  } else {
    out.evidenceAgainst.push(
      `throughput peaked at ${pct(s.utilizationMaxPercent ?? 0)} of the provisioned ${s.provisionedMibps ?? '?'} MiB/s`,
    );
  }
  const lf = langfuseLine(s);
  if (lf) out.evidenceFor.push(lf);
}

export function scoreIoLimit(out: Scoring, s: Signals): void {
  if (s.performanceMode === 'maxIO') {
    out.evidenceAgainst.push(
      'PercentIOLimit is reported only for General Purpose file systems; this one is Max I/O',
    );
    return;
  }
  if (s.percentIoLimitMax === null) {
    out.evidenceAgainst.push('no PercentIOLimit data');
    return;
  }
  out.score =
    0.7 * clamp01(s.ioLimitMinutes / STARVED_MINUTES) +
    0.15 * clamp01((s.percentIoLimitMax - 80) / 20) +
    0.15 * (langfuseErrors(s) > 0 && s.ioLimitMinutes > 0 ? 1 : 0);
  if (s.ioLimitMinutes > 0) {
    out.evidenceFor.push(
      `PercentIOLimit at or above 95% for ${formatMinutes(s.ioLimitMinutes)} (peak ${pct(s.percentIoLimitMax)})`,
    );
  } else {
    out.evidenceAgainst.push(
      `PercentIOLimit peaked at ${pct(s.percentIoLimitMax)}`,
    );
  }
}

export function partsLine(ch: ClickHouseSummary): string | null {
  if (ch.maxPartsInPartition === null) return null;
  const delay = ch.partsToDelayInsert ?? DEFAULT_PARTS_TO_DELAY;
  return `max ${fmtInt(ch.maxPartsInPartition)} active parts in one partition${ch.maxPartsTable ? ` of ${ch.maxPartsTable}` : ''} (inserts slow down at ${fmtInt(delay)}${ch.partsToThrowInsert !== null ? `, fail at ${fmtInt(ch.partsToThrowInsert)}` : ''})`;
}

export function scoreBacklog(
  out: Scoring,
  s: Signals,
  evidence: Evidence,
): void {
  if (!evidence.clickhouse.available) {
    out.evidenceAgainst.push(
      `ClickHouse could not be read: ${evidence.clickhouse.reason}`,
    );
    return;
  }
  const ch = evidence.clickhouse.summary;
  const delay = ch.partsToDelayInsert ?? DEFAULT_PARTS_TO_DELAY;
  const parts = ch.maxPartsInPartition ?? 0;
  const partsScore = clamp01(
    (parts - PARTS_WARNING) / Math.max(1, delay - PARTS_WARNING),
  );
  const delayed =
    (ch.delayedInserts ?? 0) + (ch.rejectedInserts ?? 0) > 0 ? 1 : 0;
  const lagging =
    ch.newPartsPerMinute !== null &&
    ch.mergePartsPerMinute !== null &&
    ch.newPartsPerMinute > 0
      ? clamp01(
          (ch.newPartsPerMinute - ch.mergePartsPerMinute) /
            ch.newPartsPerMinute,
        )
      : 0;
  const raw = 0.55 * partsScore + 0.3 * delayed + 0.15 * lagging;
  // A backlog on starved storage is a symptom, not the cause.
  out.score = raw * (1 - 0.75 * starvation(s));
  const line = partsLine(ch);
  if (line) (partsScore > 0 ? out.evidenceFor : out.evidenceAgainst).push(line);
  if (delayed) {
    out.evidenceFor.push(
      `${fmtInt(ch.delayedInserts ?? 0)} delayed and ${fmtInt(ch.rejectedInserts ?? 0)} rejected inserts since the server started`,
    );
  }
  if (ch.newPartsPerMinute !== null && ch.mergePartsPerMinute !== null) {
    out[lagging > 0.2 ? 'evidenceFor' : 'evidenceAgainst'].push(
      `${ch.newPartsPerMinute.toFixed(1)} new parts/min against ${ch.mergePartsPerMinute.toFixed(1)} merges/min`,
    );
  }
  if (starvation(s) > 0) {
    out.evidenceAgainst.push('storage is starved, which explains slow merges');
  }
}

export function scoreUnreachable(
  out: Scoring,
  s: Signals,
  evidence: Evidence,
): void {
  if (evidence.clickhouse.available) {
    out.evidenceAgainst.push(
      `ClickHouse answered in ${fmtInt(evidence.clickhouse.elapsedMs)} ms`,
    );
    return;
  }
  if (!s.clickhouseConfigured) {
    out.evidenceAgainst.push('no ClickHouse endpoint is configured');
    return;
  }
  out.score =
    0.75 * (1 - 0.7 * starvation(s)) + 0.15 * (langfuseErrors(s) > 0 ? 1 : 0);
  out.evidenceFor.push(
    `ClickHouse did not answer: ${evidence.clickhouse.reason}`,
  );
  if (starvation(s) > 0)
    out.evidenceAgainst.push(
      'starved storage explains an unresponsive ClickHouse',
    );
}

export function scoreHealthy(
  out: Scoring,
  s: Signals,
  evidence: Evidence,
): void {
  if (!s.efsAvailable || s.dataPoints < MIN_POINTS) {
    out.evidenceAgainst.push('not enough EFS data to clear storage');
    return;
  }
  const peak = s.utilizationMaxPercent ?? 0;
  let score = 0.75 * clamp01((95 - peak) / 45);
  if (
    s.mode === 'bursting' &&
    s.forecastMinutesToZero !== null &&
    s.forecastMinutesToZero < DRAIN_HORIZON_MINUTES
  )
    score *= 0.3;
  if (s.ioLimitMinutes > 0) score *= 0.3;
  // "No storage problem" also clears ClickHouse: a backlog or a silent
  // server keeps it from winning.
  if (evidence.clickhouse.available) {
    const ch = evidence.clickhouse.summary;
    const parts = ch.maxPartsInPartition ?? 0;
    if (parts <= PARTS_WARNING) score += 0.2;
    else {
      score *= 0.5;
      out.evidenceAgainst.push(`ClickHouse: ${partsLine(ch)}`);
    }
    if ((ch.delayedInserts ?? 0) + (ch.rejectedInserts ?? 0) > 0) score *= 0.6;
  } else if (s.clickhouseConfigured) {
    score *= 0.5;
    out.evidenceAgainst.push(
      `ClickHouse did not answer: ${evidence.clickhouse.reason}`,
    );
  }
  if (langfuseErrors(s) > 0) score *= 0.6;
  out.score = clamp01(score);
  out.evidenceFor.push(`throughput peaked at ${pct(peak)} of permitted`);
  if (s.creditBytes !== null)
    out.evidenceFor.push(`burst credits ${formatBytes(s.creditBytes)}`);
  if (s.pinnedMinutes > 0) out.evidenceAgainst.push(pinnedLine(s));
}

export function scoreInsufficient(
  out: Scoring,
  s: Signals,
  evidence: Evidence,
): void {
  const missing: string[] = [];
  if (!s.efsAvailable) missing.push('EFS');
  if (!s.langfuseAvailable) missing.push('Langfuse signals');
  if (!evidence.clickhouse.available) missing.push('ClickHouse');
  let score = 0;
  if (!s.efsAvailable) score = 0.55;
  else if (s.dataPoints < MIN_POINTS)
    score = 0.6 * (1 - s.dataPoints / MIN_POINTS) + 0.3;
  score += 0.1 * missing.length;
  out.score = clamp01(score);
  if (s.efsAvailable) {
    (s.dataPoints < MIN_POINTS ? out.evidenceFor : out.evidenceAgainst).push(
      `${s.dataPoints} periods of throughput data`,
    );
  }
  if (missing.length)
    out.evidenceFor.push(`could not read: ${missing.join(', ')}`);
}

/**
 * The diagnosis engine: scores every verdict from the evidence, ranks them,
 * and says, with numbers, what is wrong, what is not, and what the fix
 * costs. Pure: no I/O, no clock, never throws on schema-valid evidence.
 */
import type {
  Action,
  ClickHouseSummary,
  CostOption,
  Diagnosis,
  Evidence,
  Hypothesis,
  Recommendation,
  Verdict,
} from '../contracts.ts';
import {
  EFS_WAIT_AFTER_ELASTIC,
  EFS_WAIT_AFTER_PROVISIONED,
  elasticAllowed,
  IOPS_LIMITS,
  MAX_IO_NO_ELASTIC,
  OWN_CAP,
  PROVISIONED_MAX_MIBPS,
  PROVISIONED_MIN_MIBPS,
} from '../efs-rules.ts';
import { describeTable, type PriceOverrides, priceTable } from '../pricing.ts';
import { findContradictions } from './contradictions.ts';
import { formatBytes, formatMinutes, formatRate } from './forecast.ts';
import { computeSignals, PINNED_PERCENT, type Signals } from './signals.ts';

export type DiagnoseContext = {
  region: string;
  windowStart: string;
  windowEnd: string;
  prices?: PriceOverrides;
};

const MiB = 1024 * 1024;
const GB = 1e9;
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

const clamp01 = (x: number) =>
  Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (n: number) => `${Math.round(n)}%`;

type Scored = {
  verdict: Verdict;
  score: number;
  evidenceFor: string[];
  evidenceAgainst: string[];
};

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

function scoreExhausted(s: Signals): Scored {
  const out: Scored = {
    verdict: 'efs-burst-credits-exhausted',
    score: 0,
    evidenceFor: [],
    evidenceAgainst: [],
  };
  if (s.mode !== 'bursting') {
    out.evidenceAgainst.push(
      s.mode
        ? `the file system is in ${s.mode} mode, not bursting`
        : 'EFS could not be read',
    );
    return out;
  }
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
  return out;
}

function scoreDraining(s: Signals): Scored {
  const out: Scored = {
    verdict: 'efs-burst-credits-draining',
    score: 0,
    evidenceFor: [],
    evidenceAgainst: [],
  };
  if (s.mode !== 'bursting') {
    out.evidenceAgainst.push(
      s.mode ? `the file system is in ${s.mode} mode` : 'EFS could not be read',
    );
    return out;
  }
  if (s.creditsNearZero) {
    out.evidenceAgainst.push(
      `credits are already exhausted (${formatBytes(s.creditBytes ?? 0)})`,
    );
    return out;
  }
  const eta = s.forecastMinutesToZero;
  if (eta === null || s.creditSlopeBytesPerMinute >= 0) {
    out.evidenceAgainst.push(
      s.creditBytes === null
        ? 'no burst credit data'
        : `credits are not falling (${formatBytes(s.creditBytes)})`,
    );
    return out;
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
  return out;
}

function scoreProvisioned(s: Signals): Scored {
  const out: Scored = {
    verdict: 'efs-provisioned-throughput-saturated',
    score: 0,
    evidenceFor: [],
    evidenceAgainst: [],
  };
  if (s.mode !== 'provisioned') {
    out.evidenceAgainst.push(
      s.mode
        ? `the file system is in ${s.mode} mode, not provisioned`
        : 'EFS could not be read',
    );
    return out;
  }
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
  return out;
}

function scoreIoLimit(s: Signals): Scored {
  const out: Scored = {
    verdict: 'efs-io-limit',
    score: 0,
    evidenceFor: [],
    evidenceAgainst: [],
  };
  if (s.performanceMode === 'maxIO') {
    out.evidenceAgainst.push(
      'PercentIOLimit is reported only for General Purpose file systems; this one is Max I/O',
    );
    return out;
  }
  if (s.percentIoLimitMax === null) {
    out.evidenceAgainst.push('no PercentIOLimit data');
    return out;
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
  return out;
}

function partsLine(ch: ClickHouseSummary): string | null {
  if (ch.maxPartsInPartition === null) return null;
  const delay = ch.partsToDelayInsert ?? DEFAULT_PARTS_TO_DELAY;
  return `max ${fmtInt(ch.maxPartsInPartition)} active parts in one partition${ch.maxPartsTable ? ` of ${ch.maxPartsTable}` : ''} (inserts slow down at ${fmtInt(delay)}${ch.partsToThrowInsert !== null ? `, fail at ${fmtInt(ch.partsToThrowInsert)}` : ''})`;
}

function scoreBacklog(s: Signals, evidence: Evidence): Scored {
  const out: Scored = {
    verdict: 'clickhouse-merge-backlog',
    score: 0,
    evidenceFor: [],
    evidenceAgainst: [],
  };
  if (!evidence.clickhouse.available) {
    out.evidenceAgainst.push(
      `ClickHouse could not be read: ${evidence.clickhouse.reason}`,
    );
    return out;
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
  return out;
}

function scoreUnreachable(s: Signals, evidence: Evidence): Scored {
  const out: Scored = {
    verdict: 'clickhouse-unreachable',
    score: 0,
    evidenceFor: [],
    evidenceAgainst: [],
  };
  if (evidence.clickhouse.available) {
    out.evidenceAgainst.push(
      `ClickHouse answered in ${fmtInt(evidence.clickhouse.elapsedMs)} ms`,
    );
    return out;
  }
  if (!s.clickhouseConfigured) {
    out.evidenceAgainst.push('no ClickHouse endpoint is configured');
    return out;
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
  return out;
}

function scoreHealthy(s: Signals, evidence: Evidence): Scored {
  const out: Scored = {
    verdict: 'no-storage-problem',
    score: 0,
    evidenceFor: [],
    evidenceAgainst: [],
  };
  if (!s.efsAvailable || s.dataPoints < MIN_POINTS) {
    out.evidenceAgainst.push('not enough EFS data to clear storage');
    return out;
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
  return out;
}

function scoreInsufficient(s: Signals, evidence: Evidence): Scored {
  const out: Scored = {
    verdict: 'insufficient-evidence',
    score: 0,
    evidenceFor: [],
    evidenceAgainst: [],
  };
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
  return out;
}

/**
 * The action for a verdict on this file system. Elastic only where EFS
 * offers it (General Purpose); a Max I/O file system short of throughput
 * gets Provisioned instead.
 */
export function actionFor(verdict: Verdict, s: Signals): Action {
  const elastic = elasticAllowed(s.performanceMode);
  switch (verdict) {
    case 'efs-burst-credits-exhausted':
    case 'efs-burst-credits-draining':
      return elastic ? 'switch-to-elastic' : 'increase-provisioned-throughput';
    case 'efs-provisioned-throughput-saturated':
      return 'increase-provisioned-throughput';
    case 'efs-io-limit':
      // Elastic raises the Regional General Purpose IOPS limit; already
      // Elastic, there is no higher mode to go to, and a One Zone file
      // system has the same limit in every mode (EFS performance table).
      return elastic &&
        !s.oneZone &&
        (s.mode === 'bursting' || s.mode === 'provisioned')
        ? 'switch-to-elastic'
        : 'investigate';
    case 'clickhouse-merge-backlog':
      return 'tune-clickhouse-inserts';
    case 'no-storage-problem':
      return 'none';
    default:
      return 'investigate';
  }
}

const MONTH_MINUTES = 30 * 24 * 60;

/** Monthly costs of the three modes at the observed load. */
export function costOptions(
  s: Signals,
  context: DiagnoseContext,
): { costs: CostOption[]; table: string } {
  const table = priceTable(context.region, context.prices);
  const scale = MONTH_MINUTES / s.windowMinutes;
  const costs: CostOption[] = [];
  const storageGb =
    s.sizeStandardBytes === null ? null : s.sizeStandardBytes / GB;
  const storage =
    storageGb === null ? null : storageGb * table.standardStorageUsdPerGbMonth;
  if (!elasticAllowed(s.performanceMode)) {
    costs.push({
      mode: 'elastic',
      monthlyUsd: null,
      available: false,
      basis: MAX_IO_NO_ELASTIC,
    });
  } else if (s.readBytes !== null && s.writeBytes !== null) {
    // Elastic meters data and metadata reads and writes; metadata is
    // counted with writes here, the more expensive side.
    const readGb = (s.readBytes * scale) / GB;
    const writeGb = ((s.writeBytes + (s.metadataBytes ?? 0)) * scale) / GB;
    const throughput =
      readGb * table.elasticReadUsdPerGb + writeGb * table.elasticWriteUsdPerGb;
    costs.push({
      mode: 'elastic',
      monthlyUsd: round2(throughput + (storage ?? 0)),
      basis: `${readGb.toFixed(1)} GB read and ${writeGb.toFixed(1)} GB written a month at this window's rate, plus storage`,
    });
  } else {
    costs.push({
      mode: 'elastic',
      monthlyUsd: null,
      basis: 'read and write bytes were not available',
    });
  }
  if (s.demandP95BytesPerSecond !== null) {
    // p95 demand with 50% headroom, at least 1 MiB/s, whole MiB/s.
    // Pinned at a provisioned rate, demand is above it by an unknown
    // amount: size at least 50% above the current setting. Within EFS's
    // Provisioned range (1 to 3414 MiB/s, the top depending on Region).
    const pinnedProvisioned =
      s.mode === 'provisioned' &&
      s.pinnedMinutes > 0 &&
      s.provisionedMibps !== null;
    const wanted = Math.max(
      PROVISIONED_MIN_MIBPS,
      Math.ceil((s.demandP95BytesPerSecond * 1.5) / MiB),
      pinnedProvisioned ? Math.ceil((s.provisionedMibps ?? 0) * 1.5) : 0,
    );
    const mibps = Math.min(PROVISIONED_MAX_MIBPS, wanted);
    const included = (s.baselineBytesPerSecond ?? 0) / MiB;
    const billed = Math.max(0, mibps - included);
    costs.push({
      mode: 'provisioned',
      provisionedMibps: mibps,
      monthlyUsd: round2(
        billed * table.provisionedUsdPerMibpsMonth + (storage ?? 0),
      ),
      basis: `${pinnedProvisioned ? `pinned at the provisioned ${s.provisionedMibps} MiB/s, so demand is above it: 1.5 × that, or ` : ''}p95 demand ${formatRate(s.demandP95BytesPerSecond)}${s.demandCapped ? ' (capped by starvation: real demand is higher)' : ' when not pinned'} + 50% headroom${wanted > mibps ? ` (${wanted} MiB/s wanted, above EFS's ${PROVISIONED_MAX_MIBPS} MiB/s Provisioned maximum)` : ''}; billed above the storage's ${formatRate(s.baselineBytesPerSecond ?? 0)} baseline, plus storage`,
    });
  }
  costs.push({
    mode: 'bursting',
    monthlyUsd: storage === null ? null : round2(storage),
    basis:
      storageGb === null
        ? 'size unknown'
        : `storage only (${storageGb.toFixed(1)} GB); throughput limited to the baseline once credits run out`,
  });
  return { costs, table: describeTable(table) };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The Elastic and Provisioned IOPS figures, for the IO-limit advice. */
function iopsLine(mode: Signals['mode']): string {
  const now =
    mode === 'provisioned' ? IOPS_LIMITS.provisioned : IOPS_LIMITS.bursting;
  return `in General Purpose mode ${mode ?? 'this'} throughput allows about ${now.read} read and ${now.write} write IOPS, Elastic up to ${IOPS_LIMITS.elastic.read} read and ${IOPS_LIMITS.elastic.write} write IOPS (${IOPS_LIMITS.elasticDefault.read} and ${IOPS_LIMITS.elasticDefault.write} by default, more on request; EFS performance table), and PercentIOLimit measures the limit of the current mode`;
}

function recommend(
  verdict: Verdict,
  s: Signals,
  context: DiagnoseContext,
  fsName: string,
): Recommendation {
  const action = actionFor(verdict, s);
  const { costs, table } = costOptions(s, context);
  const caveats: string[] = [];
  const maxIo = !elasticAllowed(s.performanceMode);
  let summary: string;
  switch (action) {
    case 'switch-to-elastic': {
      summary =
        verdict === 'efs-io-limit'
          ? `switch ${fsName} to Elastic throughput to raise its IOPS limit: ${iopsLine(s.mode)}`
          : `switch ${fsName} to Elastic throughput: no downtime, pay per GB moved, bursts to GiB/s`;
      caveats.push(EFS_WAIT_AFTER_ELASTIC, OWN_CAP);
      // At a steady load Provisioned can be far cheaper (langfuse-terraform-aws
      // issue #39): say so, with both numbers, and why Elastic comes first.
      const elastic = costs.find((c) => c.mode === 'elastic')?.monthlyUsd;
      const provisioned = costs.find((c) => c.mode === 'provisioned');
      if (
        verdict !== 'efs-io-limit' &&
        elastic != null &&
        provisioned?.monthlyUsd != null &&
        provisioned.monthlyUsd < elastic / 2
      ) {
        caveats.push(
          `at this load Provisioned ${provisioned.provisionedMibps} MiB/s would cost about $${provisioned.monthlyUsd.toFixed(0)}/month against $${elastic.toFixed(0)} for Elastic; Elastic is the fix that needs no sizing, Provisioned the cheaper one once the load is known`,
        );
      }
      break;
    }
    case 'increase-provisioned-throughput': {
      const target = costs.find(
        (c) => c.mode === 'provisioned',
      )?.provisionedMibps;
      const verb = s.mode === 'provisioned' ? 'raise' : 'switch';
      const size = target ? ` ${target} MiB/s` : '';
      summary =
        s.mode === 'provisioned'
          ? `raise provisioned throughput of ${fsName}${target ? ` to about ${target} MiB/s` : ''}${maxIo ? '' : ', or switch to Elastic'}`
          : `${verb} ${fsName} to Provisioned throughput${size}`;
      if (maxIo) {
        summary += `: ${MAX_IO_NO_ELASTIC}`;
        caveats.push(
          `not automated: burstguard only automates the switch to Elastic; a Provisioned size is an estimate from this window's demand for a person to confirm, and EFS then holds the mode for 24 h`,
          'for the long run, AWS recommends General Purpose performance mode; moving the data to a General Purpose file system (e.g. with DataSync) makes Elastic possible',
        );
      }
      caveats.push(EFS_WAIT_AFTER_PROVISIONED);
      break;
    }
    case 'tune-clickhouse-inserts':
      summary =
        'storage is not the bottleneck: batch Langfuse inserts (LANGFUSE_INGESTION_CLICKHOUSE_WRITE_BATCH_SIZE, _INTERVAL_MS) and check merges; switching EFS mode will not help';
      break;
    case 'none':
      summary = 'nothing to change';
      break;
    default:
      summary =
        verdict !== 'efs-io-limit'
          ? 'look at ClickHouse and the evidence that is missing before changing storage'
          : s.oneZone
            ? `${fsName} is a One Zone file system: ${IOPS_LIMITS.oneZone.read} read and ${IOPS_LIMITS.oneZone.write} write IOPS in every throughput mode (EFS performance table), so a mode change would not raise the limit: reduce small IO (ClickHouse log tables, many small parts), or move the data to a Regional file system`
            : `${fsName} is already on Elastic throughput, the highest IOPS limit EFS offers: reduce small IO (ClickHouse log tables, many small parts) and look at ClickHouse before changing storage`;
  }
  return { action, summary, costs, caveats, priceTable: table };
}

/**
 * The EFS metrics that are missing and should not be: burst credits exist
 * only in Bursting mode, PercentIOLimit only in General Purpose mode.
 */
function relevantMissing(evidence: Evidence): string[] {
  if (!evidence.efs.available) return [];
  const { throughputMode, performanceMode } = evidence.efs.fileSystem;
  return evidence.efs.missing.filter(
    (id) =>
      !(id === 'burst_credit_balance' && throughputMode !== 'bursting') &&
      !(id === 'percent_io_limit' && performanceMode === 'maxIO'),
  );
}

function confidenceOf(
  ranked: Scored[],
  s: Signals,
  evidence: Evidence,
): number {
  const top = ranked[0]?.score ?? 0;
  const second = ranked[1]?.score ?? 0;
  let coverage = 1;
  if (!s.efsAvailable) coverage -= 0.3;
  if (!s.langfuseAvailable) coverage -= 0.1;
  if (!evidence.clickhouse.available) coverage -= 0.1;
  if (evidence.efs.available)
    coverage -= Math.min(0.2, 0.03 * relevantMissing(evidence).length);
  const margin = clamp01((top - second) / 0.5);
  return clamp01(top * (0.6 + 0.4 * margin) * coverage);
}

function findingsFor(winner: Scored, s: Signals, evidence: Evidence): string[] {
  const findings = [...winner.evidenceFor];
  if (s.efsAvailable && s.sizeStandardBytes !== null && s.mode) {
    findings.push(
      `${s.mode} mode${s.performanceMode === 'maxIO' ? ' (Max I/O performance mode)' : ''}, ${formatBytes(s.sizeStandardBytes)} in Standard storage${s.baselineBytesPerSecond !== null && s.mode === 'bursting' ? `: baseline ${formatRate(s.baselineBytesPerSecond)}, burst ${formatRate(s.burstBytesPerSecond ?? 0)} while credits last` : ''}`,
    );
  }
  if (s.readBytes !== null && s.writeBytes !== null) {
    const seconds = s.windowMinutes * 60;
    findings.push(
      `IO in the window: reads ${formatRate(s.readBytes / seconds)}, writes ${formatRate(s.writeBytes / seconds)}, metadata ${formatRate((s.metadataBytes ?? 0) / seconds)} on average`,
    );
  }
  if (
    evidence.clickhouse.available &&
    winner.verdict !== 'clickhouse-merge-backlog'
  ) {
    const line = partsLine(evidence.clickhouse.summary);
    if (line) findings.push(`ClickHouse: ${line}`);
  }
  return [...new Set(findings)];
}

function headlineFor(verdict: Verdict, s: Signals, fsName: string): string {
  switch (verdict) {
    case 'efs-burst-credits-exhausted':
      return `${fsName} ran out of burst credits: throughput held at ${formatRate(s.permittedBytesPerSecond ?? 0)} and pinned for ${formatMinutes(s.pinnedMinutes)}`;
    case 'efs-burst-credits-draining':
      return `${fsName} burst credits run out in about ${formatMinutes(s.forecastMinutesToZero ?? 0)}`;
    case 'efs-provisioned-throughput-saturated':
      return `${fsName} is pinned at its provisioned ${s.provisionedMibps ?? '?'} MiB/s for ${formatMinutes(s.pinnedMinutes)}`;
    case 'efs-io-limit':
      return `${fsName} is at the General Purpose IO limit for ${formatMinutes(s.ioLimitMinutes)}`;
    case 'clickhouse-merge-backlog':
      return 'ClickHouse merges are falling behind inserts while storage has headroom';
    case 'clickhouse-unreachable':
      return 'ClickHouse does not answer, and storage does not explain it';
    case 'no-storage-problem':
      return `${fsName} storage and ClickHouse look healthy`;
    case 'insufficient-evidence':
      return 'too little data to say what is wrong';
  }
}

/** Diagnoses the evidence. */
export function diagnose(
  evidence: Evidence,
  context: DiagnoseContext,
): { diagnosis: Diagnosis; recommendation: Recommendation } {
  const s = computeSignals(evidence, context);
  const scored: Scored[] = [
    scoreExhausted(s),
    scoreDraining(s),
    scoreProvisioned(s),
    scoreIoLimit(s),
    scoreBacklog(s, evidence),
    scoreUnreachable(s, evidence),
    scoreHealthy(s, evidence),
    scoreInsufficient(s, evidence),
  ];
  // Stable order on ties: the order of VERDICTS in shared/domain/contracts.ts,
  // which is the order the scorers are listed in above.
  const ranked = scored
    .map((h, i) => ({ h: { ...h, score: clamp01(h.score) }, i }))
    .sort((a, b) => b.h.score - a.h.score || a.i - b.i)
    .map((x) => x.h);
  const winner = ranked[0] as Scored;
  const fsName = evidence.efs.available
    ? evidence.efs.fileSystem.name
      ? `${evidence.efs.fileSystem.fileSystemId} (${evidence.efs.fileSystem.name})`
      : evidence.efs.fileSystem.fileSystemId
    : 'the file system';
  const gaps: string[] = [];
  if (!evidence.efs.available) gaps.push(`EFS: ${evidence.efs.reason}`);
  else if (relevantMissing(evidence).length)
    gaps.push(`EFS metrics missing: ${relevantMissing(evidence).join(', ')}`);
  if (!evidence.langfuse.available)
    gaps.push(`Langfuse signals: ${evidence.langfuse.reason}`);
  if (!evidence.clickhouse.available)
    gaps.push(`ClickHouse: ${evidence.clickhouse.reason}`);
  else {
    const failed = Object.entries(evidence.clickhouse.queries).filter(
      ([, q]) => !q.ok,
    );
    if (failed.length)
      gaps.push(
        `ClickHouse queries unavailable: ${failed.map(([n, q]) => `${n} (${q.reason ?? 'failed'})`).join('; ')}`,
      );
  }

  const ranking: Hypothesis[] = ranked.map((h) => ({
    verdict: h.verdict,
    score: Math.round(h.score * 1000) / 1000,
    evidenceFor: h.evidenceFor,
    evidenceAgainst: h.evidenceAgainst.length
      ? h.evidenceAgainst
      : [
          `scored ${h.score.toFixed(2)} against ${winner.score.toFixed(2)} for ${winner.verdict}`,
        ],
  }));
  const ch = evidence.clickhouse.available ? evidence.clickhouse.summary : null;
  return {
    diagnosis: {
      verdict: winner.verdict,
      confidence: Math.round(confidenceOf(ranked, s, evidence) * 100) / 100,
      headline: headlineFor(winner.verdict, s, fsName),
      findings: findingsFor(winner, s, evidence),
      ranked: ranking,
      gaps,
      signals: {
        sizeStandardBytes: s.sizeStandardBytes,
        baselineBytesPerSecond: s.baselineBytesPerSecond,
        burstBytesPerSecond: s.burstBytesPerSecond,
        permittedBytesPerSecond: s.permittedBytesPerSecond,
        utilizationMaxPercent: s.utilizationMaxPercent,
        pinnedMinutes: s.pinnedMinutes,
        pinnedLongestMinutes: s.pinnedLongestMinutes,
        creditBytes: s.creditBytes,
        creditSlopeBytesPerMinute: s.creditSlopeBytesPerMinute,
        forecastMinutesToZero: s.forecastMinutesToZero,
        percentIoLimitMax: s.percentIoLimitMax,
        droppedRecords: s.droppedRecords,
        clickhouseTimeouts: s.clickhouseTimeouts,
        langfuseLagMinutes: s.langfuseLagMinutes,
        langfuseCorrelation: s.langfuseCorrelation,
        maxPartsInPartition: ch?.maxPartsInPartition ?? null,
        delayedInserts: ch?.delayedInserts ?? null,
        rejectedInserts: ch?.rejectedInserts ?? null,
      },
      contradictions: findContradictions(evidence),
    },
    recommendation: recommend(winner.verdict, s, context, fsName),
  };
}

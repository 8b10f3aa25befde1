/**
 * The diagnosis engine: scores every verdict of the verdict table
 * (shared/domain/verdicts.ts) from the evidence, ranks them,
 * and says, with numbers, what is wrong, what is not, and what the fix
 * costs. Pure: no I/O, no clock, never throws on schema-valid evidence.
 */

import { storageEntitledBytesPerSecond } from '../advisor/simulate.ts';
import {
  DEFAULT_SIZING,
  percentileLabel,
  type SizingRule,
  sizeProvisioned,
} from '../advisor/sizing.ts';
import {
  type CostOption,
  type Diagnosis,
  type Evidence,
  type Hypothesis,
  type Recommendation,
  VERDICTS,
  type Verdict,
} from '../contracts.ts';
import {
  EFS_WAIT_AFTER_ELASTIC,
  EFS_WAIT_AFTER_PROVISIONED,
  elasticAllowed,
  IOPS_LIMITS,
  MAX_IO_NO_ELASTIC,
  OWN_CAP,
  PROVISIONED_MAX_MIBPS,
} from '../efs-rules.ts';
import { formatCount, formatUsd } from '../messages/numbers.ts';
import { describeTable, type PriceOverrides, priceTable } from '../pricing.ts';
import { rankByScore, VERDICT_TABLE } from '../verdicts.ts';
import { findContradictions } from './contradictions.ts';
import { formatBytes, formatRate } from './forecast.ts';
import { logTablesFinding, replicaFindings } from './replicas.ts';
import { clamp01, partsLine, type Scoring } from './scorers.ts';
import { computeSignals, type Signals } from './signals.ts';

export { actionFor } from '../verdicts.ts';

export type DiagnoseContext = {
  region: string;
  windowStart: string;
  windowEnd: string;
  prices?: PriceOverrides;
  /** The Provisioned sizing rule (the configuration's `advisor`). */
  sizing?: SizingRule;
};

const MiB = 1024 * 1024;
const GB = 1e9;

type Scored = Scoring & { verdict: Verdict };

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
      basis: `${formatCount(readGb, 1)} GB read and ${formatCount(writeGb, 1)} GB written a month at this window's rate, plus storage`,
    });
  } else {
    costs.push({
      mode: 'elastic',
      monthlyUsd: null,
      basis: 'read and write bytes were not available',
    });
  }
  // The Provisioned size: the advisor's one sizing rule (sizing.ts) over
  // this window's demand. Pinned at a provisioned rate, demand is above it
  // by an unknown amount: at least the current setting plus the same
  // headroom. Within EFS's Provisioned range (1 to 3414 MiB/s, the top
  // depending on Region).
  const demand =
    s.demandBytesPerSecond ??
    (s.demandP95BytesPerSecond === null ? [] : [s.demandP95BytesPerSecond]);
  const rule = context.sizing ?? DEFAULT_SIZING;
  const size = sizeProvisioned(demand, s.periodSeconds, rule);
  if (size) {
    const pinnedProvisioned =
      s.mode === 'provisioned' &&
      s.pinnedMinutes > 0 &&
      s.provisionedMibps !== null;
    const aboveSetting = pinnedProvisioned
      ? Math.ceil((s.provisionedMibps ?? 0) * (1 + rule.headroomPercent / 100))
      : 0;
    const wanted = Math.max(size.wantedMibps, aboveSetting);
    const mibps = Math.min(PROVISIONED_MAX_MIBPS, wanted);
    // Billed above what the storage entitles (50 KiB/s per GiB), as the
    // advisor bills it (advisor/simulate.ts simulateProvisioned): the
    // 1 MiB/s minimum is a performance floor, not a billing credit.
    const entitled =
      s.sizeStandardBytes === null
        ? 0
        : storageEntitledBytesPerSecond(s.sizeStandardBytes);
    const billed = Math.max(0, mibps - entitled / MiB);
    costs.push({
      mode: 'provisioned',
      provisionedMibps: mibps,
      monthlyUsd: round2(
        billed * table.provisionedUsdPerMibpsMonth + (storage ?? 0),
      ),
      basis: `${pinnedProvisioned ? `pinned at the provisioned ${s.provisionedMibps} MiB/s, so demand is above it: that + ${rule.headroomPercent}%, or ` : ''}${percentileLabel(rule.tolerancePercent)} demand ${formatRate(size.demandBytesPerSecond)}${s.demandCapped ? ' (capped by starvation: real demand is higher)' : pinnedProvisioned ? ' when not pinned' : ''} + ${rule.headroomPercent}% headroom${wanted > mibps ? ` (${wanted} MiB/s wanted, above EFS's ${PROVISIONED_MAX_MIBPS} MiB/s Provisioned maximum)` : ''}; ${s.sizeStandardBytes === null ? 'billed in full (the storage size, which entitles 50 KiB/s per GiB, is unknown)' : `billed above the ${formatRate(entitled)} the storage entitles (50 KiB/s per GiB), plus storage`}`,
    });
  }
  costs.push({
    mode: 'bursting',
    monthlyUsd: storage === null ? null : round2(storage),
    basis:
      storageGb === null
        ? 'size unknown'
        : `storage only (${formatCount(storageGb, 1)} GB); throughput limited to the baseline once credits run out`,
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
  const row = VERDICT_TABLE[verdict];
  const action = row.action(s);
  const { costs, table } = costOptions(s, context);
  const caveats: string[] = [];
  const maxIo = !elasticAllowed(s.performanceMode);
  let summary: string;
  switch (action) {
    case 'switch-to-elastic': {
      summary =
        row.elasticRaises === 'iops'
          ? `switch ${fsName} to Elastic throughput to raise its IOPS limit: ${iopsLine(s.mode)}`
          : `switch ${fsName} to Elastic throughput: no downtime, pay per GB moved, bursts to GiB/s`;
      caveats.push(EFS_WAIT_AFTER_ELASTIC, OWN_CAP);
      // At a steady load Provisioned can be far cheaper (langfuse-terraform-aws
      // issue #39): say so, with both numbers, and why Elastic comes first.
      const elastic = costs.find((c) => c.mode === 'elastic')?.monthlyUsd;
      const provisioned = costs.find((c) => c.mode === 'provisioned');
      if (
        row.elasticRaises !== 'iops' &&
        elastic != null &&
        provisioned?.monthlyUsd != null &&
        provisioned.monthlyUsd < elastic / 2
      ) {
        caveats.push(
          `at this load Provisioned ${formatCount(provisioned.provisionedMibps ?? 0)} MiB/s would cost about ${formatUsd(provisioned.monthlyUsd)}/month against ${formatUsd(elastic)} for Elastic; Elastic is the fix that needs no sizing, Provisioned the cheaper one once the load is known`,
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
      summary = row.investigate(s, fsName);
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
  // The baseline is said once: the winner's evidence may already give it.
  const baselineSaid = findings.some((f) => f.includes('baseline'));
  if (s.efsAvailable && s.sizeStandardBytes !== null && s.mode) {
    findings.push(
      `${s.mode} mode${s.performanceMode === 'maxIO' ? ' (Max I/O performance mode)' : ''}, ${formatBytes(s.sizeStandardBytes)} in Standard storage${s.baselineBytesPerSecond !== null && s.mode === 'bursting' && !baselineSaid ? `: baseline ${formatRate(s.baselineBytesPerSecond)}, burst ${formatRate(s.burstBytesPerSecond ?? 0)} while credits last` : ''}`,
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
    VERDICT_TABLE[winner.verdict].partsInFindings
  ) {
    const line = partsLine(evidence.clickhouse.summary);
    if (line) findings.push(`ClickHouse: ${line}`);
  }
  findings.push(...replicaFindings(evidence.clickhouse, winner.verdict));
  const logTables = logTablesFinding(evidence.clickhouse);
  if (logTables) findings.push(logTables);
  return [...new Set(findings)];
}

/** Diagnoses the evidence. */
export function diagnose(
  evidence: Evidence,
  context: DiagnoseContext,
): { diagnosis: Diagnosis; recommendation: Recommendation } {
  const s = computeSignals(evidence, context);
  const scored = VERDICTS.map((verdict): Scored => {
    const out: Scoring = { score: 0, evidenceFor: [], evidenceAgainst: [] };
    VERDICT_TABLE[verdict].score(out, s, evidence);
    return { verdict, ...out, score: clamp01(out.score) };
  });
  const ranked = rankByScore(scored);
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
      headline: VERDICT_TABLE[winner.verdict].headline(s, fsName),
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

/**
 * Built-in incidents, simulated with EFS's Bursting physics (EFS user guide,
 * "Performance"): credits accrue at the baseline while throughput is below
 * it and are spent above it; while credits last the file system may burst to
 * 100 MiB/s per TiB of Standard storage (at least 100 MiB/s), and at zero
 * the permitted throughput falls to the baseline (50 KiB/s per GiB, at least
 * 1 MiB/s). Reads are metered at one third. Each scenario is a
 * Recording, exactly as `burstguard record` would write it, so the demo and
 * the tests run the same code as a replay. Deterministic: seeded noise.
 */
import { METRIC_IDS, type MetricId } from '../shared/domain/contracts.ts';
import { burstBytesPerSecondFor } from '../shared/domain/efs-rules.ts';
import { rng } from './random.ts';
import type { Recording } from './recording-format.ts';
import { RECORDING_VERSION } from './recording-format.ts';

export const SCENARIOS = [
  'credits-exhausted',
  'credits-draining',
  'provisioned-saturated',
  'io-limit',
  'maxio-credits-exhausted',
  'io-limit-bursting',
  'credits-exhausted-2tib',
  'merge-backlog',
  'clickhouse-unreachable',
  'healthy-blip',
  'elastic-headroom',
  'too-little-data',
  'credits-contradictory',
  'eks-replicas',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** What each scenario is, in one line, for `demo --help` and docs. */
export const SCENARIO_DESCRIPTIONS: Record<ScenarioName, string> = {
  'credits-exhausted':
    'Bursting, 3.6 GiB stored, credits exhausted: throughput pinned at 1 MiB/s, Langfuse dropping records',
  'credits-draining':
    'Bursting, 200 GiB stored, demand above the baseline: credits run out in a few hours',
  'provisioned-saturated':
    'Provisioned at 8 MiB/s, demand above it: pinned, Langfuse timing out',
  'io-limit':
    'General Purpose mode, already Elastic, at 100% PercentIOLimit from small ClickHouse log writes',
  'maxio-credits-exhausted':
    'Max I/O performance mode, Bursting, 40 GiB stored, credits exhausted: no Elastic for Max I/O, so Provisioned',
  'io-limit-bursting':
    'General Purpose, Bursting with plenty of credits, at 100% PercentIOLimit from small ClickHouse writes',
  'credits-exhausted-2tib':
    'Bursting, 2 TiB stored (200 MiB/s burst, 100 MiB/s baseline), credits exhausted under a 130 MiB/s load',
  'merge-backlog':
    'Elastic storage with headroom, ClickHouse piling up parts from tiny inserts',
  'clickhouse-unreachable': 'storage healthy, ClickHouse not answering',
  'healthy-blip':
    'Bursting with plenty of credits: a short spike, nothing wrong',
  'elastic-headroom':
    'Elastic throughput with plenty of headroom and a quiet ClickHouse: nothing wrong',
  'too-little-data': 'a file system with five minutes of metrics',
  'credits-contradictory':
    'sources that disagree: 1.8 TiB of burst credits, yet permitted throughput at the 1 MiB/s floor and pinned; auto asks a person',
  'eks-replicas':
    "Langfuse on EKS as its Terraform module builds it: three ClickHouse replicas on one Bursting file system, credits exhausted, every replica's replication queue growing, ClickHouse's own log tables a third of the writes, Langfuse dropping records",
};

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;
/**
 * Maximum (and initial) credit balance: 2.1 TiB under 1 TiB stored, 2.1 TiB
 * per TiB stored above (EFS user guide, "Performance", Bursting).
 */
function maxCreditsBytes(sizeBytes: number): number {
  return 2.1 * TiB * Math.max(1, sizeBytes / TiB);
}
const MAX_CREDITS_BYTES = maxCreditsBytes(0);
/** Elastic's PermittedThroughput reports the max write throughput. */
const ELASTIC_PERMITTED_BYTES_PER_SECOND = 3 * GiB;

type Demand = { readBps: number; writeBps: number; metadataBps: number };

type Spec = {
  mode: 'bursting' | 'provisioned' | 'elastic';
  sizeBytes: number;
  provisionedMibps?: number;
  performanceMode?: 'generalPurpose' | 'maxIO';
  initialCreditsBytes?: number;
  demand: (minute: number, noise: () => number) => Demand;
  percentIoLimit?: (minute: number, noise: () => number) => number;
  /** Minutes of data that exist (the rest of the window has none). */
  dataMinutes?: number;
  /**
   * What CloudWatch reports as BurstCreditBalance, whatever the physics
   * did: a recording whose sources contradict each other (credits above
   * zero while permitted throughput sits at the baseline).
   */
  reportedCreditsBytes?: number;
  clickhouse: 'healthy' | 'slow-merges' | 'backlog' | 'unreachable';
  /** A cluster of this many replicas on the file system, each recorded. */
  replicas?: number;
  trigger: 'credits' | 'utilization' | 'io-limit' | 'log' | 'manual';
};

/** A rate in MiB/s: a base plus a seeded spread, or a fixed base alone. */
type Band = readonly [baseMibps: number, spreadMibps?: number];

function bandBps([base, spread]: Band, noise: () => number): number {
  return (spread === undefined ? base : base + spread * noise()) * MiB;
}

/**
 * A demand that keeps the same bands all window long. The noise is drawn
 * read, write, metadata, and only for a band with a spread, so the seeded
 * sequence stays the same for every scenario.
 */
function steady(read: Band, write: Band, metadata: Band): Spec['demand'] {
  return (_, noise) => ({
    readBps: bandBps(read, noise),
    writeBps: bandBps(write, noise),
    metadataBps: bandBps(metadata, noise),
  });
}

/** PercentIOLimit around a base for 70 minutes, then pinned at 97-100%. */
function ioLimitPinnedAfter70(base: number): Spec['percentIoLimit'] {
  return (minute, noise) =>
    minute < 70 ? base + 10 * noise() : 97 + 3 * noise();
}

const SPECS: Record<ScenarioName, Spec> = {
  'credits-exhausted': {
    mode: 'bursting',
    sizeBytes: 3.6 * GiB,
    // Metered demand is ~1.2 MiB/s against the 1 MiB/s floor: these credits
    // last the first ~75 minutes of the window.
    initialCreditsBytes: 0.8 * GiB,
    demand: steady([0.5, 0.15], [0.95, 0.2], [0.08, 0.03]),
    clickhouse: 'slow-merges',
    trigger: 'credits',
  },
  'credits-draining': {
    mode: 'bursting',
    sizeBytes: 200 * GiB,
    initialCreditsBytes: 160 * GiB,
    demand: steady([12, 2], [14, 2], [1, 0.2]),
    clickhouse: 'healthy',
    trigger: 'credits',
  },
  'provisioned-saturated': {
    mode: 'provisioned',
    sizeBytes: 40 * GiB,
    provisionedMibps: 8,
    demand: (minute, n) => ({
      readBps: (3 + n()) * MiB,
      writeBps: (minute > 60 ? 9 : 4 + n()) * MiB,
      metadataBps: 0.5 * MiB,
    }),
    clickhouse: 'slow-merges',
    trigger: 'utilization',
  },
  'io-limit': {
    mode: 'elastic',
    sizeBytes: 12 * GiB,
    performanceMode: 'generalPurpose',
    demand: steady([0.8, 0.2], [1.5, 0.3], [2.5, 0.5]),
    percentIoLimit: ioLimitPinnedAfter70(55),
    clickhouse: 'healthy',
    trigger: 'io-limit',
  },
  'maxio-credits-exhausted': {
    mode: 'bursting',
    performanceMode: 'maxIO',
    sizeBytes: 40 * GiB,
    // Baseline 40 GiB × 50 KiB/s = 2,000 KiB/s; metered demand ~2.5 MiB/s
    // spends ~33 MiB of credits a minute: 2.5 GiB last ~75 minutes.
    initialCreditsBytes: 2.5 * GiB,
    demand: steady([0.9, 0.2], [1.95, 0.2], [0.2, 0.05]),
    clickhouse: 'slow-merges',
    trigger: 'credits',
  },
  'io-limit-bursting': {
    mode: 'bursting',
    sizeBytes: 60 * GiB,
    performanceMode: 'generalPurpose',
    initialCreditsBytes: 1.9 * TiB,
    // Metered ~2.4 MiB/s, under the 3 MiB/s baseline: credits grow, but
    // small metadata-heavy IO holds the General Purpose IOPS limit.
    demand: steady([0.6, 0.2], [0.9, 0.2], [1.1, 0.2]),
    percentIoLimit: ioLimitPinnedAfter70(50),
    clickhouse: 'healthy',
    trigger: 'io-limit',
  },
  'credits-exhausted-2tib': {
    mode: 'bursting',
    sizeBytes: 2 * TiB,
    // Baseline 100 MiB/s, burst 200 MiB/s; metered demand ~130 MiB/s spends
    // ~1.8 GiB of credits a minute: 130 GiB last ~75 minutes.
    initialCreditsBytes: 130 * GiB,
    demand: steady([60, 6], [105, 8], [5, 1]),
    clickhouse: 'slow-merges',
    trigger: 'credits',
  },
  'merge-backlog': {
    mode: 'elastic',
    sizeBytes: 25 * GiB,
    demand: steady([4, 1], [6, 1], [0.6]),
    clickhouse: 'backlog',
    trigger: 'log',
  },
  'clickhouse-unreachable': {
    mode: 'elastic',
    sizeBytes: 25 * GiB,
    demand: steady([3, 1], [5, 1], [0.5]),
    clickhouse: 'unreachable',
    trigger: 'log',
  },
  'healthy-blip': {
    mode: 'bursting',
    sizeBytes: 60 * GiB,
    initialCreditsBytes: 1.9 * TiB,
    demand: (minute, n) => {
      const spike = minute >= 150 && minute < 156 ? 55 : 0;
      return {
        readBps: (1 + n() + spike / 2) * MiB,
        writeBps: (2 + n() + spike / 2) * MiB,
        metadataBps: 0.3 * MiB,
      };
    },
    clickhouse: 'healthy',
    trigger: 'utilization',
  },
  'elastic-headroom': {
    mode: 'elastic',
    sizeBytes: 18 * GiB,
    demand: steady([6, 2], [9, 2], [0.8]),
    clickhouse: 'healthy',
    trigger: 'manual',
  },
  'too-little-data': {
    mode: 'bursting',
    sizeBytes: 2 * GiB,
    initialCreditsBytes: MAX_CREDITS_BYTES,
    dataMinutes: 5,
    demand: steady([0.2, 0.1], [0.3, 0.1], [0.05]),
    clickhouse: 'healthy',
    trigger: 'manual',
  },
  'credits-contradictory': {
    mode: 'bursting',
    sizeBytes: 3.6 * GiB,
    // The physics of the seed incident with no credits at all: permitted
    // throughput at the 1 MiB/s floor, pinned, Langfuse failing. Yet
    // BurstCreditBalance reads 1.8 TiB, which EFS says would allow bursting.
    initialCreditsBytes: 0,
    reportedCreditsBytes: 1.8 * TiB,
    demand: steady([0.5, 0.15], [0.95, 0.2], [0.08, 0.03]),
    clickhouse: 'slow-merges',
    trigger: 'utilization',
  },
  'eks-replicas': {
    mode: 'bursting',
    // Three replicas' data and three Keepers' on one file system; metered
    // demand ~1.5 MiB/s against the 1 MiB/s floor spends these credits in
    // the first ~70 minutes of the window.
    sizeBytes: 6 * GiB,
    initialCreditsBytes: 2 * GiB,
    demand: steady([0.6, 0.15], [1.2, 0.2], [0.12, 0.03]),
    clickhouse: 'slow-merges',
    replicas: 3,
    trigger: 'credits',
  },
};

/** The Bursting baseline of a size: 50 KiB/s per GiB, 1 MiB/s floor. */
export function baselineBytesPerSecond(sizeBytes: number): number {
  return Math.max(MiB, (sizeBytes / GiB) * 50 * KiB);
}

type Minute = {
  t: Date;
  creditsBytes: number | null;
  permittedBps: number;
  meteredBytes: number;
  readBytes: number;
  writeBytes: number;
  metadataBytes: number;
  totalBytes: number;
  percentIoLimit: number | null;
  connections: number;
  dropped: number;
  timeouts: number;
};

/** Runs the physics minute by minute over the window. */
function simulate(
  spec: Spec,
  start: Date,
  minutes: number,
  seed: number,
): Minute[] {
  const noise = rng(seed);
  const baseline = baselineBytesPerSecond(spec.sizeBytes);
  const burst = burstBytesPerSecondFor(spec.sizeBytes);
  const maxCredits = maxCreditsBytes(spec.sizeBytes);
  let credits = spec.initialCreditsBytes ?? maxCredits;
  let starvedFor = 0;
  const out: Minute[] = [];
  for (let m = 0; m < minutes; m++) {
    const d = spec.demand(m, noise);
    // Metering: reads count at one third (EFS guide, 2022 revision).
    const demandMetered = d.readBps / 3 + d.writeBps + d.metadataBps;
    let permitted: number;
    if (spec.mode === 'bursting') {
      permitted = credits > 0 ? burst : baseline;
    } else if (spec.mode === 'provisioned') {
      permitted = (spec.provisionedMibps ?? 1) * MiB;
    } else {
      permitted = ELASTIC_PERMITTED_BYTES_PER_SECOND;
    }
    let served = Math.min(demandMetered, permitted);
    if (spec.mode === 'bursting') {
      // Credits: earned at the baseline, spent by what is served.
      const next = credits + (baseline - served) * 60;
      if (next < 0) {
        // Out of credits within the minute: the rest runs at baseline.
        served = Math.min(served, baseline + credits / 60);
        credits = 0;
      } else {
        credits = Math.min(maxCredits, next);
      }
    }
    const share = demandMetered > 0 ? served / demandMetered : 1;
    const starved = share < 0.98;
    starvedFor = starved ? starvedFor + 1 : 0;
    // Langfuse's writer times out, retries 3 times, then drops: errors start
    // a few minutes into starvation and grow with the unmet demand.
    const unmet = 1 - share;
    const timeouts =
      starvedFor >= 3 ? Math.round(4 + 30 * unmet * (0.7 + 0.6 * noise())) : 0;
    const dropped =
      starvedFor >= 6 ? Math.round(200 * unmet * (0.6 + 0.8 * noise())) : 0;
    out.push({
      t: new Date(start.getTime() + m * 60_000),
      creditsBytes:
        spec.mode === 'bursting'
          ? (spec.reportedCreditsBytes ?? credits)
          : null,
      permittedBps: permitted,
      meteredBytes: served * 60,
      readBytes: d.readBps * share * 60,
      writeBytes: d.writeBps * share * 60,
      metadataBytes: d.metadataBps * share * 60,
      totalBytes: (d.readBps + d.writeBps + d.metadataBps) * share * 60,
      percentIoLimit:
        spec.performanceMode === 'maxIO'
          ? null
          : spec.percentIoLimit
            ? Math.min(100, spec.percentIoLimit(m, noise))
            : Math.min(100, 8 + 20 * share * noise()),
      connections: 4,
      dropped,
      timeouts,
    });
  }
  return out;
}

/**
 * Every series a recording can hold: its GetMetricData Id, its label, the
 * value of a simulated minute, and whether minutes with nothing are left
 * out (Langfuse's log metrics have no default value, so CloudWatch holds
 * only the minutes that matched).
 */
const SERIES = {
  burst_credit_balance: ['BurstCreditBalance', (m) => m.creditsBytes],
  permitted_throughput: ['PermittedThroughput', (m) => m.permittedBps],
  metered_io_bytes: ['MeteredIOBytes', (m) => m.meteredBytes],
  total_io_bytes: ['TotalIOBytes', (m) => m.totalBytes],
  data_read_io_bytes: ['DataReadIOBytes', (m) => m.readBytes],
  data_write_io_bytes: ['DataWriteIOBytes', (m) => m.writeBytes],
  metadata_io_bytes: ['MetadataIOBytes', (m) => m.metadataBytes],
  percent_io_limit: ['PercentIOLimit', (m) => m.percentIoLimit],
  client_connections: ['ClientConnections', (m) => m.connections],
  langfuse_dropped_records: ['DroppedRecords', (m) => m.dropped, true],
  langfuse_clickhouse_timeouts: [
    'ClickHouseWriteTimeouts',
    (m) => m.timeouts,
    true,
  ],
  langfuse_writer_errors: [
    'langfuse.queue.clickhouse_writer.error',
    (m) => m.dropped,
    true,
  ],
} satisfies Record<
  MetricId,
  readonly [label: string, pick: (m: Minute) => number | null, sparse?: boolean]
>;

function series(ids: readonly MetricId[], minutes: Minute[]) {
  return ids.map((id) => {
    const [label, pick, sparse = false] = SERIES[id];
    const points = minutes
      .map((m) => ({ t: m.t, v: pick(m) }))
      .filter(
        (p): p is { t: Date; v: number } =>
          p.v !== null && (!sparse || p.v > 0),
      )
      // CloudWatch's default order: TimestampDescending.
      .reverse();
    return {
      Id: id,
      Label: label,
      Timestamps: points.map((p) =>
        p.t.toISOString().replace('.000Z', '+00:00'),
      ),
      Values: points.map((p) => Math.round(p.v * 1000) / 1000),
      StatusCode: 'Complete',
    };
  });
}

function alarmEvent(
  spec: Spec,
  fileSystemId: string,
  region: string,
  at: Date,
): unknown {
  if (spec.trigger === 'manual') {
    return { fileSystemId, windowMinutes: 180 };
  }
  const names = {
    credits: [
      'burstguard-prod-burst-credits-low',
      'BurstCreditBalance',
      'Minimum',
    ],
    utilization: [
      'burstguard-prod-throughput-utilization',
      'MeteredIOBytes',
      'Sum',
    ],
    'io-limit': ['burstguard-prod-io-limit', 'PercentIOLimit', 'Maximum'],
    log: [
      'burstguard-prod-langfuse-write-timeouts',
      'ClickHouseWriteTimeouts',
      'Sum',
    ],
  } as const;
  const [alarmName, metric, stat] = names[spec.trigger];
  const isLog = spec.trigger === 'log';
  const stamp = at.toISOString().replace('Z', '+0000');
  return {
    version: '0',
    id: '5d1c5a3e-2a4b-4c4e-9d70-3f1c4b9c1e21',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: at.toISOString().replace('.000Z', 'Z'),
    region,
    resources: [`arn:aws:cloudwatch:${region}:123456789012:alarm:${alarmName}`],
    ...(isLog
      ? { alarmTags: { 'burstguard:file-system-id': fileSystemId } }
      : {}),
    detail: {
      alarmName,
      state: {
        value: 'ALARM',
        reason: `Threshold Crossed: 1 out of the last 1 datapoints was ${isLog ? 'greater than or equal to' : 'beyond'} the threshold.`,
        reasonData: JSON.stringify({
          version: '1.0',
          queryDate: stamp,
          period: 60,
          threshold: 1,
        }),
        timestamp: stamp,
      },
      previousState: {
        value: 'OK',
        reason: 'Threshold Crossed',
        timestamp: new Date(at.getTime() - 6 * 3600_000)
          .toISOString()
          .replace('Z', '+0000'),
      },
      configuration: {
        metrics: [
          {
            id: 'm1',
            metricStat: {
              metric: {
                namespace: isLog
                  ? `Burstguard/Langfuse/${fileSystemId}`
                  : 'AWS/EFS',
                name: metric,
                dimensions: isLog ? {} : { FileSystemId: fileSystemId },
              },
              period: 60,
              stat,
            },
            returnData: true,
          },
        ],
      },
    },
  };
}

/** ClickHouse system-table rows in the recording's JSONEachRow shapes. */
function clickhouseRows(kind: Spec['clickhouse'], end: Date, minutes: number) {
  const parts =
    kind === 'backlog'
      ? [1680, 420, 35]
      : kind === 'slow-merges'
        ? [190, 64, 22]
        : [24, 12, 6];
  const tables = ['observations', 'traces', 'scores'];
  const month = `${end.getUTCFullYear()}${String(end.getUTCMonth() + 1).padStart(2, '0')}`;
  const newPerMinute =
    kind === 'backlog' ? 58 : kind === 'slow-merges' ? 31 : 28;
  const mergesPerMinute =
    kind === 'backlog' ? 6 : kind === 'slow-merges' ? 9 : 27;
  const mergeBytes = kind === 'slow-merges' ? 180 * KiB : 40 * MiB;
  const partLog: Record<string, unknown>[] = [];
  for (let m = 0; m < minutes; m++) {
    const minute = new Date(end.getTime() - (minutes - m) * 60_000)
      .toISOString()
      .slice(0, 19)
      .replace('T', ' ');
    partLog.push(
      {
        minute,
        event_type: 'NewPart',
        n: String(newPerMinute),
        bytes: String(newPerMinute * 90 * KiB),
        duration_ms: String(newPerMinute * 12),
      },
      {
        minute,
        event_type: 'MergeParts',
        n: String(mergesPerMinute),
        bytes: String(mergeBytes * 60),
        duration_ms: String(mergesPerMinute * 4000),
      },
    );
  }
  return {
    merges: [
      {
        database: 'default',
        table: 'observations',
        elapsed: kind === 'slow-merges' ? 1840.2 : 12.4,
        progress: kind === 'slow-merges' ? 0.07 : 0.62,
        num_parts: 6,
        total_size_bytes_compressed: String(310 * MiB),
        bytes_read_uncompressed: String(
          kind === 'slow-merges' ? 330 * MiB : 410 * MiB,
        ),
        bytes_written_uncompressed: String(
          kind === 'slow-merges' ? 25 * MiB : 250 * MiB,
        ),
        memory_usage: String(48 * MiB),
        is_mutation: 0,
        merge_type: 'REGULAR',
        partition_id: month,
        result_part_name: `${month}_1_4211_5`,
      },
    ],
    parts: tables.map((table, i) => ({
      database: 'default',
      table,
      partition_id: month,
      parts: String(parts[i]),
      rows: String((parts[i] ?? 1) * 4200),
      bytes_on_disk: String((parts[i] ?? 1) * 2 * MiB),
    })),
    events: [
      { event: 'InsertQuery', value: '184211' },
      { event: 'DelayedInserts', value: kind === 'backlog' ? '3412' : '0' },
      { event: 'RejectedInserts', value: kind === 'backlog' ? '17' : '0' },
      {
        event: 'DelayedInsertsMilliseconds',
        value: kind === 'backlog' ? '981233' : '0',
      },
    ],
    metrics: [
      { metric: 'Merge', value: '1' },
      { metric: 'BackgroundMergesAndMutationsPoolTask', value: '1' },
    ],
    asynchronous_metrics: [
      { metric: 'MaxPartCountForPartition', value: parts[0] },
    ],
    merge_tree_settings: [
      { name: 'parts_to_delay_insert', value: '1000' },
      { name: 'parts_to_throw_insert', value: '3000' },
      {
        name: 'max_bytes_to_merge_at_max_space_in_pool',
        value: '161061273600',
      },
    ],
    part_log: partLog,
    replication_queue: [],
    mutations: [],
    disks: [
      {
        name: 'default',
        path: '/var/lib/clickhouse/',
        free_space: String(8 * TiB),
        total_space: String(8 * TiB),
      },
    ],
  };
}

/**
 * The pods of the Langfuse Helm chart's ClickHouse StatefulSet as the
 * official Terraform module names their volumes
 * (`data-langfuse-clickhouse-shard0-N`, langfuse/langfuse-terraform-aws
 * clickhouse.tf).
 */
function replicaName(index: number): string {
  return `langfuse-clickhouse-shard0-${index}`;
}

/** ClickHouse DateTime text (UTC) `seconds` before `end`. */
function chTime(end: Date, seconds: number): string {
  return new Date(end.getTime() - seconds * 1000)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ');
}

/**
 * A replica of a starved cluster: system.replication_queue entries (the
 * columns the snapshot selects, shaped as the ClickHouse docs describe
 * system.replication_queue), system.replicas per Langfuse table,
 * system.zookeeper_connection, and part_log per table with the system
 * log tables writing a third of the bytes. Replica N is further behind
 * than replica N-1: its queue grows while the file system holds every
 * replica's fetches and merges back.
 */
function clusterRows(index: number, end: Date, minutes: number) {
  const tables = ['observations', 'traces', 'scores'];
  const entries = 14 + 14 * index;
  const oldestSeconds = (9 + 5 * index) * 60;
  const queue = Array.from({ length: entries }, (_, k) => {
    const fetch = k % 3 !== 2;
    const table = tables[k % tables.length] ?? 'observations';
    const tries = k === 0 ? 40 + 60 * index : 1 + (k % 7);
    return {
      database: 'default',
      table,
      type: fetch ? 'GET_PART' : 'MERGE_PARTS',
      num_tries: tries,
      last_exception: fetch
        ? `Code: 209. DB::NetException: Timeout exceeded while reading from socket (${replicaName((index + 1) % 3)}.langfuse-clickhouse-headless.langfuse.svc.cluster.local:9009, 30000 ms). (SOCKET_TIMEOUT)`
        : '',
      postpone_reason: fetch
        ? ''
        : `Not executing log entry queue-00000${41200 + k} of type MERGE_PARTS for part 202611_${800 + k}_${840 + k}_3 because it is covered by part 202611_800_${845 + k}_4 that is currently executing.`,
      create_time: chTime(end, oldestSeconds - k * 20),
    };
  }).sort((a, b) => b.num_tries - a.num_tries);
  const replicas = tables.map((table, t) => ({
    database: 'default',
    table,
    replica_name: replicaName(index),
    is_readonly: 0,
    is_session_expired: 0,
    queue_size: queue.filter((e) => e.table === table).length,
    inserts_in_queue: queue.filter(
      (e) => e.table === table && e.type === 'GET_PART',
    ).length,
    merges_in_queue: queue.filter(
      (e) => e.table === table && e.type === 'MERGE_PARTS',
    ).length,
    absolute_delay: t === 0 ? oldestSeconds : Math.round(oldestSeconds / 3),
    total_replicas: 3,
    active_replicas: 3,
  }));
  // KiB/s each table writes in parts over the window: Langfuse's tables
  // and the server's own logs (about a third of the bytes next to a
  // modest ingest).
  const written = (kibPerSecond: number) =>
    String(Math.round(kibPerSecond * KiB * 60 * minutes));
  const partLogTables = [
    ['default', 'observations', 95],
    ['default', 'traces', 32],
    ['default', 'scores', 9],
    ['system', 'trace_log', 24],
    ['system', 'metric_log', 16],
    ['system', 'text_log', 11],
    ['system', 'asynchronous_metric_log', 7],
    ['system', 'query_log', 6],
    ['system', 'part_log', 2],
  ] as const;
  return {
    replication_queue: queue,
    replicas,
    keeper: [
      {
        name: 'default',
        host: `langfuse-zookeeper-${index}.langfuse-zookeeper-headless.langfuse.svc.cluster.local`,
        port: 2181,
        is_expired: 0,
        session_uptime_elapsed_seconds: String(86_400 * 3),
      },
    ],
    part_log_tables: partLogTables.map(([database, table, kibps]) => ({
      database,
      table,
      n: String(Math.round((kibps / 4) * minutes)),
      bytes: written(kibps),
    })),
  };
}

/** Builds a scenario's recording, ending at `end` (default: now). */
export function simulateScenario(
  name: ScenarioName,
  options: {
    fileSystemId?: string;
    end?: Date;
    windowMinutes?: number;
    region?: string;
    seed?: number;
  } = {},
): Recording {
  const spec = SPECS[name];
  const fileSystemId = options.fileSystemId ?? 'fs-0a1b2c3d4e5f67890';
  const region = options.region ?? 'us-east-1';
  const windowMinutes = options.windowMinutes ?? 180;
  const endRaw = options.end ?? new Date();
  const end = new Date(Math.floor(endRaw.getTime() / 60_000) * 60_000);
  const start = new Date(end.getTime() - windowMinutes * 60_000);
  const all = simulate(spec, start, windowMinutes, options.seed ?? 7);
  const minutes = spec.dataMinutes ? all.slice(-spec.dataMinutes) : all;
  const metricData = {
    MetricDataResults: series(
      METRIC_IDS.filter(
        (id) =>
          // CloudWatch has no BurstCreditBalance to give outside Bursting
          // and no PercentIOLimit for Max I/O (EFS user guide, "Metrics").
          (id !== 'burst_credit_balance' || spec.mode === 'bursting') &&
          (id !== 'percent_io_limit' || spec.performanceMode !== 'maxIO'),
      ),
      minutes,
    ),
    Messages: [],
  };
  const createdAt = new Date(end.getTime() - 300 * 24 * 3600_000);
  const describe = {
    FileSystems: [
      fileSystemDescription({
        fileSystemId,
        region,
        sizeBytes: spec.sizeBytes,
        mode: spec.mode,
        provisionedMibps: spec.provisionedMibps,
        performanceMode: spec.performanceMode,
        createdAt,
        measuredAt: new Date(end.getTime() - 15 * 60_000),
      }),
    ],
  };

  const clickhouse: Recording['clickhouse'] =
    spec.clickhouse === 'unreachable'
      ? {
          error: 'unreachable after 5 s: connect ETIMEDOUT 10.0.3.17:8123',
          results: {},
        }
      : { results: clickhouseRows(spec.clickhouse, end, windowMinutes) };
  if (spec.replicas && !clickhouse.error) {
    clickhouse.results = {
      ...clickhouse.results,
      ...clusterRows(0, end, windowMinutes),
    };
    clickhouse.replicas = Array.from({ length: spec.replicas }, (_, i) => ({
      name: replicaName(i),
      results: {
        ...clickhouseRows(spec.clickhouse, end, windowMinutes),
        ...clusterRows(i, end, windowMinutes),
      },
    }));
  }
  return {
    meta: oneMinuteMeta({ fileSystemId, region, start, end }),
    trigger: alarmEvent(spec, fileSystemId, region, end),
    describeFileSystems: describe,
    metricData,
    clickhouse,
  };
}

/**
 * The minutes after a switch to Elastic, for the demo's Verify step: the
 * same demand, now served in full (Elastic permits far more than it asks),
 * so throughput utilization falls and Langfuse stops failing. Returns
 * GetMetricData results shaped like the recording's.
 */
export function simulateAfterSwitch(
  name: ScenarioName,
  options: { from: Date; minutes: number; seed?: number },
): Recording['metricData']['MetricDataResults'] {
  const spec: Spec = {
    ...SPECS[name],
    mode: 'elastic',
    initialCreditsBytes: undefined,
  };
  const start = new Date(Math.floor(options.from.getTime() / 60_000) * 60_000);
  const minutes = simulate(spec, start, options.minutes, options.seed ?? 11);
  return series(
    [
      'permitted_throughput',
      'metered_io_bytes',
      'data_read_io_bytes',
      'data_write_io_bytes',
      'langfuse_dropped_records',
      'langfuse_clickhouse_timeouts',
    ],
    minutes,
  );
}

/**
 * One FileSystems entry exactly as `aws efs describe-file-systems` prints
 * it, for a simulated Langfuse ClickHouse file system.
 */
export function fileSystemDescription(fs: {
  fileSystemId: string;
  region: string;
  sizeBytes: number;
  mode: 'bursting' | 'provisioned' | 'elastic';
  provisionedMibps?: number;
  performanceMode?: 'generalPurpose' | 'maxIO';
  createdAt: Date;
  /** When the size was measured; absent leaves SizeInBytes undated. */
  measuredAt?: Date;
}) {
  const cliTime = (t: Date) => t.toISOString().replace('.000Z', '+00:00');
  return {
    OwnerId: '123456789012',
    CreationToken: 'langfuse-clickhouse',
    FileSystemId: fs.fileSystemId,
    FileSystemArn: `arn:aws:elasticfilesystem:${fs.region}:123456789012:file-system/${fs.fileSystemId}`,
    CreationTime: cliTime(fs.createdAt),
    LifeCycleState: 'available',
    Name: 'langfuse-clickhouse',
    NumberOfMountTargets: 2,
    SizeInBytes: {
      Value: Math.round(fs.sizeBytes),
      ...(fs.measuredAt ? { Timestamp: cliTime(fs.measuredAt) } : {}),
      ValueInIA: 0,
      ValueInStandard: Math.round(fs.sizeBytes),
      ValueInArchive: 0,
    },
    PerformanceMode: fs.performanceMode ?? 'generalPurpose',
    Encrypted: true,
    ThroughputMode: fs.mode,
    ...(fs.provisionedMibps
      ? { ProvisionedThroughputInMibps: fs.provisionedMibps }
      : {}),
    Tags: [
      { Key: 'Name', Value: 'langfuse-clickhouse' },
      { Key: 'app', Value: 'langfuse' },
    ],
    FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' },
  };
}

/** meta.json of a simulated recording with 1-minute periods. */
export function oneMinuteMeta(window: {
  fileSystemId: string;
  region: string;
  start: Date;
  end: Date;
}): Recording['meta'] {
  return {
    version: RECORDING_VERSION,
    fileSystemId: window.fileSystemId,
    region: window.region,
    periodSeconds: 60,
    start: window.start.toISOString(),
    end: window.end.toISOString(),
  };
}

/**
 * The findings about a ClickHouse cluster (shared/domain/diagnosis/replicas.ts),
 * each line worked out by hand from the evidence: what a replica's
 * replication queue and Keeper session say (system.replication_queue,
 * system.replicas, system.zookeeper_connection), when a lagging replica
 * is put down to the starved file system, and when ClickHouse's own log
 * tables are a base load of their own (at or above 25% of the bytes
 * ClickHouse wrote in the window, from part_log).
 */
import { describe, expect, it } from 'vitest';
import type {
  ClickHouseEvidence,
  ClickHouseSummary,
  ReplicaEvidence,
  ReplicationSummary,
} from '../../shared/domain/contracts.ts';
import {
  logTablesFinding,
  replicaFindings,
  replicaLagging,
  replicaLine,
} from '../../shared/domain/diagnosis/replicas.ts';

const IDLE_QUEUE: ReplicationSummary = {
  queueEntries: 0,
  stuckEntries: 0,
  oldestEntryAgeSeconds: null,
  worstEntry: null,
  replicatedTables: 12,
  queueSize: 0,
  insertsInQueue: 0,
  mergesInQueue: 0,
  maxAbsoluteDelaySeconds: 0,
  readonlyTables: 0,
  sessionExpiredTables: 0,
};

function replica(
  name: string,
  replication: Partial<ReplicationSummary> | null = {},
  keeper: ReplicaEvidence['keeper'] = { state: 'connected' },
): ReplicaEvidence {
  return {
    name,
    available: true,
    elapsedMs: 40,
    replication:
      replication === null ? null : { ...IDLE_QUEUE, ...replication },
    keeper,
  };
}

const SUMMARY: ClickHouseSummary = {
  activeMerges: 0,
  longestMergeElapsedSeconds: null,
  longestMergeProgress: null,
  mergeBytesPerSecond: null,
  newPartsPerMinute: null,
  mergePartsPerMinute: null,
  maxPartsInPartition: null,
  maxPartsTable: null,
  partsToDelayInsert: null,
  partsToThrowInsert: null,
  delayedInserts: null,
  rejectedInserts: null,
  delayedInsertsMilliseconds: null,
  stuckReplicationEntries: null,
  unfinishedMutations: null,
  diskFreeBytes: null,
  diskTotalBytes: null,
  topPartitions: [],
};

function evidence(
  replicas: ReplicaEvidence[] | undefined,
  summary: ClickHouseSummary = SUMMARY,
): ClickHouseEvidence {
  return {
    source: 'clickhouse',
    available: true,
    elapsedMs: 50,
    queries: {},
    summary,
    ...(replicas ? { replicas } : {}),
  };
}

const MIB = 1024 * 1024;

function logTables(
  bytesWritten: number,
  totalBytesWritten: number,
  tables: { table: string; bytes: number }[],
): ClickHouseSummary {
  return {
    ...SUMMARY,
    logTables: {
      bytesWritten,
      totalBytesWritten,
      sharePercent: (bytesWritten / totalBytesWritten) * 100,
      tables,
    },
  };
}

describe('whether a replica is behind', () => {
  it('is not, with an empty queue and a Keeper session', () => {
    expect(replicaLagging(replica('ch-0'))).toBe(false);
  });

  it('is, with any entry queued, a queue in system.replicas, a read-only or session-expired table', () => {
    expect(replicaLagging(replica('ch-0', { queueEntries: 1 }))).toBe(true);
    expect(replicaLagging(replica('ch-0', { queueSize: 1 }))).toBe(true);
    expect(replicaLagging(replica('ch-0', { readonlyTables: 1 }))).toBe(true);
    expect(replicaLagging(replica('ch-0', { sessionExpiredTables: 1 }))).toBe(
      true,
    );
  });

  it('is, cut off from Keeper, even with its replication not read', () => {
    expect(replicaLagging(replica('ch-0', null, { state: 'expired' }))).toBe(
      true,
    );
    expect(replicaLagging(replica('ch-0', null, { state: 'no-session' }))).toBe(
      true,
    );
    expect(replicaLagging(replica('ch-0', null))).toBe(false);
    expect(
      replicaLagging(replica('ch-0', null, { state: 'not-configured' })),
    ).toBe(false);
  });

  it('reads the unread system.replicas columns as nothing queued', () => {
    expect(
      replicaLagging(
        replica('ch-0', {
          queueSize: null,
          readonlyTables: null,
          sessionExpiredTables: null,
        }),
      ),
    ).toBe(false);
  });
});

describe('the line about one replica', () => {
  it('says a replica that did not answer, and why', () => {
    const silent: ReplicaEvidence = {
      ...replica('ch-2'),
      available: false,
      reason: 'connect ETIMEDOUT 10.0.3.7:8443',
      replication: null,
    };

    expect(replicaLine(silent)).toBe(
      'replica ch-2 did not answer: connect ETIMEDOUT 10.0.3.7:8443',
    );
    expect(replicaLine({ ...silent, reason: undefined })).toBe(
      'replica ch-2 did not answer: unknown',
    );
  });

  it('says an empty queue and the Keeper session', () => {
    expect(replicaLine(replica('ch-0'))).toBe(
      'replica ch-0: replication queue empty; Keeper connected',
    );
    expect(replicaLine(replica('ch-0', null, { state: 'no-session' }))).toBe(
      'replica ch-0: replication not read; no Keeper session',
    );
  });

  it('counts the queue, its oldest entry, fetches and merges, the delay and the most retried entry', () => {
    const behind = replica(
      'ch-1',
      {
        queueEntries: 37,
        stuckEntries: 2,
        // 125 minutes: 2 h 5 min.
        oldestEntryAgeSeconds: 7_500,
        queueSize: 37,
        insertsInQueue: 30,
        mergesInQueue: 7,
        maxAbsoluteDelaySeconds: 812,
        worstEntry: {
          table: 'observations',
          type: 'MERGE_PARTS',
          numTries: 14,
          lastException: 'Code: 159. Timeout exceeded',
          postponeReason: 'Not executing merge: too many in queue',
        },
      },
      { state: 'expired' },
    );

    expect(replicaLine(behind)).toBe(
      'replica ch-1: 37 entries in the replication queue, oldest 2 h 5 min; ' +
        '30 fetches and 7 merges queued; 812 s behind; ' +
        'MERGE_PARTS on observations tried 14 times, last error: Code: 159. Timeout exceeded, postponed: Not executing merge: too many in queue; ' +
        'Keeper session expired',
    );
  });

  it('says one entry, leaves out what was not read, and a first try', () => {
    const one = replica(
      'ch-1',
      {
        queueEntries: 1,
        oldestEntryAgeSeconds: null,
        insertsInQueue: null,
        mergesInQueue: 3,
        maxAbsoluteDelaySeconds: 0,
        worstEntry: {
          table: 'traces',
          type: 'GET_PART',
          numTries: 1,
          lastException: '',
          postponeReason: '',
        },
      },
      { state: 'not-configured' },
    );

    expect(replicaLine(one)).toBe(
      'replica ch-1: 1 entry in the replication queue; no Keeper configured',
    );
  });

  it('says a retried entry without an error or a postponement as just its tries', () => {
    const line = replicaLine(
      replica('ch-1', {
        queueEntries: 2,
        worstEntry: {
          table: 'scores',
          type: 'GET_PART',
          numTries: 3,
          lastException: '',
          postponeReason: '',
        },
      }),
    );

    expect(line).toBe(
      'replica ch-1: 2 entries in the replication queue; 0 fetches and 0 merges queued; GET_PART on scores tried 3 times; Keeper connected',
    );
  });

  it('says a queue known only from system.replicas, read-only tables, and an unknown Keeper state', () => {
    const line = replicaLine(
      replica(
        'ch-3',
        { queueEntries: 0, queueSize: 4, readonlyTables: 5 },
        { state: 'unknown', reason: 'Code: 999. Keeper exception' },
      ),
    );

    expect(line).toBe(
      'replica ch-3: 0 entries in the replication queue; 0 fetches and 0 merges queued; 5 tables read-only; Keeper state unknown (Code: 999. Keeper exception)',
    );
    expect(replicaLine(replica('ch-3', {}, { state: 'unknown' }))).toBe(
      'replica ch-3: replication queue empty; Keeper state unknown',
    );
  });
});

describe("the cluster's findings", () => {
  it('are none without replicas', () => {
    expect(replicaFindings(evidence(undefined), 'efs-io-limit')).toEqual([]);
    expect(replicaFindings(evidence([]), 'efs-io-limit')).toEqual([]);
  });

  it('put lagging replicas down to starved storage once, counting only those that answered', () => {
    const replicas = [
      replica('ch-0'),
      replica('ch-1', { queueEntries: 3 }),
      { ...replica('ch-2', { queueEntries: 9 }), available: false },
    ];

    for (const verdict of [
      'efs-burst-credits-exhausted',
      'efs-provisioned-throughput-saturated',
      'efs-io-limit',
    ] as const) {
      const lines = replicaFindings(evidence(replicas), verdict);

      expect(lines).toHaveLength(4);
      expect(lines[0]).toBe(
        'ClickHouse replica ch-0: replication queue empty; Keeper connected',
      );
      expect(lines[2]).toBe('ClickHouse replica ch-2 did not answer: unknown');
      expect(lines[3]).toBe(
        'ClickHouse replication falling behind on 1 of 3 replicas is a symptom of the starved file system, not a cause of its own: the replicas keep their data on this one file system, and EFS meters their IO together',
      );
    }
  });

  it('leave lagging replicas unexplained when storage is not starved, and say nothing when none lags', () => {
    const lagging = [replica('ch-0'), replica('ch-1', { queueEntries: 3 })];

    for (const verdict of [
      'efs-burst-credits-draining',
      'clickhouse-merge-backlog',
      'no-storage-problem',
    ] as const) {
      expect(replicaFindings(evidence(lagging), verdict)).toHaveLength(2);
    }
    expect(
      replicaFindings(
        evidence([replica('ch-0'), replica('ch-1')]),
        'efs-io-limit',
      ),
    ).toHaveLength(2);
  });
});

describe("ClickHouse's own log tables", () => {
  it('are a finding at 25% of what ClickHouse wrote, naming the three that wrote most', () => {
    // 40 MiB of 160 MiB: 25%.
    const summary = logTables(40 * MIB, 160 * MIB, [
      { table: 'text_log', bytes: 4 * MIB },
      { table: 'trace_log', bytes: 20 * MIB },
      { table: 'part_log', bytes: 2 * MIB },
      { table: 'metric_log', bytes: 14 * MIB },
    ]);

    expect(logTablesFinding(evidence(undefined, summary))).toBe(
      'ClickHouse\'s own log tables wrote 25% of the 160.0 MiB ClickHouse wrote in the window (trace_log 20.0 MiB, metric_log 14.0 MiB, text_log 4.0 MiB), at or above 25%: a base load of their own on the file system. Langfuse\'s Terraform module turns them off with enable_clickhouse_log_tables = false, which removes trace_log, text_log, opentelemetry_span_log, asynchronous_metric_log, metric_log, latency_log (server config <name remove="1"/>)',
    );
  });

  it('are no finding under 25%, when nothing was written, or when part_log was not read', () => {
    // 39 MiB of 160 MiB: 24.4%.
    const under = logTables(39 * MIB, 160 * MIB, [
      { table: 'trace_log', bytes: 39 * MIB },
    ]);

    expect(logTablesFinding(evidence(undefined, under))).toBeNull();
    expect(
      logTablesFinding(evidence(undefined, logTables(0, 0, []))),
    ).toBeNull();
    expect(logTablesFinding(evidence(undefined, SUMMARY))).toBeNull();
  });

  it('add up every replica that was read, and ignore the endpoint then', () => {
    // The endpoint alone would be 0%; the replicas together 30 of 100 MiB.
    const endpoint = logTables(0, 100 * MIB, []);
    const replicas: ReplicaEvidence[] = [
      {
        ...replica('ch-0'),
        summary: logTables(10 * MIB, 50 * MIB, [
          { table: 'trace_log', bytes: 6 * MIB },
          { table: 'text_log', bytes: 4 * MIB },
        ]),
      },
      {
        ...replica('ch-1'),
        summary: logTables(20 * MIB, 50 * MIB, [
          { table: 'text_log', bytes: 12 * MIB },
          { table: 'metric_log', bytes: 8 * MIB },
        ]),
      },
      { ...replica('ch-2'), available: false },
    ];

    expect(logTablesFinding(evidence(replicas, endpoint))).toMatch(
      /^ClickHouse's own log tables wrote 30% of the 100\.0 MiB ClickHouse wrote in the window \(text_log 16\.0 MiB, metric_log 8\.0 MiB, trace_log 6\.0 MiB\), at or above 25%/,
    );
  });

  it('read the endpoint when no replica has a summary, and nothing from an unavailable one', () => {
    const summary = logTables(50 * MIB, 100 * MIB, [
      { table: 'trace_log', bytes: 50 * MIB },
    ]);

    expect(
      logTablesFinding(evidence([replica('ch-0'), replica('ch-1')], summary)),
    ).toMatch(/^ClickHouse's own log tables wrote 50% of the 100\.0 MiB/);
    expect(
      logTablesFinding({
        source: 'clickhouse',
        available: false,
        reason: 'connect ECONNREFUSED',
      }),
    ).toBeNull();
  });
});

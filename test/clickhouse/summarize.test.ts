import { describe, expect, it } from 'vitest';
import { clickHouseSummarySchema } from '../../shared/domain/contracts.ts';
import type { ClickHouseSnapshot } from '../../shared/domain/ports.ts';
import {
  num,
  STUCK_REPLICATION_TRIES,
  summarizeSnapshot,
  TOP_PARTITIONS,
} from '../../shared/domain/sources/clickhouse/summarize.ts';

const MiB = 1024 * 1024;
const window = {
  start: new Date('2026-11-23T02:00:00Z'),
  end: new Date('2026-11-23T03:00:00Z'),
};

type Rows = Record<string, unknown>[];
const ok = (rows: Rows) => ({ ok: true as const, rows });
const failed = (reason: string) => ({ ok: false as const, reason });

/** A regular merge of partition 202611 as system.merges lists it. */
function merge(
  table: string,
  m: {
    elapsed: number;
    progress: number;
    num_parts: number;
    compressedMiB: number;
    readMiB: number;
  },
) {
  return {
    database: 'default',
    table,
    elapsed: m.elapsed,
    progress: m.progress,
    num_parts: m.num_parts,
    total_size_bytes_compressed: String(m.compressedMiB * MiB),
    bytes_read_uncompressed: String(m.readMiB * MiB),
    is_mutation: 0,
    merge_type: 'REGULAR',
    partition_id: '202611',
  };
}

/** A server drowning in parts, as JSONEachRow prints it (64-bit quoted). */
function backlogSnapshot(): ClickHouseSnapshot {
  const partLog: Rows = [];
  for (let m = 0; m < 60; m++) {
    const minute = `2026-11-23 02:${String(m).padStart(2, '0')}:00`;
    partLog.push(
      {
        minute,
        event_type: 'NewPart',
        n: '50',
        bytes: String(50 * 100_000),
        duration_ms: '600',
      },
      {
        minute,
        event_type: 'MergeParts',
        n: '5',
        bytes: String(6 * MiB),
        duration_ms: '20000',
      },
      {
        minute,
        event_type: 'RemovePart',
        n: '40',
        bytes: '0',
        duration_ms: '0',
      },
    );
  }
  return {
    elapsedMs: 42,
    results: {
      merges: ok([
        merge('observations', {
          elapsed: 12.5,
          progress: 0.5,
          num_parts: 6,
          compressedMiB: 100,
          readMiB: 300,
        }),
        merge('traces', {
          elapsed: 1840.25,
          progress: 0.07,
          num_parts: 12,
          compressedMiB: 200,
          readMiB: 40,
        }),
      ]),
      parts: ok([
        {
          database: 'default',
          table: 'traces',
          partition_id: '202611',
          parts: '420',
          rows: '1764000',
          bytes_on_disk: String(840 * MiB),
        },
        {
          database: 'default',
          table: 'observations',
          partition_id: '202611',
          parts: '1680',
          rows: '7056000',
          bytes_on_disk: String(3360 * MiB),
        },
        {
          database: 'default',
          table: 'scores',
          partition_id: '202611',
          parts: 35,
          rows: 147000,
          bytes_on_disk: 70 * MiB,
        },
      ]),
      events: ok([
        { event: 'InsertQuery', value: '184211' },
        { event: 'DelayedInserts', value: '3412' },
        { event: 'RejectedInserts', value: '17' },
        { event: 'DelayedInsertsMilliseconds', value: '981233' },
      ]),
      metrics: ok([{ metric: 'Merge', value: '2' }]),
      asynchronous_metrics: ok([
        { metric: 'MaxPartCountForPartition', value: 1680 },
      ]),
      merge_tree_settings: ok([
        { name: 'parts_to_delay_insert', value: '1000' },
        { name: 'parts_to_throw_insert', value: '3000' },
        {
          name: 'max_bytes_to_merge_at_max_space_in_pool',
          value: '161061273600',
        },
      ]),
      part_log: ok(partLog),
      replication_queue: ok([
        { database: 'default', table: 'traces', num_tries: '101' },
        { database: 'default', table: 'traces', num_tries: '100' },
        { database: 'default', table: 'scores', num_tries: 3 },
      ]),
      mutations: ok([
        {
          database: 'default',
          table: 'traces',
          mutation_id: 'mutation_7.txt',
          parts_to_do: '12',
          latest_fail_reason: '',
        },
      ]),
      disks: ok([
        {
          name: 'default',
          path: '/var/lib/clickhouse/',
          free_space: String(7 * 1024 ** 4),
          total_space: String(8 * 1024 ** 4),
        },
        {
          name: 's3cache',
          path: '/var/lib/clickhouse/cache/',
          free_space: String(1024 ** 3),
          total_space: String(2 * 1024 ** 3),
        },
      ]),
    },
  };
}

describe('summarizeSnapshot', () => {
  it('measures a parts backlog from numeric strings', () => {
    // Prepare
    const snapshot = backlogSnapshot();

    // Act
    const { summary } = summarizeSnapshot(snapshot, window);

    // Assess
    expect(summary.maxPartsInPartition).toBe(1680);
    expect(summary.maxPartsTable).toBe('default.observations');
    expect(summary.partsToDelayInsert).toBe(1000);
    expect(summary.partsToThrowInsert).toBe(3000);
    expect(summary.delayedInserts).toBe(3412);
    expect(summary.rejectedInserts).toBe(17);
    expect(summary.delayedInsertsMilliseconds).toBe(981233);
    expect(summary.topPartitions.map((p) => p.table)).toEqual([
      'observations',
      'traces',
      'scores',
    ]);
    expect(summary.topPartitions[0]).toEqual({
      database: 'default',
      table: 'observations',
      partitionId: '202611',
      parts: 1680,
      rows: 7056000,
      bytesOnDisk: 3360 * MiB,
    });
  });

  it('reads merges in flight: count, longest elapsed and its progress', () => {
    // Prepare
    const snapshot = backlogSnapshot();

    // Act
    const { summary } = summarizeSnapshot(snapshot, window);

    // Assess
    expect(summary.activeMerges).toBe(2);
    expect(summary.longestMergeElapsedSeconds).toBe(1840.25);
    expect(summary.longestMergeProgress).toBe(0.07);
  });

  it('rates new parts against merges per minute of the window', () => {
    // Prepare: 60 minutes of 50 NewPart and 5 MergeParts, one hour window
    const snapshot = backlogSnapshot();

    // Act
    const { summary } = summarizeSnapshot(snapshot, window);

    // Assess
    expect(summary.newPartsPerMinute).toBe(50);
    expect(summary.mergePartsPerMinute).toBe(5);
    // 60 minutes of 6 MiB merged in 3,600 s
    expect(summary.mergeBytesPerSecond).toBeCloseTo((60 * 6 * MiB) / 3600);
  });

  it('counts minutes without part_log rows as quiet minutes', () => {
    // Prepare: the same hour of events over a three-hour window
    const snapshot = backlogSnapshot();
    const longer = {
      start: new Date(window.end.getTime() - 180 * 60_000),
      end: window.end,
    };

    // Act
    const { summary } = summarizeSnapshot(snapshot, longer);

    // Assess
    expect(summary.newPartsPerMinute).toBeCloseTo(50 / 3);
    expect(summary.mergePartsPerMinute).toBeCloseTo(5 / 3);
  });

  it('falls back to the merges in flight for the merge rate without part_log', () => {
    // Prepare
    const snapshot = backlogSnapshot();
    snapshot.results.part_log = failed(
      'system.part_log is not enabled on this server',
    );

    // Act
    const { summary, queries } = summarizeSnapshot(snapshot, window);

    // Assess: 50 MiB in 12.5 s plus 14 MiB in 1840.25 s, side by side
    expect(summary.mergeBytesPerSecond).toBeCloseTo(
      (50 * MiB) / 12.5 + (0.07 * 200 * MiB) / 1840.25,
    );
    expect(summary.newPartsPerMinute).toBeNull();
    expect(summary.mergePartsPerMinute).toBeNull();
    expect(queries.part_log).toEqual({
      ok: false,
      rows: 0,
      reason: 'system.part_log is not enabled on this server',
    });
  });

  it('reports no merge throughput when part_log shows no merges and none run', () => {
    // Prepare
    const snapshot = backlogSnapshot();
    snapshot.results.merges = ok([]);
    snapshot.results.part_log = ok([
      {
        minute: '2026-11-23 02:10:00',
        event_type: 'NewPart',
        n: '3',
        bytes: '3000',
        duration_ms: '9',
      },
    ]);

    // Act
    const { summary } = summarizeSnapshot(snapshot, window);

    // Assess
    expect(summary.mergeBytesPerSecond).toBe(0);
    expect(summary.mergePartsPerMinute).toBe(0);
    expect(summary.newPartsPerMinute).toBeCloseTo(3 / 60);
    expect(summary.activeMerges).toBe(0);
    expect(summary.longestMergeElapsedSeconds).toBeNull();
  });

  it(`counts replication entries tried more than ${STUCK_REPLICATION_TRIES} times as stuck`, () => {
    // Prepare
    const snapshot = backlogSnapshot();

    // Act
    const { summary } = summarizeSnapshot(snapshot, window);

    // Assess
    expect(summary.stuckReplicationEntries).toBe(1);
    expect(summary.unfinishedMutations).toBe(1);
  });

  it('adds up free and total space over the disks', () => {
    // Prepare
    const snapshot = backlogSnapshot();

    // Act
    const { summary } = summarizeSnapshot(snapshot, window);

    // Assess
    expect(summary.diskFreeBytes).toBe(7 * 1024 ** 4 + 1024 ** 3);
    expect(summary.diskTotalBytes).toBe(8 * 1024 ** 4 + 2 * 1024 ** 3);
  });

  it('keeps the largest partitions only', () => {
    // Prepare
    const snapshot = backlogSnapshot();
    snapshot.results.parts = ok(
      Array.from({ length: 25 }, (_, i) => ({
        database: 'default',
        table: 'observations',
        partition_id: String(202601 + i),
        parts: String(i + 1),
        rows: '10',
        bytes_on_disk: '100',
      })),
    );

    // Act
    const { summary, queries } = summarizeSnapshot(snapshot, window);

    // Assess
    expect(summary.topPartitions).toHaveLength(TOP_PARTITIONS);
    expect(summary.topPartitions[0]?.parts).toBe(25);
    expect(summary.topPartitions.at(-1)?.parts).toBe(16);
    expect(queries.parts).toEqual({ ok: true, rows: 25 });
  });

  it('takes MaxPartCountForPartition when it exceeds the bounded parts query', () => {
    // Prepare
    const snapshot = backlogSnapshot();
    snapshot.results.asynchronous_metrics = ok([
      { metric: 'MaxPartCountForPartition', value: '2200' },
    ]);

    // Act
    const { summary } = summarizeSnapshot(snapshot, window);

    // Assess
    expect(summary.maxPartsInPartition).toBe(2200);
  });

  it('uses MaxPartCountForPartition alone when the parts query failed', () => {
    // Prepare
    const snapshot = backlogSnapshot();
    snapshot.results.parts = failed('ClickHouse error 159: timeout exceeded');

    // Act
    const { summary } = summarizeSnapshot(snapshot, window);

    // Assess
    expect(summary.maxPartsInPartition).toBe(1680);
    expect(summary.maxPartsTable).toBeNull();
    expect(summary.topPartitions).toEqual([]);
  });

  it('reads zero for insert counters that never fired', () => {
    // Prepare: system.events lists only events that happened
    const snapshot = backlogSnapshot();
    snapshot.results.events = ok([{ event: 'InsertQuery', value: '12' }]);

    // Act
    const { summary } = summarizeSnapshot(snapshot, window);

    // Assess
    expect(summary.delayedInserts).toBe(0);
    expect(summary.rejectedInserts).toBe(0);
    expect(summary.delayedInsertsMilliseconds).toBe(0);
  });

  it('gives nulls, not zeros, for queries that failed', () => {
    // Prepare
    const reason = 'unreachable';
    const snapshot: ClickHouseSnapshot = {
      elapsedMs: 5000,
      results: {
        merges: failed(reason),
        parts: failed(reason),
        events: failed(reason),
        asynchronous_metrics: failed(reason),
        merge_tree_settings: failed(reason),
        part_log: failed(reason),
        replication_queue: failed(reason),
        mutations: failed(reason),
        disks: failed(reason),
      },
    };

    // Act
    const { summary, queries } = summarizeSnapshot(snapshot, window);

    // Assess
    expect(summary).toEqual({
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
    });
    expect(Object.keys(queries)).toHaveLength(9);
    expect(queries.merges).toEqual({ ok: false, rows: 0, reason });
  });

  it('survives an empty snapshot and malformed values', () => {
    // Prepare
    const empty: ClickHouseSnapshot = { elapsedMs: 0, results: {} };
    const odd = backlogSnapshot();
    odd.results.merge_tree_settings = ok([
      { name: 'parts_to_delay_insert', value: 'lots' },
      { name: 'parts_to_throw_insert' },
    ]);
    odd.results.merges = ok([{ elapsed: null, progress: 'n/a' }]);
    odd.results.disks = ok([{ name: 'default' }]);

    // Act
    const fromEmpty = summarizeSnapshot(empty, window);
    const fromOdd = summarizeSnapshot(odd, window);

    // Assess
    expect(fromEmpty.queries).toEqual({});
    expect(fromEmpty.summary.maxPartsInPartition).toBeNull();
    expect(fromOdd.summary.partsToDelayInsert).toBeNull();
    expect(fromOdd.summary.partsToThrowInsert).toBeNull();
    expect(fromOdd.summary.longestMergeProgress).toBeNull();
    expect(fromOdd.summary.diskFreeBytes).toBeNull();
    expect(() => clickHouseSummarySchema.parse(fromOdd.summary)).not.toThrow();
    expect(() =>
      clickHouseSummarySchema.parse(fromEmpty.summary),
    ).not.toThrow();
  });

  it('produces a summary the evidence contract accepts', () => {
    // Prepare
    const snapshot = backlogSnapshot();

    // Act
    const { summary } = summarizeSnapshot(snapshot, window);

    // Assess
    expect(clickHouseSummarySchema.parse(summary)).toEqual(summary);
  });
});

describe('num', () => {
  it.each([
    [42, 42],
    ['9007199254740993', 2 ** 53],
    [' 7 ', 7],
    ['0.25', 0.25],
    [true, 1],
    ['', null],
    ['abc', null],
    [null, null],
    [undefined, null],
    [Number.NaN, null],
    [{}, null],
  ])('reads %j as %j', (value, expected) => {
    expect(num(value)).toBe(expected);
  });
});

/**
 * The snapshot's SQL against a real ClickHouse (chDB, 26.x) holding
 * Langfuse's tables: a backlog of parts is seen and measured, a quiet
 * database reads as healthy.
 */
import { Session } from 'chdb';
import { describe, expect, it } from 'vitest';
import { createChdbPort } from '../../local/clickhouse-chdb.ts';
import { parseJsonLines } from '../../local/recording-format.ts';
import { clickHouseSummarySchema } from '../../shared/domain/contracts.ts';
import { SNAPSHOT_QUERY_NAMES } from '../../shared/domain/ports.ts';
import {
  MAX_RESULT_ROWS,
  SNAPSHOT_QUERIES,
  windowParams,
} from '../../shared/domain/sources/clickhouse/queries.ts';
import { summarizeSnapshot } from '../../shared/domain/sources/clickhouse/summarize.ts';
import {
  backlogLangfuse,
  quietLangfuse,
} from '../fixtures/langfuse-clickhouse.ts';

const window = {
  start: new Date(Date.now() - 3 * 3600_000),
  end: new Date(Date.now() + 60_000),
};

describe('the snapshot queries', () => {
  it.each(SNAPSHOT_QUERY_NAMES)(
    'reads only system tables, bounded by a LIMIT: %s',
    (name) => {
      const sql = SNAPSHOT_QUERIES[name];
      const tables = [...sql.matchAll(/\bFROM\s+([\w.]+)/gi)].map((m) => m[1]);
      expect(tables.length).toBeGreaterThan(0);
      for (const table of tables) expect(table).toMatch(/^system\.\w+$/);
      expect(sql).toMatch(/\bLIMIT \d+$/);
      expect(sql).not.toMatch(/\b(INSERT|ALTER|CREATE|DROP|SYSTEM)\b/);
    },
  );

  it('groups part_log per UTC minute and event type over the window', () => {
    // Prepare: a table with part_log's columns, since chDB has no part_log
    const session = new Session();
    try {
      session.query('CREATE DATABASE fake');
      session.query(`CREATE TABLE fake.part_log (
        event_type Enum8('NewPart' = 1, 'MergeParts' = 2, 'DownloadPart' = 3,
          'RemovePart' = 4, 'MutatePart' = 5, 'MovePart' = 6,
          'MergePartsStart' = 7, 'MutatePartStart' = 8),
        event_date Date, event_time DateTime, duration_ms UInt64,
        size_in_bytes UInt64
      ) ENGINE = MergeTree ORDER BY (event_date, event_time)`);
      session.query(`INSERT INTO fake.part_log VALUES
        ('NewPart', '2026-11-23', '2026-11-23 02:10:05', 4, 1000),
        ('NewPart', '2026-11-23', '2026-11-23 02:10:45', 6, 3000),
        ('MergeParts', '2026-11-23', '2026-11-23 02:10:50', 900, 4000),
        ('NewPart', '2026-11-23', '2026-11-23 02:11:00', 5, 500),
        ('NewPart', '2026-11-23', '2026-11-23 01:59:59', 5, 500),
        ('NewPart', '2026-11-23', '2026-11-23 03:00:00', 5, 500)`);
      const sql = SNAPSHOT_QUERIES.part_log.replace(
        'system.part_log',
        'fake.part_log',
      );
      const hour = {
        start: new Date('2026-11-23T02:00:00Z'),
        end: new Date('2026-11-23T03:00:00Z'),
      };

      // Act
      const rows = parseJsonLines(
        session.queryBind(sql, windowParams(hour), 'JSONEachRow'),
        'part_log',
      );

      // Assess: the window is half-open, minutes print in UTC
      expect(rows).toEqual([
        {
          minute: '2026-11-23 02:10:00',
          event_type: 'MergeParts',
          n: 1,
          bytes: 4000,
          duration_ms: 900,
        },
        {
          minute: '2026-11-23 02:10:00',
          event_type: 'NewPart',
          n: 2,
          bytes: 4000,
          duration_ms: 10,
        },
        {
          minute: '2026-11-23 02:11:00',
          event_type: 'NewPart',
          n: 1,
          bytes: 500,
          duration_ms: 5,
        },
      ]);
      const { summary } = summarizeSnapshot(
        { elapsedMs: 1, results: { part_log: { ok: true, rows } } },
        hour,
      );
      expect(summary.newPartsPerMinute).toBeCloseTo(3 / 60);
      expect(summary.mergePartsPerMinute).toBeCloseTo(1 / 60);
    } finally {
      session.close();
    }
  });

  it('caps the part_log query at the server-side row limit too', () => {
    expect(SNAPSHOT_QUERIES.part_log).toContain(`LIMIT ${MAX_RESULT_ROWS}`);
  });
});

describe('the chDB adapter', () => {
  it('measures a backlog of parts in Langfuse tables', async () => {
    // Prepare
    const session = backlogLangfuse({
      observationBatches: 60,
      partsToDelayInsert: 40,
    });
    try {
      const port = createChdbPort(session);

      // Act
      const snapshot = await port.snapshot(window);
      const { summary, queries } = summarizeSnapshot(snapshot, window);

      // Assess
      expect(summary.maxPartsInPartition).toBe(60);
      expect(summary.maxPartsTable).toMatch(/\.observations$/);
      expect(summary.topPartitions.map((p) => [p.table, p.parts])).toEqual([
        ['observations', 60],
        ['scores', 6],
        ['traces', 6],
      ]);
      expect(summary.topPartitions[0]?.rows).toBe(60 * 20);
      expect(summary.topPartitions[0]?.partitionId).toMatch(/^\d{6}$/);
      expect(summary.topPartitions[0]?.bytesOnDisk).toBeGreaterThan(0);
      // 20 inserts came in over the lowered parts_to_delay_insert of 40
      expect(summary.delayedInserts).toBeGreaterThanOrEqual(20);
      expect(summary.delayedInsertsMilliseconds).toBeGreaterThan(0);
      expect(summary).toMatchObject({
        rejectedInserts: 0,
        activeMerges: 0,
        partsToDelayInsert: 1000,
        partsToThrowInsert: 3000,
      });
      expect(summary.diskTotalBytes).toBeGreaterThan(0);
      expect(queries.part_log).toEqual({
        ok: false,
        rows: 0,
        reason:
          'system.part_log does not exist in embedded chDB (local mode starts no background system tables)',
      });
      expect(port.rowsRead()).toBeGreaterThan(0);
      expect(clickHouseSummarySchema.parse(summary)).toEqual(summary);
    } finally {
      session.close();
    }
  });

  it('reads a quiet Langfuse database as healthy', async () => {
    // Prepare
    const session = quietLangfuse();
    try {
      const port = createChdbPort(session);

      // Act
      const snapshot = await port.snapshot(window);
      const { summary, queries } = summarizeSnapshot(snapshot, window);

      // Assess
      expect(summary.maxPartsInPartition).toBe(1);
      expect(summary.topPartitions).toHaveLength(3);
      // Healthy: no counter of trouble above zero.
      for (const counter of [
        'rejectedInserts',
        'unfinishedMutations',
        'stuckReplicationEntries',
        'activeMerges',
      ] as const) {
        expect(summary[counter], counter).toBe(0);
      }
      for (const name of [
        'merges',
        'parts',
        'events',
        'metrics',
        'merge_tree_settings',
        'replication_queue',
        'mutations',
        'disks',
      ]) {
        expect(queries[name]?.ok, name).toBe(true);
      }
    } finally {
      session.close();
    }
  });
});

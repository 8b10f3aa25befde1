/**
 * Reduces a ClickHouse snapshot (the rows of the system-table queries) to
 * the numbers that tell whether ClickHouse is starving for disk, drowning
 * in parts, or fine. Pure: no I/O, never throws; a query that failed, or a
 * column that is missing, gives null.
 *
 * ClickHouse's JSONEachRow quotes 64-bit integers, so every number is read
 * through `num()`.
 */
import type { ClickHouseSummary } from '../../contracts.ts';
import type { ClickHouseSnapshot, SnapshotQueryName } from '../../ports.ts';
import { partLogWindow } from './queries.ts';

type Row = Record<string, unknown>;

/**
 * A replication entry retried this often is stuck: burstguard's own
 * threshold, not a ClickHouse setting (system.replication_queue counts
 * attempts in `num_tries` and keeps the last error in `last_exception`;
 * ClickHouse docs, "system.replication_queue").
 */
export const STUCK_REPLICATION_TRIES = 100;
/**
 * ClickHouse's own log tables are named a contributor to the writes when
 * they wrote at least this share of the window's bytes: burstguard's own
 * threshold. A quarter of the writes is more than a well-behaved
 * Langfuse's ingestion leaves room for on a Bursting file system whose
 * baseline is a few hundred KiB/s.
 */
export const LOG_TABLES_SHARE_PERCENT = 25;
/** Log tables listed by name in the evidence. */
export const TOP_LOG_TABLES = 5;

/** Whether a part_log row is one of ClickHouse's own system.*_log tables. */
export function isSystemLogTable(database: unknown, table: unknown): boolean {
  return database === 'system' && /_log(?:_\d+)?$/.test(String(table ?? ''));
}

/** Top partitions kept in the evidence. */
export const TOP_PARTITIONS = 10;

/** A number from a JSON value: numbers, numeric strings; else null. */
export function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

function rowsOf(
  snapshot: ClickHouseSnapshot,
  name: SnapshotQueryName,
): Row[] | null {
  const result = snapshot.results[name];
  return result?.ok ? result.rows : null;
}

/** The value of a name/value table (events, metrics, settings). */
function lookup(
  rows: Row[] | null,
  keyColumn: string,
  key: string,
): number | null {
  if (!rows) return null;
  const row = rows.find((r) => r[keyColumn] === key);
  return row ? num(row.value) : null;
}

/** Per-minute rate of an event type in part_log over the minutes seen. */
function perMinute(
  partLog: Row[] | null,
  eventType: string,
  minutes: number,
): { count: number; bytes: number } | null {
  if (!partLog) return null;
  let count = 0;
  let bytes = 0;
  for (const row of partLog) {
    if (row.event_type !== eventType) continue;
    count += num(row.n) ?? 0;
    bytes += num(row.bytes) ?? 0;
  }
  return { count: count / minutes, bytes };
}

/** Summarizes a snapshot over its window. */
export function summarizeSnapshot(
  snapshot: ClickHouseSnapshot,
  window: { start: Date; end: Date },
): {
  queries: Record<string, { ok: boolean; rows: number; reason?: string }>;
  summary: ClickHouseSummary;
} {
  const queries: Record<
    string,
    { ok: boolean; rows: number; reason?: string }
  > = {};
  for (const [name, result] of Object.entries(snapshot.results)) {
    if (!result) continue;
    queries[name] = result.ok
      ? { ok: true, rows: result.rows.length }
      : { ok: false, rows: 0, reason: result.reason };
  }

  const merges = rowsOf(snapshot, 'merges');
  const parts = rowsOf(snapshot, 'parts');
  const events = rowsOf(snapshot, 'events');
  const asyncMetrics = rowsOf(snapshot, 'asynchronous_metrics');
  const settings = rowsOf(snapshot, 'merge_tree_settings');
  const partLog = rowsOf(snapshot, 'part_log');
  const replication = rowsOf(snapshot, 'replication_queue');
  const mutations = rowsOf(snapshot, 'mutations');
  const disks = rowsOf(snapshot, 'disks');
  const partLogTables = rowsOf(snapshot, 'part_log_tables');

  // Merges in flight: the longest one and its progress.
  let longest: Row | undefined;
  for (const row of merges ?? []) {
    if (!longest || (num(row.elapsed) ?? 0) > (num(longest.elapsed) ?? 0)) {
      longest = row;
    }
  }

  // Parts per partition, largest first.
  const partitions = (parts ?? [])
    .map((row) => ({
      database: String(row.database ?? ''),
      table: String(row.table ?? ''),
      partitionId: String(row.partition_id ?? ''),
      parts: num(row.parts) ?? 0,
      rows: num(row.rows) ?? 0,
      bytesOnDisk: num(row.bytes_on_disk) ?? 0,
    }))
    .sort((a, b) => b.parts - a.parts);
  const top = partitions[0];
  const maxFromParts = top ? top.parts : null;
  const maxFromAsync = lookup(
    asyncMetrics,
    'metric',
    'MaxPartCountForPartition',
  );
  const maxParts =
    maxFromParts === null
      ? maxFromAsync
      : Math.max(maxFromParts, maxFromAsync ?? 0);

  // part_log per minute over the minutes it was read for; a minute without
  // a row is a minute without parts, so the rows' count is not the divisor.
  const read = partLogWindow(window);
  const windowMinutes = Math.max(
    1,
    (read.end.getTime() - read.start.getTime()) / 60_000,
  );
  const newParts = perMinute(partLog, 'NewPart', windowMinutes);
  const mergeParts = perMinute(partLog, 'MergeParts', windowMinutes);
  let mergeBytesPerSecond: number | null = null;
  if (mergeParts && mergeParts.bytes > 0) {
    mergeBytesPerSecond = mergeParts.bytes / (windowMinutes * 60);
  } else if (merges && merges.length > 0) {
    // Without part_log, the merges in flight: each has merged `progress` of
    // its compressed input in `elapsed` seconds; they run side by side, so
    // their rates add up. Compressed, like part_log's size_in_bytes.
    let rate: number | null = null;
    for (const row of merges) {
      const size = num(row.total_size_bytes_compressed);
      const progress = num(row.progress);
      const seconds = num(row.elapsed);
      if (size === null || progress === null || !seconds) continue;
      rate = (rate ?? 0) + (size * progress) / seconds;
    }
    mergeBytesPerSecond = rate;
  } else if (mergeParts) {
    mergeBytesPerSecond = 0;
  }

  let diskFree: number | null = null;
  let diskTotal: number | null = null;
  for (const row of disks ?? []) {
    const free = num(row.free_space);
    const total = num(row.total_space);
    if (free !== null) diskFree = (diskFree ?? 0) + free;
    if (total !== null) diskTotal = (diskTotal ?? 0) + total;
  }

  return {
    queries,
    summary: {
      activeMerges: merges?.length ?? 0,
      longestMergeElapsedSeconds: longest ? num(longest.elapsed) : null,
      longestMergeProgress: longest ? num(longest.progress) : null,
      mergeBytesPerSecond,
      newPartsPerMinute: newParts ? newParts.count : null,
      mergePartsPerMinute: mergeParts ? mergeParts.count : null,
      maxPartsInPartition: maxParts,
      maxPartsTable: top ? `${top.database}.${top.table}` : null,
      partsToDelayInsert: lookup(settings, 'name', 'parts_to_delay_insert'),
      partsToThrowInsert: lookup(settings, 'name', 'parts_to_throw_insert'),
      delayedInserts:
        lookup(events, 'event', 'DelayedInserts') ?? (events ? 0 : null),
      rejectedInserts:
        lookup(events, 'event', 'RejectedInserts') ?? (events ? 0 : null),
      delayedInsertsMilliseconds:
        lookup(events, 'event', 'DelayedInsertsMilliseconds') ??
        (events ? 0 : null),
      stuckReplicationEntries: replication
        ? replication.filter(
            (r) => (num(r.num_tries) ?? 0) > STUCK_REPLICATION_TRIES,
          ).length
        : null,
      unfinishedMutations: mutations ? mutations.length : null,
      diskFreeBytes: diskFree,
      diskTotalBytes: diskTotal,
      topPartitions: partitions.slice(0, TOP_PARTITIONS),
      ...(partLogTables ? { logTables: logTablesOf(partLogTables) } : {}),
    },
  };
}

/** What the system.*_log tables wrote against every table's writes. */
function logTablesOf(rows: Row[]): NonNullable<ClickHouseSummary['logTables']> {
  let total = 0;
  let logs = 0;
  const tables: { table: string; bytes: number }[] = [];
  for (const row of rows) {
    const bytes = num(row.bytes) ?? 0;
    total += bytes;
    if (!isSystemLogTable(row.database, row.table)) continue;
    logs += bytes;
    tables.push({ table: `system.${String(row.table)}`, bytes });
  }
  tables.sort((a, b) => b.bytes - a.bytes || a.table.localeCompare(b.table));
  return {
    bytesWritten: logs,
    totalBytesWritten: total,
    sharePercent: total > 0 ? Math.round((logs / total) * 1000) / 10 : 0,
    tables: tables.slice(0, TOP_LOG_TABLES),
  };
}

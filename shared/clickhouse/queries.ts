/**
 * The ClickHouse snapshot: constant query texts over system tables only,
 * each bounded by a LIMIT, with values passed as query parameters. They are
 * the recording format's clickhouse/*.jsonl files, one query per file.
 */
import type { SnapshotQueryName } from '../ports.ts';

/** The events, metrics and settings worth reading, and nothing else. */
const EVENTS = [
  'DelayedInserts',
  'RejectedInserts',
  'DelayedInsertsMilliseconds',
  'InsertQuery',
  'InsertedRows',
  'AsyncInsertQuery',
  'FailedAsyncInsertQuery',
  'Merge',
  'MergedRows',
  'MergedUncompressedBytes',
  'MergesTimeMilliseconds',
];
const METRICS = [
  'Merge',
  'PartMutation',
  'BackgroundMergesAndMutationsPoolTask',
  'BackgroundMergesAndMutationsPoolSize',
  'DelayedInserts',
  'PendingAsyncInsert',
  'Query',
];
const ASYNC_METRICS = [
  'MaxPartCountForPartition',
  'ReplicasMaxAbsoluteDelay',
  'ReplicasMaxQueueSize',
  'TotalPartsOfMergeTreeTables',
];
const SETTINGS = [
  'parts_to_delay_insert',
  'parts_to_throw_insert',
  'max_parts_in_total',
  'max_bytes_to_merge_at_max_space_in_pool',
];

const list = (names: string[]) => names.map((n) => `'${n}'`).join(', ');

/** Rows at most per query; the merges and part_log queries say why. */
export const MAX_RESULT_ROWS = 20_000;

/**
 * The snapshot queries. `{start:DateTime}` and `{end:DateTime}` are bound as
 * query parameters by the adapter, never spliced into the text.
 */
export const SNAPSHOT_QUERIES: Record<SnapshotQueryName, string> = {
  merges: `SELECT database, table, elapsed, progress, num_parts, total_size_bytes_compressed, bytes_read_uncompressed, bytes_written_uncompressed, memory_usage, is_mutation, merge_type, partition_id, result_part_name FROM system.merges ORDER BY elapsed DESC LIMIT 100`,
  parts: `SELECT database, table, partition_id, count() AS parts, sum(rows) AS rows, sum(bytes_on_disk) AS bytes_on_disk FROM system.parts WHERE active GROUP BY database, table, partition_id ORDER BY parts DESC LIMIT 50`,
  events: `SELECT event, value FROM system.events WHERE event IN (${list(EVENTS)}) LIMIT 100`,
  metrics: `SELECT metric, value FROM system.metrics WHERE metric IN (${list(METRICS)}) LIMIT 100`,
  asynchronous_metrics: `SELECT metric, value FROM system.asynchronous_metrics WHERE metric IN (${list(ASYNC_METRICS)}) LIMIT 100`,
  merge_tree_settings: `SELECT name, value FROM system.merge_tree_settings WHERE name IN (${list(SETTINGS)}) LIMIT 20`,
  // One row per minute and event type: a 15-day window at most 21,600
  // minutes of a handful of types; the LIMIT keeps it bounded regardless.
  part_log: `SELECT toStartOfMinute(event_time) AS minute, toString(event_type) AS event_type, count() AS n, sum(size_in_bytes) AS bytes, sum(duration_ms) AS duration_ms FROM system.part_log WHERE event_time >= {start:DateTime} AND event_time < {end:DateTime} GROUP BY minute, event_type ORDER BY minute LIMIT ${MAX_RESULT_ROWS}`,
  replication_queue: `SELECT database, table, type, num_tries, last_exception, postpone_reason, create_time FROM system.replication_queue ORDER BY num_tries DESC LIMIT 100`,
  mutations: `SELECT database, table, mutation_id, command, create_time, parts_to_do, latest_fail_reason FROM system.mutations WHERE NOT is_done ORDER BY create_time LIMIT 100`,
  disks: `SELECT name, path, free_space, total_space FROM system.disks LIMIT 20`,
};

/** Which queries take the window as parameters. */
export const WINDOWED_QUERIES: ReadonlySet<SnapshotQueryName> = new Set([
  'part_log',
]);

/**
 * Per-query limits: the server stops a query at 4 s and after
 * MAX_RESULT_ROWS rows, under the client's 5 s timeout and the 30 s Task.
 */
export const SNAPSHOT_SETTINGS = {
  max_execution_time: 4,
  max_result_rows: String(MAX_RESULT_ROWS),
  result_overflow_mode: 'break',
} as const;

/** ClickHouse DateTime parameter text for a Date, in UTC. */
export function dateTimeParam(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

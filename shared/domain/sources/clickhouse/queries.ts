/**
 * The ClickHouse snapshot: constant query texts over system tables only,
 * each bounded by a LIMIT, with values passed as query parameters. They are
 * the recording format's clickhouse/*.jsonl files, one query per file.
 */
import type { SnapshotQueryName } from '../../ports.ts';

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

/** Rows at most per query (server side, on top of each LIMIT). */
export const MAX_RESULT_ROWS = 20_000;

/**
 * part_log is read over the last day of the window at most: a minute and
 * event type per row, 1,440 minutes of the eight event types stay under
 * MAX_RESULT_ROWS, so the rows are never cut short and rates stay right.
 */
export const PART_LOG_MAX_MINUTES = 1_440;

/**
 * The snapshot queries. `{start:DateTime('UTC')}` and `{end:...}` are bound
 * as query parameters by the adapter, never spliced into the text; the
 * explicit zone makes the parameter text mean UTC whatever the server's
 * timezone, and `minute` is printed in UTC for the same reason.
 */
export const SNAPSHOT_QUERIES: Record<SnapshotQueryName, string> = {
  // Longest first: the LIMIT keeps the merges that matter.
  merges: `SELECT database, table, elapsed, progress, num_parts, total_size_bytes_compressed, bytes_read_uncompressed, bytes_written_uncompressed, memory_usage, is_mutation, merge_type, partition_id, result_part_name FROM system.merges ORDER BY elapsed DESC LIMIT 100`,
  // system.parts holds a row per part (5,000 in a backlog); grouped per
  // partition and cut to the largest 50.
  parts: `SELECT database, table, partition_id, count() AS parts, sum(rows) AS rows, sum(bytes_on_disk) AS bytes_on_disk FROM system.parts WHERE active GROUP BY database, table, partition_id ORDER BY parts DESC, database, table, partition_id LIMIT 50`,
  events: `SELECT event, value FROM system.events WHERE event IN (${list(EVENTS)}) LIMIT 100`,
  metrics: `SELECT metric, value FROM system.metrics WHERE metric IN (${list(METRICS)}) LIMIT 100`,
  asynchronous_metrics: `SELECT metric, value FROM system.asynchronous_metrics WHERE metric IN (${list(ASYNC_METRICS)}) LIMIT 100`,
  merge_tree_settings: `SELECT name, value FROM system.merge_tree_settings WHERE name IN (${list(SETTINGS)}) LIMIT 20`,
  // event_date prunes part_log's monthly partitions; a day of slack covers
  // a server whose timezone is not UTC.
  part_log: `SELECT toStartOfMinute(toTimeZone(event_time, 'UTC')) AS minute, toString(event_type) AS event_type, count() AS n, sum(size_in_bytes) AS bytes, sum(duration_ms) AS duration_ms FROM system.part_log WHERE event_date >= toDate({start:DateTime('UTC')}) - 1 AND event_time >= {start:DateTime('UTC')} AND event_time < {end:DateTime('UTC')} GROUP BY minute, event_type ORDER BY minute, event_type LIMIT ${MAX_RESULT_ROWS}`,
  replication_queue: `SELECT database, table, type, num_tries, last_exception, postpone_reason, create_time FROM system.replication_queue ORDER BY num_tries DESC LIMIT 100`,
  mutations: `SELECT database, table, mutation_id, command, create_time, parts_to_do, latest_fail_reason FROM system.mutations WHERE NOT is_done ORDER BY create_time LIMIT 100`,
  disks: `SELECT name, path, free_space, total_space FROM system.disks LIMIT 20`,
  // The parts each table wrote in the window (new parts from inserts, merged
  // and mutated parts): how much of the writing ClickHouse's own system.*_log
  // tables do. part_log's event types and size_in_bytes: ClickHouse docs,
  // https://clickhouse.com/docs/operations/system-tables/part_log
  part_log_tables: `SELECT database, table, count() AS n, sum(size_in_bytes) AS bytes FROM system.part_log WHERE event_date >= toDate({start:DateTime('UTC')}) - 1 AND event_time >= {start:DateTime('UTC')} AND event_time < {end:DateTime('UTC')} AND event_type IN ('NewPart', 'MergeParts', 'MutatePart') GROUP BY database, table ORDER BY bytes DESC, database, table LIMIT 200`,
  // A replica's replicated tables: read-only (no Keeper session), queue
  // size, inserts and merges queued, delay behind the other replicas.
  // Columns: https://clickhouse.com/docs/operations/system-tables/replicas
  replicas: `SELECT database, table, replica_name, is_readonly, is_session_expired, queue_size, inserts_in_queue, merges_in_queue, absolute_delay, total_replicas, active_replicas FROM system.replicas ORDER BY absolute_delay DESC, queue_size DESC LIMIT 100`,
  // The replica's Keeper sessions; the table does not exist on a server
  // without ZooKeeper or Keeper configured (ClickHouse docs,
  // https://clickhouse.com/docs/operations/system-tables/zookeeper_connection).
  keeper: `SELECT name, host, port, is_expired, session_uptime_elapsed_seconds FROM system.zookeeper_connection LIMIT 10`,
};

/**
 * The hosts of a cluster, for discovering its replicas through one of
 * them: `host_name` and `is_local` of system.clusters (ClickHouse docs,
 * https://clickhouse.com/docs/operations/system-tables/clusters). Its
 * `port` is the native TCP port, not the HTTP one, so the HTTP port of the
 * configured URL is used for every host. Langfuse names its cluster with
 * CLICKHOUSE_CLUSTER_NAME, `default` unless set (langfuse/langfuse,
 * packages/shared/clickhouse/scripts/up.sh).
 */
export const CLUSTER_HOSTS_QUERY = `SELECT DISTINCT host_name FROM system.clusters WHERE cluster = {cluster:String} ORDER BY host_name LIMIT 16`;

/** Replicas discovered at most (the bound of CLUSTER_HOSTS_QUERY). */
export const MAX_REPLICAS = 16;

/** Which queries take the window as parameters. */
export const WINDOWED_QUERIES: ReadonlySet<SnapshotQueryName> = new Set([
  'part_log',
  'part_log_tables',
]);

/** The window part_log is read over: its last PART_LOG_MAX_MINUTES. */
export function partLogWindow(window: { start: Date; end: Date }): {
  start: Date;
  end: Date;
} {
  const earliest = window.end.getTime() - PART_LOG_MAX_MINUTES * 60_000;
  return {
    start: new Date(Math.max(window.start.getTime(), earliest)),
    end: window.end,
  };
}

/** ClickHouse DateTime parameter text for a Date, in UTC. */
export function dateTimeParam(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** The query parameters of the windowed queries. */
export function windowParams(window: { start: Date; end: Date }): {
  start: string;
  end: string;
} {
  const read = partLogWindow(window);
  return { start: dateTimeParam(read.start), end: dateTimeParam(read.end) };
}

/**
 * Per-request settings. `readonly: '2'` makes each request read-only even
 * for a user that may write, while still letting it set its own limits:
 * `readonly=1` forbids a request from changing any setting (ClickHouse
 * answers error 164 "Cannot modify 'max_execution_time' setting in readonly
 * mode"), so the server-side user must be `readonly=2` (a settings profile;
 * see docs/clickhouse.md) or writable, never `readonly=1`.
 *
 * `max_execution_time` stops a query on the server a second before the
 * client gives up on it (request_timeout), so nothing keeps running after
 * the Lambda has moved on. `result_overflow_mode: 'break'` returns the rows
 * read so far instead of an error when a bound is hit.
 */
export function snapshotSettings(timeoutMs: number): {
  readonly: '2';
  max_execution_time: number;
  max_result_rows: string;
  result_overflow_mode: 'break';
} {
  return {
    readonly: '2',
    max_execution_time: Math.max(1, Math.ceil(timeoutMs / 1000) - 1),
    max_result_rows: String(MAX_RESULT_ROWS),
    result_overflow_mode: 'break',
  };
}

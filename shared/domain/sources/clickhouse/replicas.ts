/**
 * A replica's replication state and Keeper session, from the rows of its
 * snapshot. Pure: no I/O, never throws.
 *
 * Columns, as the ClickHouse docs describe them:
 * - system.replication_queue
 *   (https://clickhouse.com/docs/operations/system-tables/replication_queue):
 *   `type` (GET_PART fetches a part from another replica, MERGE_PARTS
 *   merges, ...), `create_time` (when the task was queued), `num_tries`,
 *   `last_exception` (the last error), `postpone_reason` (why the task was
 *   put off).
 * - system.replicas
 *   (https://clickhouse.com/docs/operations/system-tables/replicas):
 *   `is_readonly` (the replica has no Keeper session or lost its metadata),
 *   `is_session_expired` (the Keeper session expired: it behaves like
 *   is_readonly), `queue_size` (operations waiting), `inserts_in_queue`
 *   (blocks of data to fetch), `merges_in_queue` (merges waiting; some may
 *   wait long), `absolute_delay` (seconds behind the freshest replica).
 * - system.zookeeper_connection
 *   (https://clickhouse.com/docs/operations/system-tables/zookeeper_connection):
 *   a row per Keeper connection with `is_expired`; the table does not exist
 *   when no ZooKeeper or Keeper is configured.
 */
import type { ReplicaEvidence, ReplicationSummary } from '../../contracts.ts';
import type { ClickHouseSnapshot } from '../../ports.ts';
import { redactThenTruncate } from '../../redact.ts';
import { num, STUCK_REPLICATION_TRIES } from './summarize.ts';

type Row = Record<string, unknown>;

/** Characters of a replication error kept in the evidence. */
const EXCEPTION_MAX_CHARS = 240;

/** ClickHouse DateTime text (`YYYY-MM-DD hh:mm:ss`, UTC) as epoch ms. */
function timeOf(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(`${value.replace(' ', 'T')}Z`);
  return Number.isFinite(ms) ? ms : null;
}

/** The replication state of a replica, or null when neither was read. */
export function summarizeReplication(
  snapshot: ClickHouseSnapshot,
  end: Date,
): ReplicationSummary | null {
  const queue = snapshot.results.replication_queue;
  const replicas = snapshot.results.replicas;
  if (!queue?.ok && !replicas?.ok) return null;
  const entries: Row[] = queue?.ok ? queue.rows : [];
  let oldest: number | null = null;
  let worst: Row | undefined;
  for (const row of entries) {
    const created = timeOf(row.create_time);
    if (created !== null && (oldest === null || created < oldest)) {
      oldest = created;
    }
    if (!worst || (num(row.num_tries) ?? 0) > (num(worst.num_tries) ?? 0)) {
      worst = row;
    }
  }
  const tables: Row[] | null = replicas?.ok ? replicas.rows : null;
  const sum = (column: string) =>
    tables ? tables.reduce((n, r) => n + (num(r[column]) ?? 0), 0) : null;
  const count = (column: string) =>
    tables ? tables.filter((r) => (num(r[column]) ?? 0) > 0).length : null;
  const maxDelay = tables
    ? tables.reduce((n, r) => Math.max(n, num(r.absolute_delay) ?? 0), 0)
    : null;
  return {
    queueEntries: entries.length,
    stuckEntries: entries.filter(
      (r) => (num(r.num_tries) ?? 0) > STUCK_REPLICATION_TRIES,
    ).length,
    oldestEntryAgeSeconds:
      oldest === null
        ? null
        : Math.max(0, Math.round((end.getTime() - oldest) / 1000)),
    worstEntry: worst
      ? {
          table: `${String(worst.database ?? '')}.${String(worst.table ?? '')}`,
          type: String(worst.type ?? ''),
          numTries: num(worst.num_tries) ?? 0,
          lastException: redactThenTruncate(
            String(worst.last_exception ?? '')
              .replace(/\s+/g, ' ')
              .trim(),
            EXCEPTION_MAX_CHARS,
          ),
          postponeReason: String(worst.postpone_reason ?? '')
            .replace(/\s+/g, ' ')
            .trim()
            .slice(0, EXCEPTION_MAX_CHARS),
        }
      : null,
    replicatedTables: tables ? tables.length : null,
    queueSize: sum('queue_size'),
    insertsInQueue: sum('inserts_in_queue'),
    mergesInQueue: sum('merges_in_queue'),
    maxAbsoluteDelaySeconds: maxDelay,
    readonlyTables: count('is_readonly'),
    sessionExpiredTables: count('is_session_expired'),
  };
}

/** The replica's Keeper session, from system.zookeeper_connection. */
export function keeperState(
  snapshot: ClickHouseSnapshot,
): ReplicaEvidence['keeper'] {
  const result = snapshot.results.keeper;
  if (!result) return { state: 'unknown', reason: 'not read' };
  if (!result.ok) {
    return /zookeeper_connection/.test(result.reason) &&
      /unknown table|doesn't exist|does not exist/i.test(result.reason)
      ? { state: 'not-configured' }
      : { state: 'unknown', reason: result.reason };
  }
  if (result.rows.length === 0) return { state: 'no-session' };
  return result.rows.some((r) => (num(r.is_expired) ?? 0) === 0)
    ? { state: 'connected' }
    : { state: 'expired' };
}

/**
 * A replica's name from its URL: the host's first DNS label
 * (`langfuse-clickhouse-shard0-1` of
 * `langfuse-clickhouse-shard0-1.langfuse-clickhouse-headless.langfuse.svc`),
 * or the whole host and port for an IP address.
 */
export function replicaNameOf(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (/^[\d.]+$/.test(host) || host.includes(':')) {
      return parsed.port ? `${host}:${parsed.port}` : host;
    }
    return host.split('.')[0] || host;
  } catch {
    return url;
  }
}

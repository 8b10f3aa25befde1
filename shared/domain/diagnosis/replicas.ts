/**
 * Findings about a ClickHouse cluster: one line per replica, naming it,
 * and ClickHouse's own log tables when they do a large share of the
 * writing. The replicas keep their data on one file system, so EFS meters
 * their IO together: when that file system is starved, a replica falling
 * behind is what starved storage looks like from ClickHouse, evidence for
 * the storage verdict rather than a cause of its own.
 */
import type {
  ClickHouseEvidence,
  ClickHouseSummary,
  ReplicaEvidence,
  Verdict,
} from '../contracts.ts';
import { LOG_TABLES_SHARE_PERCENT } from '../sources/clickhouse/summarize.ts';
import { formatBytes, formatMinutes } from './forecast.ts';

/** Verdicts that say the file system cannot serve what ClickHouse asks. */
const STARVED_STORAGE: ReadonlySet<Verdict> = new Set<Verdict>([
  'efs-burst-credits-exhausted',
  'efs-provisioned-throughput-saturated',
  'efs-io-limit',
]);

/**
 * The log tables the official Terraform module turns off with
 * `enable_clickhouse_log_tables = false` (its default), as
 * `<name remove="1"/>` server overrides (langfuse/langfuse-terraform-aws,
 * langfuse.tf, `clickhouse_overwrite_values`; variables.tf).
 */
export const TERRAFORM_REMOVED_LOG_TABLES = [
  'trace_log',
  'text_log',
  'opentelemetry_span_log',
  'asynchronous_metric_log',
  'metric_log',
  'latency_log',
] as const;

/** Whether the replica's replication is behind or cut off from Keeper. */
export function replicaLagging(replica: ReplicaEvidence): boolean {
  const r = replica.replication;
  if (
    replica.keeper.state === 'expired' ||
    replica.keeper.state === 'no-session'
  )
    return true;
  if (!r) return false;
  return (
    r.queueEntries > 0 ||
    (r.queueSize ?? 0) > 0 ||
    (r.readonlyTables ?? 0) > 0 ||
    (r.sessionExpiredTables ?? 0) > 0
  );
}

function keeperText(keeper: ReplicaEvidence['keeper']): string {
  switch (keeper.state) {
    case 'connected':
      return 'Keeper connected';
    case 'expired':
      return 'Keeper session expired';
    case 'no-session':
      return 'no Keeper session';
    case 'not-configured':
      return 'no Keeper configured';
    default:
      return `Keeper state unknown${keeper.reason ? ` (${keeper.reason})` : ''}`;
  }
}

/** One line about one replica, naming it. */
export function replicaLine(replica: ReplicaEvidence): string {
  if (!replica.available) {
    return `replica ${replica.name} did not answer: ${replica.reason ?? 'unknown'}`;
  }
  const r = replica.replication;
  const parts: string[] = [];
  if (!r) {
    parts.push('replication not read');
  } else if (r.queueEntries === 0 && (r.queueSize ?? 0) === 0) {
    parts.push('replication queue empty');
  } else {
    const oldest =
      r.oldestEntryAgeSeconds === null
        ? ''
        : `, oldest ${formatMinutes(r.oldestEntryAgeSeconds / 60)}`;
    parts.push(
      `${r.queueEntries} ${r.queueEntries === 1 ? 'entry' : 'entries'} in the replication queue${oldest}`,
    );
    if (r.insertsInQueue !== null && r.mergesInQueue !== null) {
      parts.push(
        `${r.insertsInQueue} fetches and ${r.mergesInQueue} merges queued`,
      );
    }
    if (r.maxAbsoluteDelaySeconds) {
      parts.push(`${r.maxAbsoluteDelaySeconds} s behind`);
    }
    if (r.worstEntry && r.worstEntry.numTries > 1) {
      const w = r.worstEntry;
      const error = w.lastException ? `, last error: ${w.lastException}` : '';
      const postponed = w.postponeReason
        ? `, postponed: ${w.postponeReason}`
        : '';
      parts.push(
        `${w.type} on ${w.table} tried ${w.numTries} times${error}${postponed}`,
      );
    }
  }
  if ((r?.readonlyTables ?? 0) > 0) {
    parts.push(`${r?.readonlyTables} tables read-only`);
  }
  parts.push(keeperText(replica.keeper));
  return `replica ${replica.name}: ${parts.join('; ')}`;
}

/**
 * The replicas' lines; when storage is starved, the lagging ones are said
 * to be its symptom, once.
 */
export function replicaFindings(
  evidence: ClickHouseEvidence,
  verdict: Verdict,
): string[] {
  const replicas = evidence.replicas ?? [];
  if (!replicas.length) return [];
  const lines = replicas.map((r) => `ClickHouse ${replicaLine(r)}`);
  const lagging = replicas.filter(
    (r) => r.available && replicaLagging(r),
  ).length;
  if (STARVED_STORAGE.has(verdict) && lagging > 0) {
    lines.push(
      `ClickHouse replication falling behind on ${lagging} of ${replicas.length} replicas is a symptom of the starved file system, not a cause of its own: the replicas keep their data on this one file system, and EFS meters their IO together`,
    );
  }
  return lines;
}

/**
 * What ClickHouse's own log tables wrote, over every replica read (they
 * share the file system) or the one endpoint: a line when their share of
 * the writes reaches LOG_TABLES_SHARE_PERCENT.
 */
export function logTablesFinding(evidence: ClickHouseEvidence): string | null {
  const summaries: ClickHouseSummary[] = [];
  const replicas = evidence.replicas?.filter((r) => r.summary) ?? [];
  if (replicas.length) {
    for (const r of replicas) if (r.summary) summaries.push(r.summary);
  } else if (evidence.available) {
    summaries.push(evidence.summary);
  }
  let logs = 0;
  let total = 0;
  const byTable = new Map<string, number>();
  for (const s of summaries) {
    if (!s.logTables) continue;
    logs += s.logTables.bytesWritten;
    total += s.logTables.totalBytesWritten;
    for (const t of s.logTables.tables) {
      byTable.set(t.table, (byTable.get(t.table) ?? 0) + t.bytes);
    }
  }
  if (total <= 0) return null;
  const share = (logs / total) * 100;
  if (share < LOG_TABLES_SHARE_PERCENT) return null;
  const top = [...byTable.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([table, bytes]) => `${table} ${formatBytes(bytes)}`)
    .join(', ');
  return `ClickHouse's own log tables wrote ${share.toFixed(0)}% of the ${formatBytes(total)} ClickHouse wrote in the window (${top}), at or above ${LOG_TABLES_SHARE_PERCENT}%: a base load of their own on the file system. Langfuse's Terraform module turns them off with enable_clickhouse_log_tables = false, which removes ${TERRAFORM_REMOVED_LOG_TABLES.join(', ')} (server config <name remove="1"/>)`;
}

/**
 * ClickHousePort over an embedded chDB session: the same snapshot queries a
 * live server answers, for the local demo and the benchmarks.
 *
 * chDB runs ClickHouse in local mode, which starts no background system
 * tables: system.part_log and system.asynchronous_metrics do not exist, and
 * a `<part_log>` section in a `--config-file` does not create them either
 * (tried with chDB 3.4 / ClickHouse 26.7). Those two queries come back as
 * failures with that reason; the summary then falls back to system.merges
 * and system.parts.
 */
import type { Session } from 'chdb';
import {
  type ClickHousePort,
  type ClickHouseSnapshot,
  snapshotQueryNames,
} from '../shared/domain/ports.ts';
import {
  SNAPSHOT_QUERIES,
  WINDOWED_QUERIES,
  windowParams,
} from '../shared/domain/sources/clickhouse/queries.ts';
import { describeClickHouseError } from '../shared/domain/sources/clickhouse/reasons.ts';
import {
  parseRecordCounts,
  RECORD_COUNTS_QUERY,
  recordCountParams,
} from '../shared/domain/sources/clickhouse/record-counts.ts';
import { parseJsonLines } from './recording-format.ts';

/** System tables a server keeps in the background and chDB has not. */
const SERVER_ONLY_TABLES = new Set([
  'system.part_log',
  'system.asynchronous_metrics',
]);

/** Why a chDB query failed, in one line. */
function chdbReason(error: unknown): string {
  const { reason } = describeClickHouseError(error);
  const table = /^(system\.\w+) does not exist/.exec(reason)?.[1];
  if (table && SERVER_ONLY_TABLES.has(table)) {
    return `${table} does not exist in embedded chDB (local mode starts no background system tables)`;
  }
  return reason;
}

/**
 * Reads the snapshot from a chDB session, query by query (a session runs
 * one query at a time). `rowsRead()` counts the rows the queries read, for
 * the benchmark. `replica` adds the queries asked of a cluster's replicas.
 */
export function createChdbPort(
  session: Session,
  options: { replica?: boolean } = {},
): ClickHousePort &
  Required<Pick<ClickHousePort, 'countRecords'>> & {
    rowsRead: () => number;
  } {
  let rowsRead = 0;
  const names = snapshotQueryNames(options.replica === true);
  return {
    rowsRead: () => rowsRead,
    async countRecords(window) {
      const result = await session.queryBindAsync(
        RECORD_COUNTS_QUERY,
        recordCountParams(window),
        { format: 'JSONEachRow' },
      );
      rowsRead += result.rowsRead;
      return parseRecordCounts(
        parseJsonLines(result.text(), 'chdb:record_counts'),
      );
    },
    async snapshot(window) {
      const started = performance.now();
      const results: ClickHouseSnapshot['results'] = {};
      for (const name of names) {
        const sql = SNAPSHOT_QUERIES[name];
        try {
          const result = WINDOWED_QUERIES.has(name)
            ? await session.queryBindAsync(sql, windowParams(window), {
                format: 'JSONEachRow',
              })
            : await session.queryAsync(sql, { format: 'JSONEachRow' });
          rowsRead += result.rowsRead;
          results[name] = {
            ok: true,
            rows: parseJsonLines(result.text(), `chdb:${name}`),
          };
        } catch (error) {
          results[name] = { ok: false, reason: chdbReason(error) };
        }
      }
      return { elapsedMs: Math.round(performance.now() - started), results };
    },
  };
}

/**
 * ClickHousePort over an embedded chDB session: the same snapshot queries a
 * live server answers, for the local demo and the benchmarks.
 */
import type { Session } from 'chdb';
import {
  dateTimeParam,
  SNAPSHOT_QUERIES,
  WINDOWED_QUERIES,
} from '../clickhouse/queries.ts';
import { oneLine } from '../errors.ts';
import {
  type ClickHousePort,
  type ClickHouseSnapshot,
  SNAPSHOT_QUERY_NAMES,
} from '../ports.ts';
import { parseJsonLines } from '../recording.ts';

/**
 * The gist of a ClickHouse error: a missing system table (part_log and
 * friends are optional in ClickHouse's configuration) in a few words, other
 * errors cut before the query text they repeat.
 */
export function shortReason(error: unknown): string {
  const text = oneLine(error);
  const missing = /Unknown table expression identifier '([^']+)'/.exec(text);
  if (missing?.[1]) return `${missing[1]} is not enabled on this server`;
  const code =
    /Code: (\d+)\. DB::Exception: (.*?)(?: in scope | \(version|$)/.exec(text);
  return (code ? `ClickHouse error ${code[1]}: ${code[2]}` : text).slice(
    0,
    200,
  );
}

/** Reads the snapshot from a chDB session, query by query. */
export function createChdbPort(session: Session): ClickHousePort & {
  rowsRead: () => number;
} {
  let rowsRead = 0;
  return {
    rowsRead: () => rowsRead,
    async snapshot({ start, end }) {
      const started = performance.now();
      const results: ClickHouseSnapshot['results'] = {};
      for (const name of SNAPSHOT_QUERY_NAMES) {
        const sql = SNAPSHOT_QUERIES[name];
        try {
          const result = WINDOWED_QUERIES.has(name)
            ? await session.queryBindAsync(
                sql,
                { start: dateTimeParam(start), end: dateTimeParam(end) },
                { format: 'JSONEachRow' },
              )
            : await session.queryAsync(sql, { format: 'JSONEachRow' });
          rowsRead += result.rowsRead;
          results[name] = {
            ok: true,
            rows: parseJsonLines(result.text(), `chdb:${name}`),
          };
        } catch (error) {
          results[name] = { ok: false, reason: shortReason(error) };
        }
      }
      return { elapsedMs: Math.round(performance.now() - started), results };
    },
  };
}

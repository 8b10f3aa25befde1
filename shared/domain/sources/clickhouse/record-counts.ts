/**
 * The records in Langfuse's tables for a window, before and after a replay:
 * distinct ids of traces by `timestamp` and of observations by
 * `start_time`, the columns Langfuse's migrations partition on
 * (langfuse/langfuse packages/shared/clickhouse/migrations/unclustered/
 * 0001_traces.up.sql, 0002_observations.up.sql: `Partition by
 * toYYYYMM(timestamp)` / `toYYYYMM(start_time)`, so the window prunes
 * partitions).
 *
 * `uniqExact(id)`, not `count()`: both tables are
 * `ReplacingMergeTree(event_ts, is_deleted)`, and a replayed record is a
 * second row with the same id until a background merge collapses it; the
 * distinct count is right before and after that merge.
 */
import type { RecordCounts } from '../../recovery/contract.ts';

/**
 * One read-only query, one row. `{from:DateTime64(3, 'UTC')}` and
 * `{to:...}` are bound as query parameters (the window is half open: from
 * inclusive, to exclusive).
 */
export const RECORD_COUNTS_QUERY = `SELECT (SELECT uniqExact(id) FROM traces WHERE timestamp >= {from:DateTime64(3, 'UTC')} AND timestamp < {to:DateTime64(3, 'UTC')}) AS traces, (SELECT uniqExact(id) FROM observations WHERE start_time >= {from:DateTime64(3, 'UTC')} AND start_time < {to:DateTime64(3, 'UTC')}) AS observations LIMIT 1`;

/** ClickHouse DateTime64(3) parameter text for a Date, in UTC. */
export function dateTime64Param(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

/** The query parameters of RECORD_COUNTS_QUERY. */
export function recordCountParams(window: { start: Date; end: Date }): {
  from: string;
  to: string;
} {
  if (!(window.start.getTime() < window.end.getTime())) {
    throw new RangeError('the window must start before it ends');
  }
  return {
    from: dateTime64Param(window.start),
    to: dateTime64Param(window.end),
  };
}

/**
 * The one row RECORD_COUNTS_QUERY answers, as JSONEachRow gives it
 * (UInt64 is quoted by default: output_format_json_quote_64bit_integers).
 */
export function parseRecordCounts(
  rows: readonly Record<string, unknown>[],
): RecordCounts {
  const row = rows[0];
  const count = (name: 'traces' | 'observations'): number => {
    const value = Number(row?.[name]);
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new Error(`ClickHouse answered no count of ${name}`);
    }
    return value;
  };
  return { traces: count('traces'), observations: count('observations') };
}

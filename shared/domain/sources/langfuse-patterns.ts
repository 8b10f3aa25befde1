/**
 * Langfuse's log lines that mean traces are being lost, as CloudWatch Logs
 * metric filter patterns, and the metrics those filters publish.
 *
 * The texts come from langfuse/langfuse
 * `worker/src/services/ClickhouseWriter/index.ts` (tags v3.147.0 and
 * v3.148.0; see shared/domain/sources/langfuse-logs.ts for the exact count). Filter
 * patterns match terms in the raw event, case-sensitively, so the same
 * pattern works for `LANGFUSE_LOG_FORMAT=text` and `=json`.
 */
import type { LangfuseMetricId } from '../contracts.ts';

/** The Langfuse metric Ids that come from log metric filters. */
export type LogSignalId = Exclude<LangfuseMetricId, 'langfuse_writer_errors'>;

export type LogSignal = {
  /** Recording-format metric Id the collector reads it under. */
  id: LogSignalId;
  metricName: string;
  /** One filter per wording; all publish 1 per matching line. */
  filters: { name: string; pattern: string; example: string }[];
};

export const LANGFUSE_LOG_SIGNALS: readonly LogSignal[] = [
  {
    id: 'langfuse_dropped_records',
    metricName: 'DroppedRecords',
    filters: [
      {
        // Langfuse up to v3.147: one line per dropped record.
        name: 'dropped-records-v3-147',
        pattern: '"Max attempts reached for" "Dropping record"',
        example: 'Max attempts reached for traces record. Dropping record.',
      },
      {
        // Langfuse v3.148 and later: one line per dropped batch.
        name: 'dropped-records-v3-148',
        pattern: '"ClickhouseWriter: Max attempts reached, dropped"',
        example:
          'ClickhouseWriter: Max attempts reached, dropped 12 traces record(s)',
      },
    ],
  },
  {
    id: 'langfuse_clickhouse_timeouts',
    metricName: 'ClickHouseWriteTimeouts',
    filters: [
      {
        // "Timeout error." is @clickhouse/client's request_timeout text.
        name: 'clickhouse-write-timeouts',
        pattern: '"ClickhouseWriter.writeToClickhouse" "Timeout error."',
        example: 'ClickhouseWriter.writeToClickhouse Error: Timeout error.',
      },
    ],
  },
];

/**
 * The namespace a file system's Langfuse signals are published under.
 * Metric filters cannot attach a fixed dimension, so each file system gets
 * its own namespace below the configured base.
 */
export function langfuseNamespace(
  baseNamespace: string,
  fileSystemId: string,
): string {
  return `${baseNamespace}/${fileSystemId}`;
}

/**
 * Whether a CloudWatch Logs filter pattern made of quoted or bare terms
 * matches a log event: terms are ANDed, `?term` terms are ORed, `-term`
 * excludes. Enough of the pattern syntax to test the patterns above.
 */
export function matchesFilterPattern(pattern: string, event: string): boolean {
  const terms = [...pattern.matchAll(/([?-]?)(?:"([^"]*)"|(\S+))/g)].map(
    (m) => ({ op: m[1] ?? '', text: m[2] ?? m[3] ?? '' }),
  );
  const required = terms.filter((t) => t.op === '');
  const optional = terms.filter((t) => t.op === '?');
  const excluded = terms.filter((t) => t.op === '-');
  if (excluded.some((t) => event.includes(t.text))) return false;
  if (!required.every((t) => event.includes(t.text))) return false;
  return optional.length === 0 || optional.some((t) => event.includes(t.text));
}

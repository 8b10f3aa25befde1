/**
 * Langfuse's log lines that mean traces are being lost, as CloudWatch Logs
 * metric filter patterns, and the metrics those filters publish.
 *
 * The texts come from langfuse/langfuse
 * `worker/src/services/ClickhouseWriter/index.ts` (tags v3.147.0 and
 * v3.148.0; see shared/domain/sources/langfuse-logs.ts for the exact count). Filter
 * patterns match terms in the raw event, case-sensitively, so the same
 * pattern works for `LANGFUSE_LOG_FORMAT=text` and `=json`.
 *
 * No term starts with the first word of Langfuse's message. A log router
 * (Fluent Bit on EKS Fargate, Container Insights, ECS FireLens) ships the
 * line JSON-escaped inside a `log` field, and Langfuse's text format puts a
 * tab before the message (winston's align()), which JSON writes as `\t`:
 * the raw event then reads `\tMax attempts…`, where a term read as a whole
 * word ("Max") would not be found after the `t`. The CloudWatch Logs user
 * guide does not say whether a term may match inside a word, so the terms
 * are chosen to match under either reading; test/shared/langfuse-line-shapes.test.ts
 * checks both readings on every shape.
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
        pattern: '"attempts reached for" "Dropping record"',
        example: 'Max attempts reached for traces record. Dropping record.',
      },
      {
        // Langfuse v3.148 and later: one line per dropped batch.
        name: 'dropped-records-v3-148',
        pattern: '"Max attempts reached, dropped" "record(s)"',
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
        // The leading dot keeps the method call's form without needing a
        // word boundary before "ClickhouseWriter".
        pattern: '".writeToClickhouse" "Timeout error."',
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
 * How a term is found in an event. The CloudWatch Logs user guide ("Filter
 * pattern syntax for metric filters, subscription filters, filter log
 * events, and Live Tail", "Matching terms in unstructured log events")
 * says patterns are case-sensitive and that exact phrases and terms with
 * non-alphanumeric characters go in double quotes, and shows terms found
 * beside punctuation (`ERROR` in `[ERROR 400] BAD REQUEST`), but not whether
 * a term may match inside a longer word. `substring` finds the term
 * anywhere; `word` only where no letter or digit touches its alphanumeric
 * ends, as if the event were split into words at every other character.
 */
export type TermReading = 'substring' | 'word';

const ALNUM = /[A-Za-z0-9]/;

function containsTerm(
  event: string,
  term: string,
  reading: TermReading,
): boolean {
  if (reading === 'substring') return event.includes(term);
  const needsStart = ALNUM.test(term.charAt(0));
  const needsEnd = ALNUM.test(term.charAt(term.length - 1));
  for (
    let at = event.indexOf(term);
    at !== -1;
    at = event.indexOf(term, at + 1)
  ) {
    const before = event.charAt(at - 1);
    const after = event.charAt(at + term.length);
    const startOk = !needsStart || at === 0 || !ALNUM.test(before);
    const endOk = !needsEnd || after === '' || !ALNUM.test(after);
    if (startOk && endOk) return true;
  }
  return false;
}

/**
 * Whether a CloudWatch Logs filter pattern made of quoted or bare terms
 * matches a log event: terms are ANDed, `?term` terms are ORed, `-term`
 * excludes. The event is its message as stored, so a JSON event is
 * searched as its raw text, escapes included. Enough of the pattern syntax
 * to test the patterns above, under either {@link TermReading}.
 */
export function matchesFilterPattern(
  pattern: string,
  event: string,
  reading: TermReading = 'substring',
): boolean {
  const terms = [...pattern.matchAll(/([?-]?)(?:"([^"]*)"|(\S+))/g)].map(
    (m) => ({ op: m[1] ?? '', text: m[2] ?? m[3] ?? '' }),
  );
  const has = (text: string) => containsTerm(event, text, reading);
  const required = terms.filter((t) => t.op === '');
  const optional = terms.filter((t) => t.op === '?');
  const excluded = terms.filter((t) => t.op === '-');
  if (excluded.some((t) => has(t.text))) return false;
  if (!required.every((t) => has(t.text))) return false;
  return optional.length === 0 || optional.some((t) => has(t.text));
}

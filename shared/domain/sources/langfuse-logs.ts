/**
 * Exact counts of the records Langfuse dropped, from its worker's log lines.
 *
 * Langfuse's ClickhouseWriter (langfuse/langfuse
 * `worker/src/services/ClickhouseWriter/index.ts`) gives up on a record
 * after its last attempt. Two wordings exist:
 *
 * - up to v3.147 (tag v3.147.0, line 430): one line per dropped record,
 *   `Max attempts reached for ${tableName} record. Dropping record.`
 * - from v3.148 (commit 02a83085e9, "consolidate ClickhouseWriter drop logs
 *   into single summary"; tag v3.148.0, line 436): one line per failed
 *   batch, `ClickhouseWriter: Max attempts reached, dropped ${droppedCount}
 *   ${tableName} record(s)`.
 *
 * A metric filter publishes 1 per matching line, so from v3.148 on it counts
 * batches, not records. The Logs Insights query below reads the count from
 * each summary line and counts 1 for each older line. Its patterns (each
 * wording, as a message or inside a JSON line held as text) are the
 * constants below, and {@link droppedRecordsInLine} applies the very same
 * patterns in TypeScript, so the tests on the lines Langfuse prints test
 * the query's patterns too.
 *
 * Langfuse's logger (packages/shared/src/server/logger.ts) prints, with
 * LANGFUSE_LOG_FORMAT=text (the default), `${timestamp} ${level} ${message}`
 * after winston's align() put a tab before the message (recent versions'
 * `formatTextLogLine` append the metadata as JSON after the message); with
 * LANGFUSE_LOG_FORMAT=json, one JSON object per line with `level`,
 * `message`, `timestamp` and the metadata (up to v3.147 the dropped record
 * itself under `item`; later the dropped ids under `droppedIds`). The
 * message is read from the JSON `message` field when there is one, so text
 * inside a logged record can never be taken for a count.
 *
 * A log router may wrap that line. ECS's awslogs driver stores it as it is.
 * Fluent Bit (EKS Fargate's built-in log router, Container Insights' Fluent
 * Bit DaemonSet, ECS FireLens) stores a JSON record with the line in `log`
 * and Kubernetes or ECS metadata beside it; its Kubernetes filter with
 * `Merge_Log On` parses a JSON line into the record's top level (Fargate's
 * documented example) or under `Merge_Log_Key` (`log_processed` in
 * Container Insights' manifest). The message is read from, in order:
 * `message`, `log_processed.message`, `log`, the whole event
 * ({@link MESSAGE_FIELDS}).
 */
import type { Series } from '../contracts.ts';

/**
 * What may stand before the message: nothing in a JSON line's `message`
 * field, `${timestamp} ${level} <tab>` in a text line. Anchoring the
 * patterns there keeps a phrase quoted later in a line (a logged record,
 * metadata printed after the message) from being counted.
 */
const MESSAGE_START = String.raw`^(?:\S+\s+){0,2}`;

/**
 * The v3.148+ summary: the count is the number after "dropped", captured
 * as `batchDropped`. Regex source shared by the query and by
 * {@link droppedRecordsInLine}; RE2 syntax and JavaScript's agree on it
 * (named group, `\d`, `\S`, bounded repetition).
 */
export const SUMMARY_REGEX = String.raw`${MESSAGE_START}ClickhouseWriter: Max attempts reached, dropped (?<batchDropped>\d+) \S+ record\(s\)`;
/** Up to v3.147: one line per record. Regex source, as above. */
export const PER_RECORD_REGEX = String.raw`${MESSAGE_START}Max attempts reached for \S+ record\. Dropping record\.`;

/**
 * The end of Langfuse's JSON line after its top-level message: winston's
 * json() writes the metadata first, then `level` and `message`, then the
 * `timestamp`, trace and `severity` fields its formats add, all flat
 * strings, then the closing brace. Anchoring there finds the line's own
 * message in a JSON line a log router left unparsed in `log`, never a
 * `message` key nested in the metadata before it.
 */
const JSON_MESSAGE_END = String.raw`","timestamp":"[^"]*"(?:,"[^"]*":"[^"]*")*\}\s*$`;

/**
 * The v3.148+ summary as the top-level message of a JSON line held as
 * text, count captured as `jsonDropped` (RE2 allows a group name once
 * per expression, so it differs from {@link SUMMARY_REGEX}'s).
 */
export const SUMMARY_IN_JSON_REGEX = String.raw`"message":"ClickhouseWriter: Max attempts reached, dropped (?<jsonDropped>\d+) [^"\s]+ record\(s\)${JSON_MESSAGE_END}`;
/** Up to v3.147, as the top-level message of a JSON line held as text. */
export const PER_RECORD_IN_JSON_REGEX = String.raw`"message":"Max attempts reached for [^"\s]+ record\. Dropping record\.${JSON_MESSAGE_END}`;

const SUMMARY_PATTERN = new RegExp(SUMMARY_REGEX);
const PER_RECORD_PATTERN = new RegExp(PER_RECORD_REGEX);
const SUMMARY_IN_JSON_PATTERN = new RegExp(SUMMARY_IN_JSON_REGEX);
const PER_RECORD_IN_JSON_PATTERN = new RegExp(PER_RECORD_IN_JSON_REGEX);

/**
 * Where a log event's message may be, first found wins, as Logs Insights
 * names the fields it discovers in a JSON event (nested keys joined with
 * dots; CloudWatch Logs user guide, "Supported logs and discovered
 * fields"): Langfuse's JSON `message`, possibly merged by Fluent Bit at
 * the top level or under `log_processed`, then Fluent Bit's `log` (a text
 * line), then the raw event.
 */
export const MESSAGE_FIELDS = [
  'message',
  'log_processed.message',
  'log',
  '@message',
] as const;

/** A discovered field's value: a path of keys through the parsed event. */
function fieldAt(record: unknown, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The message of a log event, from the first of {@link MESSAGE_FIELDS}
 * that holds a string; the whole line when it is not a JSON object.
 */
export function logMessage(line: string): string {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      for (const field of MESSAGE_FIELDS) {
        if (field === '@message') break;
        const value = fieldAt(parsed, field);
        if (typeof value === 'string') return value;
      }
    } catch {
      // Not JSON after all: read it as text.
    }
  }
  return line;
}

/**
 * Records a Langfuse worker log line says were dropped: the count of a
 * v3.148+ summary line, 1 for a v3.147-or-older line, 0 for any other line.
 */
export function droppedRecordsInLine(line: string): number {
  const message = logMessage(line);
  const dropped =
    SUMMARY_PATTERN.exec(message)?.groups?.batchDropped ??
    SUMMARY_IN_JSON_PATTERN.exec(message)?.groups?.jsonDropped;
  if (dropped !== undefined) return Number.parseInt(dropped, 10);
  return PER_RECORD_PATTERN.test(message) ||
    PER_RECORD_IN_JSON_PATTERN.test(message)
    ? 1
    : 0;
}

/** The field the query's stats name the per-bin sum. */
export const DROPPED_RECORDS_FIELD = 'droppedRecords';

/**
 * The CloudWatch Logs Insights query (Logs Insights QL; CloudWatch Logs
 * user guide, "CloudWatch Logs Insights language query syntax": `fields`,
 * `filter ... like /regex/`, `parse ... /(?<name>regex)/`, `coalesce`,
 * `stats sum(...) by bin(...)`) that counts dropped records per bin:
 * the message is the first of {@link MESSAGE_FIELDS} Logs Insights
 * discovered in the event (`coalesce` returns its first non-null
 * argument), so ECS awslogs lines, Langfuse's JSON lines and Fluent Bit
 * records are read alike; a summary line's count is parsed, an older line
 * counts 1. Verified against AWS's documented syntax and a
 * mocked API only; run it on AWS before relying on it.
 */
export function droppedRecordsQuery(binMinutes: number): string {
  if (!Number.isInteger(binMinutes) || binMinutes < 1) {
    throw new RangeError(`bin must be whole minutes, got ${binMinutes}`);
  }
  return [
    `fields coalesce(${MESSAGE_FIELDS.join(', ')}) as msg`,
    `| filter ${[SUMMARY_REGEX, PER_RECORD_REGEX, SUMMARY_IN_JSON_REGEX, PER_RECORD_IN_JSON_REGEX].map((r) => `msg like /${r}/`).join(' or ')}`,
    `| parse msg /${SUMMARY_REGEX}/`,
    `| parse msg /${SUMMARY_IN_JSON_REGEX}/`,
    '| fields coalesce(batchDropped, jsonDropped, 1) as dropped',
    `| stats sum(dropped) as ${DROPPED_RECORDS_FIELD} by bin(${binMinutes}m)`,
  ].join('\n');
}

/** One row of GetQueryResults: `{field, value}` pairs. */
export type ResultRow = readonly { field?: string; value?: string }[];

/**
 * Logs Insights prints times as `YYYY-MM-DD HH:MM:SS.sss` in UTC (the
 * GetQueryResults examples of the CloudWatch Logs API reference).
 */
export function parseInsightsTime(value: string): number {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z?$/.exec(
      value.trim(),
    );
  if (!m) return Number.NaN;
  return Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    Number((m[7] ?? '0').padEnd(3, '0')),
  );
}

/**
 * The query's rows on a grid: each bin's sum goes to the slot its start
 * falls in; slots without a row are zero (no dropped record that minute).
 * Rows outside the grid are left out. Throws on a row it cannot read, so a
 * changed answer shape is noticed rather than counted as zero.
 */
export function droppedRecordsSeries(
  rows: readonly ResultRow[],
  grid: { start: Date; points: number },
  periodSeconds: number,
): Series {
  const values = new Array<number>(grid.points).fill(0);
  const grid0 = grid.start.getTime();
  const periodMs = periodSeconds * 1000;
  for (const row of rows) {
    const count = row.find((f) => f.field === DROPPED_RECORDS_FIELD)?.value;
    const bin = row.find((f) => f.field?.startsWith('bin('))?.value;
    const t = bin === undefined ? Number.NaN : parseInsightsTime(bin);
    const n = count === undefined ? Number.NaN : Number(count);
    if (!Number.isFinite(t) || !Number.isFinite(n)) {
      throw new TypeError(
        `unexpected Logs Insights row: ${JSON.stringify(row).slice(0, 200)}`,
      );
    }
    const slot = Math.floor((t - grid0) / periodMs);
    if (slot < 0 || slot >= grid.points) continue;
    values[slot] = (values[slot] ?? 0) + n;
  }
  return { start: grid.start.toISOString(), periodSeconds, values };
}

/**
 * The dropped-record count of a Langfuse worker log line, on lines shaped
 * as Langfuse prints them.
 *
 * Message texts: langfuse/langfuse worker/src/services/ClickhouseWriter/
 * index.ts, tag v3.147.0 line 430 (`Max attempts reached for ${tableName}
 * record. Dropping record.`, logged with `{ item }`) and tag v3.148.0
 * line 436 (`ClickhouseWriter: Max attempts reached, dropped
 * ${droppedCount} ${tableName} record(s)`, commit 02a83085e9; later
 * versions log `{ droppedIds }` beside it). Table names: the TableName enum
 * of the same file (traces, scores, observations, observations_batch_staging,
 * blob_storage_file_log, dataset_run_items_rmt, events_full).
 *
 * Line shapes: packages/shared/src/server/logger.ts. LANGFUSE_LOG_FORMAT=text
 * prints `${timestamp} ${level} ${message}` after winston's format.align()
 * (logform's align.js prefixes the message with a tab) put a tab
 * before the message, without the metadata; =json prints
 * winston's format.json() of the whole info object (metadata, level,
 * message, timestamp).
 */
import { describe, expect, it } from 'vitest';
import type { ResultRow } from '../../shared/domain/sources/langfuse-logs.ts';
import {
  droppedRecordsInLine,
  droppedRecordsQuery,
  droppedRecordsSeries,
  logMessage,
  parseInsightsTime,
} from '../../shared/domain/sources/langfuse-logs.ts';
import {
  LANGFUSE_LOG_SIGNALS,
  matchesFilterPattern,
} from '../../shared/domain/sources/langfuse-patterns.ts';
import { runInsightsQuery } from '../support/insights-query.ts';

const TS = '2026-11-23T02:41:07.312Z';

/** Text format: `${timestamp} ${level} \t${message}`. */
const text = (message: string) => `${TS} error \t${message}`;
/** JSON format: winston's json() of the info object, metadata first. */
const json = (meta: Record<string, unknown>, message: string) =>
  JSON.stringify({ ...meta, level: 'error', message, timestamp: TS });

const OLD = (table: string) =>
  `Max attempts reached for ${table} record. Dropping record.`;
const NEW = (n: number, table: string) =>
  `ClickhouseWriter: Max attempts reached, dropped ${n} ${table} record(s)`;

describe('droppedRecordsInLine', () => {
  it.each([
    ['text, v3.147', text(OLD('traces')), 1],
    ['json, v3.147', json({ item: { id: 't-1' } }, OLD('observations')), 1],
    ['text, v3.148', text(NEW(12, 'traces')), 12],
    [
      'json, v3.148',
      json(
        { droppedIds: [{ project_id: 'p', trace_id: 't', id: 'o' }] },
        NEW(37, 'observations'),
      ),
      37,
    ],
    ['text, v3.148, one record', text(NEW(1, 'scores')), 1],
    ['text, v3.148, a full batch', text(NEW(1000, 'events_full')), 1000],
  ])('counts a %s line', (_name, line, expected) => {
    // Act / Assess
    expect(droppedRecordsInLine(line)).toBe(expected);
  });

  it.each([
    'dataset_run_items_rmt',
    'observations_batch_staging',
    'blob_storage_file_log',
    'traces_null',
  ])('reads the count whatever the table (%s)', (table) => {
    // Act / Assess
    expect(droppedRecordsInLine(text(NEW(4, table)))).toBe(4);
    expect(droppedRecordsInLine(json({}, NEW(4, table)))).toBe(4);
    expect(droppedRecordsInLine(text(OLD(table)))).toBe(1);
    expect(droppedRecordsInLine(json({}, OLD(table)))).toBe(1);
  });

  it('reads a JSON line by its message, never by a logged record', () => {
    // Prepare: up to v3.147 the dropped record itself is logged; its input
    // may quote anything, even a summary line.
    const line = json(
      { item: { id: 't-1', input: NEW(999, 'traces') } },
      OLD('traces'),
    );

    // Act / Assess
    expect(droppedRecordsInLine(line)).toBe(1);
  });

  it.each([
    text('ClickhouseWriter.writeToClickhouse Error: Timeout error.'),
    text(
      'ClickHouse Writer failed with retryable error for traces (attempt 1/3): Timeout error.',
    ),
    text('ClickhouseWriter.flush traces'),
    json({}, 'ClickhouseWriter.flush traces'),
    json({ body: NEW(5, 'traces') }, 'Received ingestion event'),
    '',
  ])('counts no record in an unrelated line: %s', (line) => {
    // Act / Assess
    expect(droppedRecordsInLine(line)).toBe(0);
  });

  it('reads a line that only looks like JSON as text', () => {
    // Act / Assess
    expect(droppedRecordsInLine(`{ ${NEW(3, 'traces')}`)).toBe(3);
    expect(logMessage('{"message": 5}')).toBe('{"message": 5}');
  });

  it('counts at least one for every line the dropped-records filters match', () => {
    // Prepare
    const signal = LANGFUSE_LOG_SIGNALS.find(
      (s) => s.id === 'langfuse_dropped_records',
    );
    const lines = [
      text(OLD('traces')),
      json({ item: {} }, OLD('scores')),
      text(NEW(9, 'traces')),
      json({ droppedIds: [] }, NEW(9, 'observations')),
    ];

    // Act / Assess
    for (const line of lines) {
      expect(
        signal?.filters.some((f) => matchesFilterPattern(f.pattern, line)),
      ).toBe(true);
      expect(droppedRecordsInLine(line)).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('droppedRecordsSeries', () => {
  const grid = { start: new Date('2026-11-23T02:30:00Z'), points: 4 };
  const row = (bin: string, n: string): ResultRow => [
    { field: 'bin(1m)', value: bin },
    { field: 'droppedRecords', value: n },
  ];

  it('places each bin on its minute and fills quiet minutes with zero', () => {
    // Prepare: Logs Insights prints bins as `YYYY-MM-DD HH:MM:SS.sss` UTC.
    const rows = [
      row('2026-11-23 02:33:00.000', '1000'),
      row('2026-11-23 02:31:00.000', '12'),
      row('2026-11-23 02:29:00.000', '5'),
      row('2026-11-23 02:34:00.000', '5'),
    ];

    // Act
    const series = droppedRecordsSeries(rows, grid, 60);

    // Assess: rows before and after the grid are left out.
    expect(series).toEqual({
      start: '2026-11-23T02:30:00.000Z',
      periodSeconds: 60,
      values: [0, 12, 0, 1000],
    });
  });

  it('refuses a row it cannot read rather than count it as zero', () => {
    // Act / Assess
    expect(() =>
      droppedRecordsSeries([[{ field: 'count', value: '3' }]], grid, 60),
    ).toThrow(/unexpected Logs Insights row/);
  });

  it('reads Logs Insights times as UTC', () => {
    // Act / Assess
    expect(parseInsightsTime('2026-11-23 02:31:00.000')).toBe(
      Date.parse('2026-11-23T02:31:00Z'),
    );
    expect(parseInsightsTime('not a time')).toBeNaN();
  });
});

describe('droppedRecordsQuery', () => {
  it('bins by the grid period and refuses a fraction of a minute', () => {
    // Act / Assess
    expect(droppedRecordsQuery(1)).toMatch(
      /stats sum\(dropped\) as droppedRecords by bin\(1m\)$/,
    );
    expect(droppedRecordsQuery(15)).toMatch(/by bin\(15m\)$/);
    expect(() => droppedRecordsQuery(0.5)).toThrow(RangeError);
  });
});

/** The query text itself, run on sample lines (test/support/insights-query.ts). */
describe('the Logs Insights query, evaluated on Langfuse lines', () => {
  it('counts records in both wordings and both formats', () => {
    // Prepare: 1 + 1 (v3.147, one per line) + 12 + 37 (v3.148 summaries).
    const events = [
      text(OLD('traces')),
      json({ item: { id: 't-1' } }, OLD('observations')),
      text(NEW(12, 'traces')),
      json({ droppedIds: [] }, NEW(37, 'observations')),
      text('ClickhouseWriter.writeToClickhouse Error: Timeout error.'),
    ];

    // Act / Assess
    expect(runInsightsQuery(droppedRecordsQuery(1), events)).toBe(51);
  });

  it('never counts a phrase quoted inside a logged record', () => {
    // Prepare: a trace whose input quotes a summary line, in both formats.
    const events = [
      json({ item: { input: NEW(999, 'traces') } }, OLD('traces')),
      text(`Received ingestion event with body ${NEW(999, 'traces')}`),
      json({ body: NEW(999, 'traces') }, 'Received ingestion event'),
    ];

    // Act / Assess: only the v3.147 line counts, once.
    expect(runInsightsQuery(droppedRecordsQuery(1), events)).toBe(1);
  });

  it('agrees with droppedRecordsInLine on every sample line', () => {
    // Prepare
    const lines = [
      text(OLD('dataset_run_items_rmt')),
      json({}, OLD('events_full')),
      text(NEW(1000, 'events_full')),
      json({}, NEW(4, 'blob_storage_file_log')),
      text('ClickhouseWriter.flush traces'),
    ];

    // Act / Assess
    for (const line of lines) {
      expect(runInsightsQuery(droppedRecordsQuery(1), [line])).toBe(
        droppedRecordsInLine(line),
      );
    }
  });
});

describe('the documented query', () => {
  it('is the query the collector runs', async () => {
    // Prepare
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile('docs/recording-format.md', 'utf8');

    // Act / Assess
    expect(doc).toContain(droppedRecordsQuery(1));
  });
});

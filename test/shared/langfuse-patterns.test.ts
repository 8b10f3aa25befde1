import { describe, expect, it } from 'vitest';
import {
  LANGFUSE_LOG_SIGNALS,
  matchesFilterPattern,
} from '../../shared/domain/sources/langfuse-patterns.ts';

/** Log lines as Langfuse's worker writes them, in both log formats. */
const text = (message: string) => `2026-11-23T03:11:02.118Z error ${message}`;
const json = (message: string) =>
  JSON.stringify({
    level: 'error',
    message,
    timestamp: '2026-11-23T03:11:02.118Z',
  });

const pattern = (id: string) =>
  LANGFUSE_LOG_SIGNALS.find((s) => s.id === id)?.filters.map(
    (f) => f.pattern,
  ) ?? [];
const matchesAny = (patterns: string[], line: string) =>
  patterns.some((p) => matchesFilterPattern(p, line));

describe('the Langfuse log filter patterns', () => {
  const dropped = pattern('langfuse_dropped_records');
  const timeouts = pattern('langfuse_clickhouse_timeouts');

  it.each([
    [
      'up to v3.147',
      'Max attempts reached for traces record. Dropping record.',
    ],
    [
      'v3.148 and later',
      'ClickhouseWriter: Max attempts reached, dropped 12 observations record(s)',
    ],
  ])(
    'count dropped records as Langfuse %s logs them, text and json',
    (_, message) => {
      expect(matchesAny(dropped, text(message))).toBe(true);
      expect(matchesAny(dropped, json(message))).toBe(true);
      expect(matchesAny(timeouts, text(message))).toBe(false);
    },
  );

  it('count ClickhouseWriter timeouts in both log formats', () => {
    const message = 'ClickhouseWriter.writeToClickhouse Error: Timeout error.';
    expect(matchesAny(timeouts, text(message))).toBe(true);
    expect(matchesAny(timeouts, json(message))).toBe(true);
    expect(matchesAny(dropped, text(message))).toBe(false);
  });

  it.each([
    'ClickHouse Writer failed with retryable error for traces (attempt 1/3): Timeout error.',
    'ClickhouseWriter.writeToClickhouse Error: socket hang up',
    'max attempts reached for traces record. dropping record.',
    'Ingestion: processed 1000 events',
  ])(
    'ignore a line that is not a lost record or a write timeout: %s',
    (line) => {
      expect(matchesAny(dropped, text(line))).toBe(false);
      expect(matchesAny(timeouts, text(line))).toBe(false);
    },
  );

  it('match their own documented examples', () => {
    for (const signal of LANGFUSE_LOG_SIGNALS) {
      for (const filter of signal.filters) {
        expect(matchesFilterPattern(filter.pattern, filter.example)).toBe(true);
      }
    }
  });

  it('treat ? terms as OR and - terms as NOT', () => {
    expect(matchesFilterPattern('?"a b" ?c', 'x c y')).toBe(true);
    expect(matchesFilterPattern('?"a b" ?c', 'x d y')).toBe(false);
    expect(matchesFilterPattern('ERROR -timeout', 'ERROR timeout')).toBe(false);
    expect(matchesFilterPattern('ERROR -timeout', 'ERROR other')).toBe(true);
  });
});

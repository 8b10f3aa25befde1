/**
 * CollectClickHouse: a bounded, read-only snapshot of ClickHouse's merge and
 * part state. ClickHouse is likely overloaded during the very incident being
 * diagnosed, so its silence is evidence ("unreachable after 5 s"), not a
 * failed run.
 */

import type {
  ClickHouseEvidence,
  Trigger,
} from '../../shared/domain/contracts.ts';
import { oneLine } from '../../shared/domain/errors.ts';
import type { ClickHousePort } from '../../shared/domain/ports.ts';
import type {
  CountRecordsInput,
  CountRecordsOutput,
} from '../../shared/domain/recovery/steps.ts';
import { summarizeSnapshot } from '../../shared/domain/sources/clickhouse/summarize.ts';
import { unavailableAfter } from '../../shared/domain/sources/unavailable.ts';

export type CollectClickHousePorts = {
  /** The file system's ClickHouse; undefined when none is configured. */
  clickhouseFor(fileSystemId: string): ClickHousePort | undefined;
};

/** Reads the ClickHouse evidence for a trigger; never throws. */
export async function collectClickHouse(
  trigger: Trigger,
  ports: CollectClickHousePorts,
): Promise<ClickHouseEvidence> {
  const started = Date.now();
  const clickhouse = ports.clickhouseFor(trigger.fileSystemId);
  if (!clickhouse) {
    return {
      source: 'clickhouse',
      available: false,
      reason: `no ClickHouse endpoint is configured for ${trigger.fileSystemId}`,
      elapsedMs: 0,
    };
  }
  const window = {
    start: new Date(trigger.windowStart),
    end: new Date(trigger.windowEnd),
  };
  try {
    const snapshot = await clickhouse.snapshot(window);
    const { queries, summary } = summarizeSnapshot(snapshot, window);
    const answered = Object.values(queries).filter((q) => q.ok).length;
    if (answered === 0) {
      const reasons = Object.values(queries)
        .map((q) => q.reason)
        .filter(Boolean);
      return {
        source: 'clickhouse',
        available: false,
        reason: `no snapshot query answered: ${reasons[0] ?? 'unknown'}`,
        elapsedMs: Date.now() - started,
      };
    }
    return {
      source: 'clickhouse',
      available: true,
      elapsedMs: snapshot.elapsedMs,
      queries,
      summary,
    };
  } catch (error) {
    return unavailableAfter('clickhouse', error, Date.now() - started);
  }
}

/**
 * CountBefore / CountAfter of a recovery: distinct traces and observations
 * with timestamps in the window (`uniqExact(id)`), read-only and bounded
 * by the port. Never throws: a count that cannot be read is `{error}`, and
 * the recovery goes on without it.
 */
export async function countRecords(
  input: CountRecordsInput,
  ports: CollectClickHousePorts,
): Promise<CountRecordsOutput> {
  const clickhouse = ports.clickhouseFor(input.fileSystemId);
  if (!clickhouse) {
    return {
      error: `no ClickHouse endpoint is configured for ${input.fileSystemId}`,
    };
  }
  if (!clickhouse.countRecords) {
    return { error: 'this ClickHouse port cannot count records' };
  }
  try {
    const counts = await clickhouse.countRecords({
      start: new Date(input.window.from),
      end: new Date(input.window.to),
    });
    return { traces: counts.traces, observations: counts.observations };
  } catch (error) {
    return { error: oneLine(error) };
  }
}

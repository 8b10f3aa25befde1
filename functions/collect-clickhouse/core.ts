/**
 * CollectClickHouse: a bounded, read-only snapshot of ClickHouse's merge and
 * part state. ClickHouse is likely overloaded during the very incident being
 * diagnosed, so its silence is evidence ("unreachable after 5 s"), not a
 * failed run.
 */

import type {
  ClickHouseEvidence,
  ReplicaEvidence,
  Trigger,
} from '../../shared/domain/contracts.ts';
import { oneLine } from '../../shared/domain/errors.ts';
import type {
  ClickHousePort,
  ClickHouseReplica,
} from '../../shared/domain/ports.ts';
import type {
  CountRecordsInput,
  CountRecordsOutput,
} from '../../shared/domain/recovery/steps.ts';
import {
  keeperState,
  summarizeReplication,
} from '../../shared/domain/sources/clickhouse/replicas.ts';
import { summarizeSnapshot } from '../../shared/domain/sources/clickhouse/summarize.ts';
import { unavailableAfter } from '../../shared/domain/sources/unavailable.ts';

export type CollectClickHousePorts = {
  /** The file system's ClickHouse; undefined when none is configured. */
  clickhouseFor(fileSystemId: string): ClickHousePort | undefined;
};

/**
 * The whole replica fan-out ends within this long, inside the function's
 * 20 s Lambda timeout: each replica's own snapshot is bounded by the ClickHouse
 * timeout already, this is the cap for all of them and the discovery.
 */
export const REPLICAS_DEADLINE_MS = 15_000;

/** Reads the ClickHouse evidence for a trigger; never throws. */
export async function collectClickHouse(
  trigger: Trigger,
  ports: CollectClickHousePorts,
): Promise<ClickHouseEvidence> {
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
  if (!clickhouse.replicas) return evidenceOf(clickhouse, window);
  const [own, replicas] = await Promise.all([
    evidenceOf(clickhouse, window),
    replicaEvidence(clickhouse, window),
  ]);
  return replicas.length ? { ...own, replicas } : own;
}

/** One server's evidence; never throws. */
async function evidenceOf(
  clickhouse: ClickHousePort,
  window: { start: Date; end: Date },
): Promise<ClickHouseEvidence> {
  const started = Date.now();
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
 * Every replica's evidence, side by side and within REPLICAS_DEADLINE_MS.
 * A replica that does not answer is evidence about that replica; a
 * discovery that fails leaves one line in place of the list.
 */
async function replicaEvidence(
  clickhouse: ClickHousePort,
  window: { start: Date; end: Date },
): Promise<ReplicaEvidence[]> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), REPLICAS_DEADLINE_MS);
  });
  try {
    let replicas: ClickHouseReplica[];
    try {
      const listed = await Promise.race([
        clickhouse.replicas?.() ?? Promise.resolve([]),
        deadline,
      ]);
      if (listed === 'deadline') return [];
      replicas = listed;
    } catch {
      // Discovery failed: the endpoint's own evidence says why it cannot
      // be read, or stands alone.
      return [];
    }
    return await Promise.all(
      replicas.map(async ({ name, port }): Promise<ReplicaEvidence> => {
        const answer = await Promise.race([
          port.snapshot(window).then(
            (snapshot) => ({ snapshot }),
            (error: unknown) => ({ error }),
          ),
          deadline,
        ]);
        const elapsedMs = Date.now() - started;
        if (answer === 'deadline') {
          return unreadReplica(
            name,
            `no answer within ${REPLICAS_DEADLINE_MS / 1000} s`,
            elapsedMs,
          );
        }
        if ('error' in answer) {
          return unreadReplica(name, oneLine(answer.error), elapsedMs);
        }
        const { snapshot } = answer;
        const { queries, summary } = summarizeSnapshot(snapshot, window);
        const answered = Object.values(queries).some((q) => q.ok);
        if (!answered) {
          const reason = Object.values(queries).find((q) => q.reason)?.reason;
          return unreadReplica(
            name,
            `no snapshot query answered: ${reason ?? 'unknown'}`,
            snapshot.elapsedMs,
          );
        }
        return {
          name,
          available: true,
          elapsedMs: snapshot.elapsedMs,
          summary,
          replication: summarizeReplication(snapshot, window.end),
          keeper: keeperState(snapshot),
        };
      }),
    );
  } finally {
    clearTimeout(timer);
  }
}

function unreadReplica(
  name: string,
  reason: string,
  elapsedMs: number,
): ReplicaEvidence {
  return {
    name,
    available: false,
    reason,
    elapsedMs,
    replication: null,
    keeper: { state: 'unknown', reason: 'the replica did not answer' },
  };
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

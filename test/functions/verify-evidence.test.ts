/**
 * Verify over hand-written minutes. The change is at 10:00:00Z and Verify
 * looks 30 min before it, so its one-minute grid starts at 09:30 and slot
 * 30 is the minute of the change. PermittedThroughput is 100 MiB/s
 * (104,857,600 bytes/s); a minute of MeteredIOBytes at U percent of it is
 * U/100 * 104,857,600 * 60 bytes, so each expected percentage below is the
 * U the table was written with.
 */
import { describe, expect, it } from 'vitest';
import { verifyRemediation } from '../../functions/verify/core.ts';
import type { AfterRemediate } from '../../shared/domain/contracts.ts';
import type { EfsPort, MetricsPort } from '../../shared/domain/ports.ts';
import { testConfig } from '../fixtures/config.ts';
import { afterSwitch } from '../fixtures/states.ts';

const FS = 'fs-0123456789abcdef0';
const CHANGE = Date.parse('2026-03-02T10:00:00Z');
const GRID_START = CHANGE - 30 * 60_000;
const PERMITTED_BYTES_PER_SECOND = 100 * 1024 * 1024;

/** Minute slot (0 = 09:30) to its timestamp. */
const at = (slot: number) => new Date(GRID_START + slot * 60_000);

type Table = {
  /** Utilization percent per slot. */
  utilization?: Record<number, number>;
  dropped?: Record<number, number>;
  timeouts?: Record<number, number>;
  /** Langfuse queries answered without a datapoint. */
  langfuseEmpty?: boolean;
};

function metricsPort(table: Table, asked: string[][]): MetricsPort {
  const result = (id: string, values: Record<number, number>) => {
    const slots = Object.keys(values).map(Number);
    return {
      Id: id,
      Timestamps: slots.map((s) => at(s).toISOString()),
      Values: slots.map((s) => values[s] as number),
    };
  };
  return {
    async getMetricData({ queries }) {
      asked.push(queries.map((q) => q.id));
      const u = table.utilization ?? {};
      const metered = Object.fromEntries(
        Object.entries(u).map(([s, pct]) => [
          s,
          (pct / 100) * PERMITTED_BYTES_PER_SECOND * 60,
        ]),
      );
      const permitted = Object.fromEntries(
        Object.keys(u).map((s) => [s, PERMITTED_BYTES_PER_SECOND]),
      );
      const out = [
        result('metered_io_bytes', metered),
        result('permitted_throughput', permitted),
      ];
      if (table.dropped) {
        out.push(result('langfuse_dropped_records', table.dropped));
      }
      if (table.timeouts) {
        out.push(result('langfuse_clickhouse_timeouts', table.timeouts));
      }
      if (table.langfuseEmpty) {
        out.push({
          Id: 'langfuse_dropped_records',
          Timestamps: [],
          Values: [],
        });
      }
      return out;
    },
  };
}

function efsPort(
  mode: string | undefined,
  lifeCycleState = 'available',
): EfsPort {
  return {
    async describeFileSystem() {
      if (mode === 'throw') throw new Error('AccessDenied: not allowed');
      return {
        FileSystemId: FS,
        LifeCycleState: lifeCycleState,
        ...(mode ? { ThroughputMode: mode } : {}),
      };
    },
  } as unknown as EfsPort;
}

function state(): AfterRemediate {
  return afterSwitch(FS, new Date(CHANGE));
}

/** Verify's answer `minutesAfter` the change, over `table`, on Elastic. */
async function verifiedAfter(minutesAfter: number, table: Table) {
  return (await verify({ minutesAfter, table })).verification;
}

async function verify(options: {
  minutesAfter: number;
  table: Table;
  mode?: string;
  lifeCycleState?: string;
}) {
  const asked: string[][] = [];
  const verification = await verifyRemediation(state(), {
    efs: efsPort(options.mode ?? 'elastic', options.lifeCycleState),
    metrics: metricsPort(options.table, asked),
    clock: { now: () => new Date(CHANGE + options.minutesAfter * 60_000) },
    config: testConfig(),
  });
  return { verification, asked };
}

/** Slots from..to (inclusive) at the given percents, in order. */
function slots(from: number, percents: number[]): Record<number, number> {
  return Object.fromEntries(percents.map((p, i) => [from + i, p]));
}

describe('verifyRemediation over hand-written minutes', () => {
  it('says the switch worked, with the medians before and after and the errors outside the grace minutes', async () => {
    const { verification, asked } = await verify({
      minutesAfter: 10,
      table: {
        utilization: {
          // 30 minutes pinned at 100 percent before the change...
          ...slots(0, Array<number>(30).fill(100)),
          // ...then slots 30..39, written in descending order: sorted,
          // 5 10 20 30 40 50 60 70 80 90, the median (6th) is 50; the
          // highest, 90, is under the 95 percent that reads as pinned.
          ...slots(30, [90, 80, 70, 60, 50, 40, 30, 20, 10, 5]),
        },
        // Before the change (slots 0..29): 7 + 5 dropped records and 4
        // timeouts = 16. Slot 30 (the change) and 31 are the two grace
        // minutes and count nowhere; slots 32..39 had none.
        dropped: { 0: 7, 29: 5, 30: 2, 31: 3, 39: 0 },
        timeouts: { 10: 4 },
      },
    });

    expect(verification).toMatchObject({
      verdict: 'worked',
      minutesSinceChange: 10,
      throughputMode: 'elastic',
      utilizationBeforePercent: 100,
      utilizationAfterPercent: 50,
      langfuseErrorsBefore: 16,
      langfuseErrorsAfter: 0,
    });
    // 10 minutes after the change less the 2 grace minutes: 8 minutes.
    expect(verification.summary).toBe(
      `elastic since 10:00 UTC: throughput at 50% of permitted (was 100% before), 0 Langfuse write errors in the 8 min since (16 in the 30 min before)`,
    );
    // Only the two EFS metrics it compares, and the Langfuse signals.
    expect(asked[0]?.slice(0, 2).sort()).toEqual([
      'metered_io_bytes',
      'permitted_throughput',
    ]);
    expect(asked[0]?.filter((id) => !id.startsWith('langfuse_'))).toHaveLength(
      2,
    );
  });

  it('says it did not work when throughput reaches 95 percent after the change, judging from 3 minutes', async () => {
    const verification = await verifiedAfter(3, {
      utilization: slots(30, [50, 95, 60]),
    });

    expect(verification.verdict).toBe('not-working');
    expect(verification.summary).toBe(
      'elastic since 10:00 UTC but throughput still reaches 95% of permitted: Langfuse signals not available; look at ClickHouse next',
    );
    expect(verification.langfuseErrorsBefore).toBeNull();
    expect(verification.langfuseErrorsAfter).toBeNull();
  });

  it('says it is too early with 2 minutes of metrics after the change', async () => {
    const verification = await verifiedAfter(2, {
      utilization: slots(30, [50, 60]),
    });

    expect(verification.verdict).toBe('not-yet');
    expect(verification.summary).toBe(
      `${FS} is in elastic mode since 10:00 UTC; only 2 min of metrics since, too early to judge the effect`,
    );
  });

  it('shows utilization under 1 percent with two decimals, and leaves out the before figure it does not have', async () => {
    const verification = await verifiedAfter(5, {
      utilization: slots(30, [0.5, 0.5, 0.5, 0.5, 0.5]),
    });

    expect(verification.utilizationBeforePercent).toBeNull();
    expect(verification.utilizationAfterPercent).toBe(0.5);
    expect(verification.summary).toBe(
      'elastic since 10:00 UTC: throughput at 0.50% of permitted, Langfuse signals not available',
    );
  });

  it('shows exactly 1 percent as a whole number', async () => {
    const verification = await verifiedAfter(3, {
      utilization: slots(30, [1, 1, 1]),
    });

    expect(verification.summary).toContain('throughput at 1% of permitted');
  });

  it('counts Langfuse errors as zero, not unknown, when the signals answer without datapoints', async () => {
    const verification = await verifiedAfter(3, {
      utilization: slots(30, [10, 10, 10]),
      langfuseEmpty: true,
    });

    expect(verification.langfuseErrorsBefore).toBe(0);
    expect(verification.langfuseErrorsAfter).toBe(0);
    // 3 minutes less the 2 grace minutes: 1.
    expect(verification.summary).toContain(
      '0 Langfuse write errors in the 1 min since (0 in the 30 min before)',
    );
  });

  it('says Langfuse still fails when errors follow the grace minutes', async () => {
    const verification = await verifiedAfter(4, {
      utilization: slots(30, [10, 10, 10, 10]),
      dropped: { 33: 1_234 },
    });

    expect(verification.verdict).toBe('not-working');
    expect(verification.summary).toBe(
      'elastic since 10:00 UTC but Langfuse still fails to write: 1,234 Langfuse write errors in the 2 min since (0 in the 30 min before); look at ClickHouse next',
    );
  });

  it('names the mode it found when the file system is not elastic, and says when it is still updating', async () => {
    const bursting = await verify({
      minutesAfter: 10,
      table: {},
      mode: 'bursting',
    });
    const noMode = await verify({ minutesAfter: 10, table: {}, mode: '' });
    const updating = await verify({
      minutesAfter: 1,
      table: {},
      mode: 'bursting',
      lifeCycleState: 'updating',
    });
    const updatingNoMode = await verify({
      minutesAfter: 1,
      table: {},
      mode: '',
      lifeCycleState: 'updating',
    });

    expect(bursting.verification.summary).toBe(
      `${FS} is in bursting mode, not elastic, 10 min after the change`,
    );
    expect(noMode.verification.summary).toBe(
      `${FS} is in an unknown mode, not elastic, 10 min after the change`,
    );
    expect(updating.verification).toMatchObject({
      verdict: 'not-yet',
      summary: `${FS} is still updating (bursting mode); check again in a few minutes`,
    });
    expect(updatingNoMode.verification.summary).toBe(
      `${FS} is still updating (unknown mode); check again in a few minutes`,
    );
  });

  it('says unknown, and why, when EFS cannot be read', async () => {
    const { verification } = await verify({
      minutesAfter: 5,
      table: {},
      mode: 'throw',
    });

    expect(verification).toMatchObject({
      verdict: 'unknown',
      minutesSinceChange: 5,
      summary: `could not read ${FS} back from EFS: AccessDenied: not allowed`,
      throughputMode: null,
    });
  });
});

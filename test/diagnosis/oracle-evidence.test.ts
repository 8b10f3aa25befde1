/**
 * Independent oracles for the numbers a diagnosis rests on. The evidence is
 * written by hand here, as CloudWatch would answer GetMetricData (each
 * datapoint stamped with the start of its period; TimestampDescending is
 * the API's default order, CloudWatch API reference, GetMetricData
 * "ScanBy") and as DescribeFileSystems describes a file system (EFS API
 * reference, FileSystemSize: Value, ValueInStandard, ValueInIA). The
 * expected figures are worked by hand in the comments, from the published
 * rules, not from the simulator or the engine:
 *
 * - throughput utilization, as the EFS console computes it (CloudWatch user
 *   guide, "Using metric math", the EFS example):
 *   (MeteredIOBytes / 1048576) / PERIOD * 100 / (PermittedThroughput /
 *   1048576);
 * - the Bursting baseline: 50 KiB/s per GiB of Standard-class storage, at
 *   least 1 MiB/s (EFS user guide, "Amazon EFS performance").
 */
import { describe, expect, it } from 'vitest';
import { collectEfs } from '../../functions/collect-efs/core.ts';
import type { FileSystemDescription } from '../../shared/domain/aws-shapes.ts';
import type { Trigger } from '../../shared/domain/contracts.ts';
import { diagnose } from '../../shared/domain/diagnosis/engine.ts';
import { computeSignals } from '../../shared/domain/diagnosis/signals.ts';
import type { MetricsPort } from '../../shared/domain/ports.ts';
import { manualTrigger } from '../fixtures/inputs.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const FS_ID = 'fs-0a1b2c3d4e5f67890';

/** A run of equal datapoints: `periods` of them. */
type Run = { periods: number; value: number };

/** One hand-written table: its period and a run list per metric id. */
type Table = {
  periodSeconds: number;
  /** Inclusive start and exclusive end of the window, on period bounds. */
  windowStart: string;
  windowEnd: string;
  /** When the run looks at the window (decides the period CloudWatch has). */
  now: string;
  metrics: Record<string, Run[]>;
  order: 'ascending' | 'descending';
};

/** Every run looks at the window at this time. */
const NOW = '2026-11-23T03:00:00.000Z';

/**
 * The windows of the tables, each with the period CloudWatch has for it
 * then (1-minute data kept 15 days, 5-minute 63 days, 1-hour 455 days, and
 * at most 1,440 points per series read at once: CloudWatch API reference,
 * GetMetricData).
 */
const WINDOWS = {
  last15Minutes: {
    periodSeconds: 60,
    windowStart: '2026-11-23T02:45:00.000Z',
    windowEnd: NOW,
  },
  lastHour: {
    periodSeconds: 60,
    windowStart: '2026-11-23T02:00:00.000Z',
    windowEnd: NOW,
  },
  threeHours20DaysAgo: {
    periodSeconds: 300,
    windowStart: '2026-11-03T00:00:00.000Z',
    windowEnd: '2026-11-03T03:00:00.000Z',
  },
  twoDays70DaysAgo: {
    periodSeconds: 3600,
    windowStart: '2026-09-14T00:00:00.000Z',
    windowEnd: '2026-09-16T00:00:00.000Z',
  },
  last15Days: {
    periodSeconds: 900,
    windowStart: '2026-11-08T03:00:00.000Z',
    windowEnd: NOW,
  },
} as const;

function tableOf(
  window: keyof typeof WINDOWS,
  order: Table['order'],
  metrics: Table['metrics'],
): Table {
  return { ...WINDOWS[window], now: NOW, metrics, order };
}

/** Runs of equal datapoints, each `[periods, value]`. */
function runs(...list: [periods: number, value: number][]): Run[] {
  return list.map(([periods, value]) => ({ periods, value }));
}

/** The GetMetricData results of a table, in the table's timestamp order. */
function answer(table: Table) {
  const startMs = Date.parse(table.windowStart);
  return Object.entries(table.metrics).map(([id, runs]) => {
    const timestamps: Date[] = [];
    const values: number[] = [];
    let slot = 0;
    for (const run of runs) {
      for (let k = 0; k < run.periods; k++) {
        timestamps.push(new Date(startMs + slot * table.periodSeconds * 1000));
        values.push(run.value);
        slot++;
      }
    }
    if (table.order === 'descending') {
      timestamps.reverse();
      values.reverse();
    }
    return {
      Id: id,
      Label: id,
      Timestamps: timestamps,
      Values: values,
      StatusCode: 'Complete',
    };
  });
}

function describeFs(
  size: { Value: number; ValueInStandard?: number; ValueInIA?: number },
  mode: 'bursting' | 'elastic' = 'bursting',
): FileSystemDescription {
  return {
    FileSystemId: FS_ID,
    LifeCycleState: 'available',
    PerformanceMode: 'generalPurpose',
    ThroughputMode: mode,
    SizeInBytes: { ...size, Timestamp: new Date('2026-11-23T00:00:00Z') },
    Tags: [],
  } as unknown as FileSystemDescription;
}

function trigger(table: Table): Trigger {
  return manualTrigger(new Date(table.windowEnd), {
    fileSystemId: FS_ID,
    windowMinutes:
      (Date.parse(table.windowEnd) - Date.parse(table.windowStart)) / 60_000,
  });
}

/** Runs CollectEfs on the table, then the signals. */
async function signalsOf(
  table: Table,
  description: FileSystemDescription = describeFs({
    Value: 3 * GiB,
    ValueInStandard: 3 * GiB,
  }),
) {
  const asked: number[] = [];
  const metrics: MetricsPort = {
    async getMetricData(request) {
      asked.push(request.periodSeconds);
      return answer(table);
    },
  };
  const efs = await collectEfs(trigger(table), {
    efs: {
      async describeFileSystem() {
        return description;
      },
      async updateFileSystem() {
        throw new Error('not called');
      },
    },
    metrics,
    clock: { now: () => new Date(table.now) },
  });
  const evidence = {
    efs,
    langfuse: {
      source: 'langfuse' as const,
      available: false as const,
      reason: 'no Langfuse log groups are configured',
    },
    clickhouse: {
      source: 'clickhouse' as const,
      available: false as const,
      reason: 'no ClickHouse endpoint is configured',
    },
  };
  const window = {
    windowStart: table.windowStart,
    windowEnd: table.windowEnd,
  };
  return {
    asked,
    evidence,
    signals: computeSignals(evidence, window),
    result: diagnose(evidence, { region: 'us-east-1', ...window }),
  };
}

describe('utilization over hand-written tables', () => {
  const cases: {
    name: string;
    table: Table;
    maxPercent: number;
    medianPercent: number;
    pinnedMinutes: number;
  }[] = [
    {
      // 15 min at 60 s, read at once: 1-minute data.
      // Permitted 1 MiB/s. Quiet minutes: 15,728,640 B / 60 s = 262,144
      // B/s = 0.25 MiB/s -> 25%. Last 5 minutes: 62,914,560 B / 60 s =
      // 1 MiB/s -> 100%, pinned: 5 x 1 min = 5 min. Median of ten 25s and
      // five 100s: 25.
      name: '15 minutes at 60 s periods',
      table: tableOf('last15Minutes', 'ascending', {
        metered_io_bytes: runs([10, 15_728_640], [5, 62_914_560]),
        permitted_throughput: runs([15, MiB]),
      }),
      maxPercent: 100,
      medianPercent: 25,
      pinnedMinutes: 5,
    },
    {
      // 3 h, 20 days ago: 1-minute data is gone after 15 days, so 300 s.
      // 36 periods. Permitted 2 MiB/s. Quiet: 314,572,800 B / 300 s =
      // 1,048,576 B/s = 1 MiB/s -> 1/2 = 50%. Last 6: 629,145,600 B / 300 s
      // = 2 MiB/s -> 100%, pinned 6 x 5 min = 30 min. (Divided by 60
      // instead of 300, every period would read 250% or 500%.)
      name: '3 hours at 300 s periods, descending',
      table: tableOf('threeHours20DaysAgo', 'descending', {
        metered_io_bytes: runs([30, 314_572_800], [6, 629_145_600]),
        permitted_throughput: runs([36, 2 * MiB]),
      }),
      maxPercent: 100,
      medianPercent: 50,
      pinnedMinutes: 30,
    },
    {
      // 2 days, 70 days ago: 5-minute data is gone after 63 days, so 3600 s.
      // 48 periods. Permitted 1 MiB/s. Quiet: 377,487,360 B / 3600 s =
      // 104,857.6 B/s = 0.1 MiB/s -> 10%. Last 3: 3,774,873,600 B / 3600 s
      // = 1 MiB/s -> 100%, pinned 3 x 60 min = 180 min.
      name: '2 days at 3,600 s periods',
      table: tableOf('twoDays70DaysAgo', 'ascending', {
        metered_io_bytes: runs([45, 377_487_360], [3, 3_774_873_600]),
        permitted_throughput: runs([48, MiB]),
      }),
      maxPercent: 100,
      medianPercent: 10,
      pinnedMinutes: 180,
    },
    {
      // 15 days, read at once: 15 x 86,400 s / 1,440 points per series =
      // 900 s periods, 1,440 of them. Permitted 1 MiB/s. Quiet:
      // 471,859,200 B / 900 s = 524,288 B/s = 0.5 MiB/s -> 50%. Last 8:
      // 943,718,400 B / 900 s = 1 MiB/s -> 100%, pinned 8 x 15 min = 120
      // min. Divided by a fixed 60 instead, the quiet periods would read
      // 750%: the whole 15 days pinned.
      name: '15 days at 900 s periods, descending',
      table: tableOf('last15Days', 'descending', {
        metered_io_bytes: runs([1432, 471_859_200], [8, 943_718_400]),
        permitted_throughput: runs([1440, MiB]),
      }),
      maxPercent: 100,
      medianPercent: 50,
      pinnedMinutes: 120,
    },
  ];

  for (const c of cases) {
    it(`computes utilization by hand-worked figures: ${c.name}`, async () => {
      // Prepare / Act
      const { asked, signals } = await signalsOf(c.table);

      // Assess
      expect(asked).toEqual([c.table.periodSeconds]);
      expect(signals.periodSeconds).toBe(c.table.periodSeconds);
      expect(signals.utilizationMaxPercent).toBeCloseTo(c.maxPercent, 6);
      expect(signals.utilizationMedianPercent).toBeCloseTo(c.medianPercent, 6);
      expect(signals.pinnedMinutes).toBe(c.pinnedMinutes);
      // The pinned stretch is the window's last one.
      expect(signals.pinnedOnsetMinute).toBe(
        signals.windowMinutes - c.pinnedMinutes,
      );
    });
  }

  it('reads the same figures whichever order the timestamps come in', async () => {
    // Prepare
    const base = cases[3]?.table as Table;

    // Act
    const down = await signalsOf({ ...base, order: 'descending' });
    const up = await signalsOf({ ...base, order: 'ascending' });

    // Assess
    expect(up.signals.utilization).toEqual(down.signals.utilization);
    expect(up.signals.pinnedMinutes).toBe(120);
  });
});

describe('the Bursting baseline with Infrequent Access storage', () => {
  it('computes the baseline from Standard-class bytes only', async () => {
    // Prepare: 200 GiB stored, of which 40 GiB Standard and 160 GiB IA.
    // Baseline = 40 GiB x 50 KiB/s = 2,000 KiB/s = 2,048,000 B/s (over the
    // 1 MiB/s floor). From the total it would be 200 x 51,200 = 10,240,000.
    // PermittedThroughput reads the baseline: credits are gone.
    const table: Table = tableOf('lastHour', 'descending', {
      // 2,048,000 B/s x 60 s = 122,880,000 B a minute: 100%.
      metered_io_bytes: runs([60, 122_880_000]),
      permitted_throughput: runs([60, 2_048_000]),
      burst_credit_balance: runs([60, 0]),
    });
    const description = describeFs({
      Value: 200 * GiB,
      ValueInStandard: 40 * GiB,
      ValueInIA: 160 * GiB,
    });

    // Act
    const { signals, result } = await signalsOf(table, description);

    // Assess
    expect(signals.sizeStandardBytes).toBe(40 * GiB);
    expect(signals.baselineBytesPerSecond).toBe(2_048_000);
    expect(signals.utilizationMaxPercent).toBeCloseTo(100, 6);
    expect(signals.pinnedMinutes).toBe(60);
    expect(result.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
  });

  it('keeps the 1 MiB/s floor when the Standard class is small', async () => {
    // Prepare: 100 GiB stored, 4 GiB Standard: 4 x 51,200 = 204,800 B/s,
    // under the floor, so 1,048,576 B/s.
    const table: Table = tableOf('last15Minutes', 'ascending', {
      permitted_throughput: runs([15, MiB]),
    });

    // Act
    const { signals } = await signalsOf(
      table,
      describeFs({
        Value: 100 * GiB,
        ValueInStandard: 4 * GiB,
        ValueInIA: 96 * GiB,
      }),
    );

    // Assess
    expect(signals.baselineBytesPerSecond).toBe(MiB);
  });
});

describe('the burst credit forecast over a long window', () => {
  it('forecasts from the recent three hours, not the whole window', async () => {
    // Prepare: 15 days at 900 s. Credits sat at 720 GiB for 1,427 periods,
    // then fell 10 GiB every 15 min over the last 13 points (3 h):
    // 720, 710, ..., 600 GiB. Recent slope: -10 GiB / 15 min; 600 GiB
    // left -> 600 / (10 / 15) = 900 min to zero. Fitted over all 15 days,
    // the median pairwise slope is 0 (almost every pair is flat): no
    // forecast at all.
    const falling: Run[] = Array.from({ length: 12 }, (_, k) => ({
      periods: 1,
      value: (710 - 10 * k) * GiB,
    }));
    const table: Table = tableOf('last15Days', 'descending', {
      burst_credit_balance: [{ periods: 1428, value: 720 * GiB }, ...falling],
      permitted_throughput: runs([1440, 100 * MiB]),
    });

    // Act
    const { signals } = await signalsOf(table);

    // Assess
    expect(signals.creditBytes).toBe(600 * GiB);
    expect(signals.creditSlopeBytesPerMinute).toBeCloseTo(-(10 * GiB) / 15, 3);
    expect(signals.forecastMinutesToZero).toBeCloseTo(900, 6);
  });
});

describe('verdicts over hand-written tables', () => {
  it('names a Provisioned file system pinned at its provisioned rate (3 h at 300 s)', async () => {
    // Prepare: 20 days ago, so 300 s. Provisioned 100 MiB/s; PermittedThroughput
    // reads 104,857,600 B/s. Metered 31,457,280,000 B per 300 s = 100 MiB/s
    // -> 100% for the last 24 periods (120 min), 30% (9,437,184,000 B) before.
    const table: Table = tableOf('threeHours20DaysAgo', 'descending', {
      metered_io_bytes: runs([12, 9_437_184_000], [24, 31_457_280_000]),
      permitted_throughput: runs([36, 100 * MiB]),
    });
    const description = {
      ...describeFs({ Value: 50 * GiB, ValueInStandard: 50 * GiB }),
      ThroughputMode: 'provisioned',
      ProvisionedThroughputInMibps: 100,
    } as FileSystemDescription;

    // Act
    const { signals, result } = await signalsOf(table, description);

    // Assess
    expect(signals.pinnedMinutes).toBe(120);
    expect(signals.utilizationMedianPercent).toBeCloseTo(100, 6);
    expect(result.diagnosis.verdict).toBe(
      'efs-provisioned-throughput-saturated',
    );
  });

  it('names the IO limit when PercentIOLimit sits at 99% and throughput is low (1 h at 60 s)', async () => {
    // Prepare: utilization 20% (12,582,912 B a minute of 1 MiB/s), plenty
    // of credits (2 TiB), PercentIOLimit 99 every minute.
    const table: Table = tableOf('lastHour', 'ascending', {
      metered_io_bytes: runs([60, 12_582_912]),
      permitted_throughput: runs([60, 100 * MiB]),
      burst_credit_balance: runs([60, 2 * 1024 * GiB]),
      percent_io_limit: runs([60, 99]),
    });

    // Act
    const { signals, result } = await signalsOf(table);

    // Assess
    expect(signals.percentIoLimitMax).toBe(99);
    expect(signals.ioLimitMinutes).toBe(60);
    expect(result.diagnosis.verdict).toBe('efs-io-limit');
  });

  it('names exhausted credits over 15 days at 900 s when the last 2 hours sit at the baseline', async () => {
    // Prepare: the 15-day table above, with credits at zero for the last
    // 8 periods and 3 GiB Standard: baseline 1 MiB/s (the floor), which
    // PermittedThroughput reads.
    const table: Table = tableOf('last15Days', 'ascending', {
      metered_io_bytes: runs([1432, 471_859_200], [8, 943_718_400]),
      permitted_throughput: runs([1440, MiB]),
      burst_credit_balance: runs([1432, 100 * GiB], [8, 0]),
    });

    // Act
    const { signals, result } = await signalsOf(table);

    // Assess
    expect(signals.baselineBytesPerSecond).toBe(MiB);
    expect(signals.creditsNearZero).toBe(true);
    expect(result.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    expect(result.recommendation.action).toBe('switch-to-elastic');
  });
});

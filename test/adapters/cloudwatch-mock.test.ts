/**
 * The GetMetricData mock (test/support/cloudwatch-mock.ts) behaves as the
 * CloudWatch API reference describes, checked on hand-worked numbers; then
 * the CloudWatch adapter and the EFS collector read a 15-day window through
 * it, paged, at the period the collector asks for.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { collectEfs } from '../../functions/collect-efs/core.ts';
import { createMetricsPort } from '../../shared/adapters/aws-cloudwatch.ts';
import type { FileSystemDescription } from '../../shared/domain/aws-shapes.ts';
import { computeSignals } from '../../shared/domain/diagnosis/signals.ts';
import { manualTrigger } from '../fixtures/inputs.ts';
import {
  type HeldMetric,
  mockGetMetricData,
} from '../support/cloudwatch-mock.ts';

const MiB = 1024 * 1024;
const FS_ID = 'fs-0a1b2c3d4e5f67890';
const NOW = new Date('2026-11-23T03:00:00Z');
const cw = mockClient(CloudWatchClient);
afterEach(() => cw.reset());

function minutes(
  from: Date,
  count: number,
  value: (i: number) => number,
): HeldMetric['minutes'] {
  return Array.from({ length: count }, (_, i) => ({
    at: new Date(from.getTime() + i * 60_000),
    value: value(i),
  }));
}

const metered = (values: HeldMetric['minutes']): HeldMetric => ({
  namespace: 'AWS/EFS',
  metricName: 'MeteredIOBytes',
  dimensions: { FileSystemId: FS_ID },
  minutes: values,
});

function query(id: string, stat: string, period: number) {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/EFS',
        MetricName: 'MeteredIOBytes',
        Dimensions: [{ Name: 'FileSystemId', Value: FS_ID }],
      },
      Period: period,
      Stat: stat,
    },
  };
}

describe('the GetMetricData mock', () => {
  const start = new Date('2026-11-23T02:00:00Z');
  const end = new Date('2026-11-23T02:15:00Z');

  /** The mock holds 15 minutes from `start`, worth 1, 2, ..., 15. */
  function holdFifteenMinutes() {
    mockGetMetricData(cw, [metered(minutes(start, 15, (i) => i + 1))], {
      now: NOW,
    });
  }

  /** GetMetricData over the 15 minutes, through the real SDK client. */
  function askWindow(
    MetricDataQueries: ReturnType<typeof query>[],
    ScanBy?: 'TimestampAscending',
  ) {
    return new CloudWatchClient({}).send(
      new GetMetricDataCommand({
        StartTime: start,
        EndTime: end,
        ...(ScanBy ? { ScanBy } : {}),
        MetricDataQueries,
      }),
    );
  }

  it('aggregates 1-minute data to the requested period and statistic', async () => {
    // Prepare: minutes worth 1, 2, ..., 15.
    holdFifteenMinutes();

    // Act
    const out = await askWindow(
      [
        query('sum', 'Sum', 300),
        query('avg', 'Average', 300),
        query('max', 'Maximum', 300),
        query('min', 'Minimum', 900),
      ],
      'TimestampAscending',
    );

    // Assess: 5-minute buckets 1..5, 6..10, 11..15.
    const [sum, avg, max, min] = out.MetricDataResults ?? [];
    expect(sum?.Values).toEqual([15, 40, 65]);
    expect(avg?.Values).toEqual([3, 8, 13]);
    expect(max?.Values).toEqual([5, 10, 15]);
    expect(min?.Values).toEqual([1]);
    expect(sum?.Timestamps).toEqual([
      new Date('2026-11-23T02:00:00Z'),
      new Date('2026-11-23T02:05:00Z'),
      new Date('2026-11-23T02:10:00Z'),
    ]);
    expect(sum?.StatusCode).toBe('Complete');
    expect(out.NextToken).toBeUndefined();
  });

  it('answers newest first unless asked otherwise', async () => {
    // Prepare
    holdFifteenMinutes();

    // Act
    const out = await askWindow([query('sum', 'Sum', 300)]);

    // Assess
    expect(out.MetricDataResults?.[0]?.Values).toEqual([65, 40, 15]);
  });

  it('pages by MaxDatapoints with PartialData and NextToken', async () => {
    // Prepare
    holdFifteenMinutes();
    const client = new CloudWatchClient({});
    const ask = (NextToken?: string) =>
      client.send(
        new GetMetricDataCommand({
          StartTime: start,
          EndTime: end,
          ScanBy: 'TimestampAscending',
          MaxDatapoints: 10,
          MetricDataQueries: [query('sum', 'Sum', 60)],
          ...(NextToken ? { NextToken } : {}),
        }),
      );

    // Act
    const first = await ask();
    const second = await ask(first.NextToken);

    // Assess
    expect(first.MetricDataResults?.[0]).toMatchObject({
      StatusCode: 'PartialData',
      Values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    });
    expect(first.NextToken).toBeDefined();
    expect(second.MetricDataResults?.[0]).toMatchObject({
      StatusCode: 'Complete',
      Values: [11, 12, 13, 14, 15],
    });
    expect(second.NextToken).toBeUndefined();
  });

  it('refuses a period that is not a multiple of 60 and an Id not starting lowercase', async () => {
    // Prepare
    mockGetMetricData(cw, [], { now: NOW });

    // Act / Assess
    await expect(askWindow([query('sum', 'Sum', 90)])).rejects.toMatchObject({
      name: 'ValidationError',
    });
    await expect(askWindow([query('Sum', 'Sum', 60)])).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });

  it('returns nothing at 60 s for data older than 15 days', async () => {
    // Prepare: a day, 20 days ago.
    const old = new Date(NOW.getTime() - 20 * 86_400_000);
    mockGetMetricData(cw, [metered(minutes(old, 60, () => 1))], { now: NOW });
    const client = new CloudWatchClient({});
    const ask = (period: number) =>
      client.send(
        new GetMetricDataCommand({
          StartTime: old,
          EndTime: new Date(old.getTime() + 3600_000),
          MetricDataQueries: [query('sum', 'Sum', period)],
        }),
      );

    // Act
    const fine = await ask(60);
    const coarse = await ask(300);

    // Assess: twelve 5-minute sums of 5.
    expect(fine.MetricDataResults?.[0]?.Values).toEqual([]);
    expect(coarse.MetricDataResults?.[0]?.Values).toEqual(
      new Array(12).fill(5),
    );
  });
});

describe('the EFS collector through the CloudWatch adapter', () => {
  it('reads 15 days at 900 s, paged, and computes utilization by hand-worked figures', async () => {
    // Prepare: 15 days of minutes. Permitted 1 MiB/s every minute. Metered
    // 31,457,280 B a minute (0.5 MiB/s), the last 120 minutes 62,914,560 B
    // (1 MiB/s). At 900 s: 15 minutes summed, 471,859,200 B / 900 s =
    // 0.5 MiB/s -> 50%, and the last 8 periods 100%: 120 min pinned.
    const from = new Date(NOW.getTime() - 15 * 86_400_000);
    const total = 15 * 1440;
    mockGetMetricData(
      cw,
      [
        metered(
          minutes(from, total, (i) =>
            i >= total - 120 ? 62_914_560 : 31_457_280,
          ),
        ),
        {
          namespace: 'AWS/EFS',
          metricName: 'PermittedThroughput',
          dimensions: { FileSystemId: FS_ID },
          minutes: minutes(from, total, () => MiB),
        },
      ],
      { now: NOW, pageDatapoints: 1000 },
    );
    const trigger = manualTrigger(NOW, {
      fileSystemId: FS_ID,
      windowMinutes: total,
    });

    // Act
    const efs = await collectEfs(trigger, {
      efs: {
        async describeFileSystem() {
          return {
            FileSystemId: FS_ID,
            LifeCycleState: 'available',
            PerformanceMode: 'generalPurpose',
            ThroughputMode: 'bursting',
            SizeInBytes: { Value: 3 * 1024 ** 3 },
          } as FileSystemDescription;
        },
        async updateFileSystem() {
          throw new Error('not called');
        },
      },
      metrics: createMetricsPort(new CloudWatchClient({})),
      clock: { now: () => NOW },
    });
    const signals = computeSignals(
      {
        efs,
        langfuse: { source: 'langfuse', available: false, reason: 'none' },
        clickhouse: {
          source: 'clickhouse',
          available: false,
          reason: 'no ClickHouse endpoint is configured',
        },
      },
      { windowStart: trigger.windowStart, windowEnd: trigger.windowEnd },
    );

    // Assess: 2 x 1,440 datapoints came in 3 pages of at most 1,000.
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(3);
    expect(signals.periodSeconds).toBe(900);
    expect(signals.utilization).toHaveLength(1440);
    expect(signals.utilizationMedianPercent).toBeCloseTo(50, 9);
    expect(signals.utilizationMaxPercent).toBeCloseTo(100, 9);
    expect(signals.pinnedMinutes).toBe(120);
  });
});

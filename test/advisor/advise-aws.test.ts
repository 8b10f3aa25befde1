/**
 * `burstguard advise --file-system` against AWS, through the real SDK
 * clients answered by aws-sdk-client-mock: DescribeFileSystems as the EFS
 * API reference shows it, and GetMetricData aggregated and paged as the
 * CloudWatch API reference describes (test/support/cloudwatch-mock.ts,
 * which refuses a Period under 300 s for data older than 15 days, as
 * CloudWatch does: 1-minute data is kept 15 days, 5-minute 63).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EFSClient } from '@aws-sdk/client-efs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { runAdvise } from '../../cli/commands/advise.ts';
import { advisorRecording } from '../../local/advisor-recordings.ts';
import { createMetricsPort } from '../../shared/adapters/aws-cloudwatch.ts';
import { createEfsPort } from '../../shared/adapters/aws-efs.ts';
import type { Advice } from '../../shared/domain/advisor/advise.ts';
import { EFS_METRICS } from '../../shared/domain/sources/efs.ts';
import {
  type HeldMetric,
  mockGetMetricData,
} from '../support/cloudwatch-mock.ts';
import { capture } from '../support/io.ts';
import { mockEfsWith } from '../support/record-aws.ts';

const cwMock = mockClient(CloudWatchClient);
let efsMock: ReturnType<typeof mockEfsWith> | undefined;
afterEach(() => {
  efsMock?.restore();
  cwMock.reset();
});

const END = new Date('2026-11-23T00:00:00Z');
const source = advisorRecording('steady-elastic', { end: END });
const FS = source.meta.fileSystemId;

/** The recording's series as 1-minute datapoints CloudWatch holds. */
function held(): HeldMetric[] {
  return source.metricData.MetricDataResults.map((r) => {
    const id = r.Id as keyof typeof EFS_METRICS;
    return {
      namespace: 'AWS/EFS',
      metricName: EFS_METRICS[id].metricName,
      dimensions: { FileSystemId: FS },
      minutes: (r.Timestamps ?? []).map((t, i) => ({
        at: new Date(String(t)),
        value: r.Values?.[i] ?? 0,
      })),
    };
  });
}

async function advise(days: number, pricing?: 'fails') {
  efsMock = mockEfsWith(source);
  const { requests } = mockGetMetricData(cwMock, held(), {
    now: END,
    pageDatapoints: 50_000,
  });
  const { out, io } = capture();
  const code = await runAdvise(
    { fileSystemId: FS, region: 'us-east-1', days, json: true },
    {
      efs: createEfsPort(new EFSClient({ region: 'us-east-1' })),
      metrics: createMetricsPort(new CloudWatchClient({ region: 'us-east-1' })),
      clock: { now: () => END },
      ...(pricing
        ? {
            priceList: {
              async getProducts() {
                throw new Error('AccessDeniedException: pricing:GetProducts');
              },
            },
          }
        : {}),
    },
    io,
  );
  expect(code).toBe(0);
  return { advice: JSON.parse(out.join('')) as Advice, requests };
}

describe('advise against AWS', () => {
  it('reads 14 days of 1-minute data, six series with their statistics, and advises as on the recording', async () => {
    const { advice, requests } = await advise(14);

    const queries = requests[0]?.MetricDataQueries ?? [];
    expect(
      queries.map((q) => [
        q.Id,
        q.MetricStat?.Metric?.MetricName,
        q.MetricStat?.Stat,
        q.MetricStat?.Period,
      ]),
    ).toEqual([
      ['burst_credit_balance', 'BurstCreditBalance', 'Minimum', 60],
      ['permitted_throughput', 'PermittedThroughput', 'Average', 60],
      ['metered_io_bytes', 'MeteredIOBytes', 'Sum', 60],
      ['data_read_io_bytes', 'DataReadIOBytes', 'Sum', 60],
      ['data_write_io_bytes', 'DataWriteIOBytes', 'Sum', 60],
      ['metadata_io_bytes', 'MetadataIOBytes', 'Sum', 60],
    ]);
    // 6 × 20,160 datapoints: more than one page.
    expect(requests.length).toBeGreaterThan(1);
    expect(advice.window).toMatchObject({
      days: 14,
      periodSeconds: 60,
      coverage: 1,
    });
    expect(advice.recommendation).toMatchObject({
      mode: 'provisioned',
      action: 'switch',
      throttledMinutes: 0,
    });
  });

  it('reads 5-minute data for a window reaching past the 15 days of 1-minute data', async () => {
    const { advice, requests } = await advise(20);

    expect(
      new Set(
        requests.flatMap((r) =>
          (r.MetricDataQueries ?? []).map((q) => q.MetricStat?.Period),
        ),
      ),
    ).toEqual(new Set([300]));
    expect(advice.window.periodSeconds).toBe(300);
    // 14 of the 20 days hold data.
    expect(advice.window.coverage).toBeCloseTo(0.7, 2);
  });

  it('says so when the Price List API refuses and the built-in table prices the advice', async () => {
    const { advice } = await advise(14, 'fails');

    expect(advice.prices).toMatchObject({
      origin: 'built-in',
      estimate: false,
    });
    expect(advice.prices.note).toMatch(
      /^Price List API unavailable: AccessDeniedException: pricing:GetProducts; using the built-in table of 2026-11-01$/,
    );
  });
});

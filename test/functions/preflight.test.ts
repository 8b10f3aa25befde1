import {
  CloudWatchClient,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { runPreflight } from '../../functions/preflight/core.ts';
import { createMetricsPort } from '../../shared/adapters/aws-cloudwatch.ts';
import { SlackDeliveryError } from '../../shared/domain/errors.ts';
import { FS_ID, OTHER_FS_ID } from '../fixtures/alarm-events.ts';
import { metricResult } from '../fixtures/aws-responses.ts';
import { testConfig } from '../fixtures/config.ts';
import { mockGetMetricData } from '../support/cloudwatch-mock.ts';

const GiB = 1024 ** 3;
const now = new Date('2026-11-23T03:00:00Z');
const cwMock = mockClient(CloudWatchClient);
afterEach(() => cwMock.reset());

function answer() {
  // Newest first: fs A loses 1 GiB a minute from 150 GiB; fs B is steady.
  const draining = Array.from({ length: 180 }, (_, i) => (150 + i) * GiB);
  const steady = Array.from({ length: 180 }, () => 2000 * GiB);
  cwMock.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      metricResult('credits_0', now, draining),
      metricResult('credits_1', now, steady),
    ],
    Messages: [],
  } as never);
}

describe('runPreflight', () => {
  it('warns in Slack for the file system whose credits run out within the horizon', async () => {
    answer();
    const posted: { text: string }[] = [];
    const report = await runPreflight(
      {
        metrics: createMetricsPort(
          new CloudWatchClient({ region: 'us-east-1' }),
        ),
        slack: {
          postMessage: async (m) => {
            posted.push(m);
            return { channel: 'C0', ts: '1.1' };
          },
        },
        clock: { now: () => now },
        config: testConfig(),
      },
      { lookbackMinutes: 180, horizonMinutes: 360 },
    );
    expect(report.results.map((r) => [r.fileSystemId, r.warn])).toEqual([
      [FS_ID, true],
      [OTHER_FS_ID, false],
    ]);
    expect(report.results[0]?.minutesToZero).toBeCloseTo(150, -1);
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0])).toContain(
      `${FS_ID}: burst credits 150.0 GiB, forecast to run out in 2 h 30 min`,
    );
    const input = cwMock.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(input?.MetricDataQueries).toHaveLength(2);
  });

  it('stays quiet when nothing runs out, and keeps the warning when Slack is down', async () => {
    answer();
    const ports = {
      metrics: createMetricsPort(new CloudWatchClient({ region: 'us-east-1' })),
      slack: {
        postMessage: async () => {
          throw new SlackDeliveryError('Slack answered HTTP 503');
        },
      },
      clock: { now: () => now },
      config: testConfig(),
    };
    const quiet = await runPreflight(ports, {
      lookbackMinutes: 180,
      horizonMinutes: 60,
    });
    expect(quiet.warned).toBe(false);
    const loud = await runPreflight(ports, {
      lookbackMinutes: 180,
      horizonMinutes: 360,
    });
    expect(loud).toMatchObject({
      warned: true,
      slackError: 'Slack answered HTTP 503',
    });
    expect(loud.message?.text).toMatch(/Burst credits running out within 6 h/);
  });
});

describe('runPreflight on CloudWatch as CloudWatch answers', () => {
  it('forecasts from 1-minute credit balances aggregated at the period it asks for', async () => {
    // Prepare: the GetMetricData mock holds raw minutes and aggregates them
    // (test/support/cloudwatch-mock.ts). FS_ID's balance falls 1 GiB a
    // minute, from 329 GiB three hours ago to 150 GiB in the last minute:
    // 150 GiB / 1 GiB a minute = 150 minutes to zero, inside a 360-minute
    // horizon. OTHER_FS_ID holds 2,000 GiB.
    const from = new Date(now.getTime() - 180 * 60_000);
    const credits = (fileSystemId: string, value: (i: number) => number) => ({
      namespace: 'AWS/EFS',
      metricName: 'BurstCreditBalance',
      dimensions: { FileSystemId: fileSystemId },
      minutes: Array.from({ length: 180 }, (_, i) => ({
        at: new Date(from.getTime() + i * 60_000),
        value: value(i),
      })),
    });
    const { requests } = mockGetMetricData(
      cwMock,
      [
        credits(FS_ID, (i) => (329 - i) * GiB),
        credits(OTHER_FS_ID, () => 2000 * GiB),
      ],
      { now },
    );

    // Act
    const report = await runPreflight(
      {
        metrics: createMetricsPort(
          new CloudWatchClient({ region: 'us-east-1' }),
        ),
        slack: { postMessage: async () => ({ channel: 'C0', ts: '1.1' }) },
        clock: { now: () => now },
        config: testConfig(),
      },
      { lookbackMinutes: 180, horizonMinutes: 360 },
    );

    // Assess
    expect(requests.length).toBeGreaterThan(0);
    expect(report.results.map((r) => [r.fileSystemId, r.warn])).toEqual([
      [FS_ID, true],
      [OTHER_FS_ID, false],
    ]);
    expect(report.results[0]?.minutesToZero).toBeCloseTo(150, 0);
  });
});

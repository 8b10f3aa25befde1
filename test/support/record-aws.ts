import {
  CloudWatchClient,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import { mockClient } from 'aws-sdk-client-mock';
import type { Recording } from '../../local/recording-format.ts';
import { createMetricsPort } from '../../shared/adapters/aws-cloudwatch.ts';
import { createEfsPort } from '../../shared/adapters/aws-efs.ts';
import { createLogsInsightsPort } from '../../shared/adapters/aws-logs-insights.ts';

/** "YYYY-MM-DD HH:MM:SS.000", as Logs Insights prints a bin. */
export const binAt = (ms: number) =>
  new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/**
 * The ports `record` reads AWS through, over real SDK clients (which the
 * tests' aws-sdk-client-mock doubles answer); Logs Insights polled at once.
 */
export function sdkRecordPorts() {
  const region = 'us-east-1';
  return {
    efs: createEfsPort(new EFSClient({ region })),
    metrics: createMetricsPort(new CloudWatchClient({ region })),
    logsInsights: createLogsInsightsPort(new CloudWatchLogsClient({ region }), {
      pollIntervalMs: 1,
    }),
  };
}

/**
 * EFS and CloudWatch answering, at the SDK client, what a recording holds,
 * shaped as the SDK returns it (Dates, not strings), in two GetMetricData
 * pages as CloudWatch splits a large answer (NextToken).
 */
export function mockAwsWith(source: Recording) {
  const efsMock = mockEfsWith(source);
  const cwMock = mockClient(CloudWatchClient);
  const results = source.metricData.MetricDataResults.map((r) => ({
    ...r,
    Timestamps: (r.Timestamps ?? []).map((t) => new Date(String(t))),
  }));
  cwMock
    .on(GetMetricDataCommand)
    .resolvesOnce({
      MetricDataResults: results.slice(0, 5),
      NextToken: 'next',
    } as never)
    .resolvesOnce({ MetricDataResults: results.slice(5) } as never);
  return { efsMock, cwMock };
}

/**
 * DescribeFileSystems answering, at the SDK client, the recording's file
 * system as the SDK returns it (CreationTime a Date).
 */
export function mockEfsWith(source: Recording) {
  const efsMock = mockClient(EFSClient);
  const fs = structuredClone(
    source.describeFileSystems.FileSystems[0],
  ) as Record<string, unknown>;
  fs.CreationTime = new Date(String(fs.CreationTime));
  efsMock
    .on(DescribeFileSystemsCommand)
    .resolves({ FileSystems: [fs] } as never);
  return efsMock;
}

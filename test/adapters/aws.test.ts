import {
  CloudWatchClient,
  GetMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeFileSystemsCommand,
  EFSClient,
  FileSystemNotFound,
  TooManyRequests,
  UpdateFileSystemCommand,
} from '@aws-sdk/client-efs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { collectEfs } from '../../functions/collect-efs/core.ts';
import { collectLangfuse } from '../../functions/collect-langfuse/core.ts';
import { createMetricsPort } from '../../shared/adapters/aws-cloudwatch.ts';
import { createEfsPort } from '../../shared/adapters/aws-efs.ts';
import { efsEvidenceSchema } from '../../shared/domain/contracts.ts';
import { FileSystemNotFoundError } from '../../shared/domain/errors.ts';
import { efsQueries } from '../../shared/domain/sources/efs.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import {
  describeFileSystemsResponse,
  metricResult,
} from '../fixtures/aws-responses.ts';
import { testConfig } from '../fixtures/config.ts';
import { manualTrigger } from '../fixtures/inputs.ts';

const end = new Date('2026-11-23T03:00:00Z');
const trigger = manualTrigger(end, { windowMinutes: 30 });
const clock = { now: () => end };

const efsMock = mockClient(EFSClient);
const cwMock = mockClient(CloudWatchClient);
afterEach(() => {
  efsMock.reset();
  cwMock.reset();
});

function ports() {
  return {
    efs: createEfsPort(new EFSClient({ region: 'us-east-1' })),
    metrics: createMetricsPort(new CloudWatchClient({ region: 'us-east-1' })),
    clock,
  };
}

describe('the EFS collector over the AWS SDK', () => {
  it('reads the facts and every series in one paginated request', async () => {
    // Prepare: two pages; the first holds 20 minutes, the second 10 more.
    efsMock
      .on(DescribeFileSystemsCommand)
      .resolves(describeFileSystemsResponse() as never);
    const credits = Array.from({ length: 30 }, (_, i) => i * 1e9);
    cwMock
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          metricResult(
            'burst_credit_balance',
            end,
            credits.slice(0, 20),
            'PartialData',
          ),
          metricResult(
            'permitted_throughput',
            end,
            new Array(30).fill(1048576),
          ),
        ],
        NextToken: 'page-2',
        Messages: [],
      } as never)
      .resolvesOnce({
        MetricDataResults: [
          {
            ...metricResult(
              'burst_credit_balance',
              new Date(end.getTime() - 20 * 60_000),
              credits.slice(20),
            ),
          },
        ],
        Messages: [],
      } as never);
    // Act
    const evidence = await collectEfs(trigger, ports());
    // Assess
    expect(efsEvidenceSchema.parse(evidence)).toEqual(evidence);
    if (!evidence.available) throw new Error('expected evidence');
    expect(cwMock.commandCalls(GetMetricDataCommand)).toHaveLength(2);
    const first = cwMock.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(first?.MetricDataQueries).toHaveLength(9);
    expect(first?.MetricDataQueries?.[0]?.MetricStat?.Period).toBe(60);
    expect(
      cwMock.commandCalls(GetMetricDataCommand)[1]?.args[0].input.NextToken,
    ).toBe('page-2');
    expect(evidence.fileSystem).toMatchObject({
      throughputMode: 'bursting',
      sizeStandardBytes: 3.6 * 1024 ** 3,
      name: 'langfuse-clickhouse',
      lifeCycleState: 'available',
    });
    const series = evidence.metrics.burst_credit_balance;
    // PartialData on page 1 meant "more with NextToken"; the last page
    // completed the series (CloudWatch API reference, MetricDataResult).
    expect(series?.status).toBe('Complete');
    // Descending timestamps land in ascending slots: the newest is last.
    expect(series?.values.at(-1)).toBe(0);
    expect(series?.values[0]).toBe(29e9);
    expect(series?.values.filter((v) => v !== null)).toHaveLength(30);
    expect(evidence.missing).toEqual(
      expect.arrayContaining(['metered_io_bytes', 'percent_io_limit']),
    );
    expect(evidence.missing).not.toContain('permitted_throughput');
  });

  it('reports throttled metrics as missing and keeps the facts', async () => {
    efsMock
      .on(DescribeFileSystemsCommand)
      .resolves(describeFileSystemsResponse() as never);
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'Throttling',
    });
    cwMock.on(GetMetricDataCommand).rejects(throttled);
    const evidence = await collectEfs(trigger, ports());
    if (!evidence.available) throw new Error('expected evidence');
    expect(evidence.missing).toEqual(['all metrics: Rate exceeded']);
    expect(evidence.fileSystem.fileSystemId).toBe(FS_ID);
  });

  it('keeps an InternalError of any page as the status of the series', async () => {
    // Prepare: "InternalError indicates that an error occurred. Retry your
    // request using NextToken" (CloudWatch API reference, MetricDataResult):
    // the later page does not make the earlier gap whole.
    efsMock
      .on(DescribeFileSystemsCommand)
      .resolves(describeFileSystemsResponse() as never);
    cwMock
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          metricResult('burst_credit_balance', end, [1e9], 'InternalError'),
        ],
        NextToken: 'page-2',
        Messages: [],
      } as never)
      .resolvesOnce({
        MetricDataResults: [
          metricResult(
            'burst_credit_balance',
            new Date(end.getTime() - 60_000),
            [2e9],
          ),
        ],
        Messages: [],
      } as never);

    // Act
    const evidence = await collectEfs(trigger, ports());

    // Assess
    if (!evidence.available) throw new Error('expected evidence');
    expect(evidence.metrics.burst_credit_balance?.status).toBe('InternalError');
  });

  it('keeps the zone of a One Zone file system, and none for a Regional one', async () => {
    // DescribeFileSystems sets AvailabilityZoneName (and
    // AvailabilityZoneId) only for One Zone file systems (EFS API
    // reference, FileSystemDescription).
    efsMock.on(DescribeFileSystemsCommand).resolves(
      describeFileSystemsResponse({
        AvailabilityZoneName: 'us-east-1a',
        AvailabilityZoneId: 'use1-az6',
      }) as never,
    );
    cwMock
      .on(GetMetricDataCommand)
      .resolves({ MetricDataResults: [] } as never);
    const oneZone = await collectEfs(trigger, ports());
    efsMock
      .on(DescribeFileSystemsCommand)
      .resolves(describeFileSystemsResponse() as never);
    const regional = await collectEfs(trigger, ports());
    if (!oneZone.available || !regional.available) {
      throw new Error('expected evidence');
    }
    expect(oneZone.fileSystem.availabilityZoneName).toBe('us-east-1a');
    expect(regional.fileSystem).not.toHaveProperty('availabilityZoneName');
  });

  it('raises FileSystemNotFoundError for a file system that does not exist', async () => {
    efsMock.on(DescribeFileSystemsCommand).rejects(
      new FileSystemNotFound({
        $metadata: { httpStatusCode: 404 },
        message: `File system '${FS_ID}' does not exist.`,
        ErrorCode: 'FileSystemNotFound',
      }),
    );
    cwMock
      .on(GetMetricDataCommand)
      .resolves({ MetricDataResults: [] } as never);
    await expect(collectEfs(trigger, ports())).rejects.toThrow(
      FileSystemNotFoundError,
    );
  });

  it('reports an EFS outage as an unavailable source', async () => {
    efsMock.on(DescribeFileSystemsCommand).rejects(
      Object.assign(new Error('Service Unavailable'), {
        name: 'InternalServerError',
      }),
    );
    cwMock
      .on(GetMetricDataCommand)
      .resolves({ MetricDataResults: [] } as never);
    const evidence = await collectEfs(trigger, ports());
    expect(evidence).toMatchObject({
      available: false,
      reason: 'DescribeFileSystems failed: Service Unavailable',
      errorName: 'InternalServerError',
    });
  });

  it('names every AWS/EFS metric with its FileSystemId dimension', () => {
    const queries = efsQueries(FS_ID);
    // Metric names, each with a statistic the guide lists as valid for it:
    // Amazon EFS user guide, "Amazon
    // CloudWatch metrics for Amazon EFS"
    // (https://docs.aws.amazon.com/efs/latest/ug/efs-metrics.html).
    expect(queries.map((q) => [q.id, q.metricName, q.stat])).toEqual([
      ['burst_credit_balance', 'BurstCreditBalance', 'Minimum'],
      ['permitted_throughput', 'PermittedThroughput', 'Average'],
      ['metered_io_bytes', 'MeteredIOBytes', 'Sum'],
      ['total_io_bytes', 'TotalIOBytes', 'Sum'],
      ['data_read_io_bytes', 'DataReadIOBytes', 'Sum'],
      ['data_write_io_bytes', 'DataWriteIOBytes', 'Sum'],
      ['metadata_io_bytes', 'MetadataIOBytes', 'Sum'],
      ['percent_io_limit', 'PercentIOLimit', 'Maximum'],
      ['client_connections', 'ClientConnections', 'Sum'],
    ]);
    for (const q of queries) {
      expect(q.namespace).toBe('AWS/EFS');
      expect(q.dimensions).toEqual({ FileSystemId: FS_ID });
    }
  });
});

describe('the Langfuse collector over the AWS SDK', () => {
  it('reads sparse log-metric series as zeros where nothing matched', async () => {
    cwMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        // Dropped records in 2 of 30 minutes; no timeouts at all.
        {
          Id: 'langfuse_dropped_records',
          Label: 'DroppedRecords',
          Timestamps: [
            new Date(end.getTime() - 60_000),
            new Date(end.getTime() - 5 * 60_000),
          ],
          Values: [12, 3],
          StatusCode: 'Complete',
        },
        {
          Id: 'langfuse_clickhouse_timeouts',
          Label: 'ClickHouseWriteTimeouts',
          Timestamps: [],
          Values: [],
          StatusCode: 'Complete',
        },
      ],
      Messages: [],
    } as never);
    const evidence = await collectLangfuse(trigger, {
      metrics: createMetricsPort(new CloudWatchClient({ region: 'us-east-1' })),
      clock,
      config: testConfig(),
    });
    if (!evidence.available) throw new Error('expected evidence');
    const dropped = evidence.metrics.langfuse_dropped_records?.values ?? [];
    expect(dropped).toHaveLength(30);
    expect(dropped.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(15);
    expect(dropped.at(-1)).toBe(12);
    expect(dropped.includes(null)).toBe(false);
    expect(
      evidence.metrics.langfuse_clickhouse_timeouts?.values.every(
        (v) => v === 0,
      ),
    ).toBe(true);
    const input = cwMock.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(input?.MetricDataQueries?.[0]?.MetricStat?.Metric?.Namespace).toBe(
      `Burstguard/Langfuse/${FS_ID}`,
    );
  });
});

describe('the EFS adapter', () => {
  it('passes TooManyRequests through with its message for the 24 h rule', async () => {
    efsMock.on(UpdateFileSystemCommand).rejects(
      new TooManyRequests({
        $metadata: { httpStatusCode: 429 },
        message:
          'You have reached the maximum number of throughput mode changes or provisioned throughput value decreases. Wait until 2026-11-24T03:12:00Z UTC and try again.',
        ErrorCode: 'TooManyRequests',
      }),
    );
    const port = createEfsPort(new EFSClient({ region: 'us-east-1' }));
    await expect(
      port.updateFileSystem({ FileSystemId: FS_ID, ThroughputMode: 'elastic' }),
    ).rejects.toMatchObject({ name: 'TooManyRequests' });
  });

  it('names the field when EFS answers without a documented one', async () => {
    // DescribeFileSystems' FileSystemDescription requires SizeInBytes
    // (EFS API reference); an answer without it is refused in one line.
    efsMock.on(DescribeFileSystemsCommand).resolves({
      FileSystems: [
        {
          FileSystemId: FS_ID,
          LifeCycleState: 'available',
          PerformanceMode: 'generalPurpose',
        } as never,
      ],
    });
    const port = createEfsPort(new EFSClient({ region: 'us-east-1' }));

    await expect(port.describeFileSystem(FS_ID)).rejects.toMatchObject({
      name: 'UnexpectedResponseError',
      message:
        'EFS DescribeFileSystems answered SizeInBytes: Invalid input: expected object, received undefined',
    });
  });
});

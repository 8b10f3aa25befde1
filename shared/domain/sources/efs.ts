/**
 * What burstguard reads from Amazon EFS for a file system: the AWS/EFS
 * metrics (one GetMetricData request) and the facts DescribeFileSystems
 * gives, summarized as FileSystemFacts. CollectEfs, Verify and `record`
 * all read through these.
 */
import type { FileSystemDescription } from '../aws-shapes.ts';
import { toEpochMs } from '../aws-shapes.ts';
import {
  EFS_METRIC_IDS,
  type EfsMetricId,
  type FileSystemFacts,
} from '../contracts.ts';
import type { MetricQuery } from '../ports.ts';

/**
 * The AWS/EFS metrics and the statistic each is read with (CloudWatch user
 * guide, EFS metrics). PermittedThroughput is read as Average: it is one
 * value per minute, so at 60 s Average equals the console's Sum, and at
 * longer periods Average is what the console formula asks for.
 */
export const EFS_METRICS: Record<
  EfsMetricId,
  {
    metricName: string;
    stat: MetricQuery['stat'];
    /** Decimal places kept (roundSeries): bytes whole, percents 0.01. */
    decimals: number;
  }
> = {
  burst_credit_balance: {
    metricName: 'BurstCreditBalance',
    stat: 'Minimum',
    decimals: 0,
  },
  permitted_throughput: {
    metricName: 'PermittedThroughput',
    stat: 'Average',
    decimals: 0,
  },
  metered_io_bytes: { metricName: 'MeteredIOBytes', stat: 'Sum', decimals: 0 },
  total_io_bytes: { metricName: 'TotalIOBytes', stat: 'Sum', decimals: 0 },
  data_read_io_bytes: {
    metricName: 'DataReadIOBytes',
    stat: 'Sum',
    decimals: 0,
  },
  data_write_io_bytes: {
    metricName: 'DataWriteIOBytes',
    stat: 'Sum',
    decimals: 0,
  },
  metadata_io_bytes: {
    metricName: 'MetadataIOBytes',
    stat: 'Sum',
    decimals: 0,
  },
  percent_io_limit: {
    metricName: 'PercentIOLimit',
    stat: 'Maximum',
    decimals: 2,
  },
  client_connections: {
    metricName: 'ClientConnections',
    stat: 'Sum',
    decimals: 2,
  },
};

/** The GetMetricData queries for one file system. */
export function efsQueries(fileSystemId: string): MetricQuery[] {
  return EFS_METRIC_IDS.map((id) => ({
    id,
    namespace: 'AWS/EFS',
    metricName: EFS_METRICS[id].metricName,
    dimensions: { FileSystemId: fileSystemId },
    stat: EFS_METRICS[id].stat,
    label: EFS_METRICS[id].metricName,
  }));
}

const MODES = ['bursting', 'provisioned', 'elastic'] as const;

/** The facts that matter from a FileSystemDescription. */
export function fileSystemFacts(d: FileSystemDescription): FileSystemFacts {
  const mode = (d.ThroughputMode ??
    'bursting') as FileSystemFacts['throughputMode'];
  const tags: Record<string, string> = {};
  for (const tag of d.Tags ?? []) tags[tag.Key] = tag.Value;
  const measured = d.SizeInBytes.Timestamp;
  return {
    fileSystemId: d.FileSystemId,
    name: d.Name ?? tags.Name,
    throughputMode: MODES.includes(mode) ? mode : 'bursting',
    performanceMode: d.PerformanceMode === 'maxIO' ? 'maxIO' : 'generalPurpose',
    provisionedThroughputMibps: d.ProvisionedThroughputInMibps,
    ...(d.AvailabilityZoneName
      ? { availabilityZoneName: d.AvailabilityZoneName }
      : {}),
    lifeCycleState: d.LifeCycleState,
    sizeBytes: d.SizeInBytes.Value,
    // ValueInStandard is what the Bursting baseline is computed from.
    sizeStandardBytes: d.SizeInBytes.ValueInStandard ?? d.SizeInBytes.Value,
    sizeMeasuredAt:
      measured === undefined
        ? undefined
        : new Date(toEpochMs(measured)).toISOString(),
    tags,
  };
}

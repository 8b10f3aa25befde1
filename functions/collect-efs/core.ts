/**
 * CollectEfs: what EFS says about the file system (DescribeFileSystems) and
 * its throughput, credits and IO over the incident window, in ONE
 * GetMetricData request (the adapter follows NextToken). What is read, and
 * how DescribeFileSystems is summarized, is in shared/domain/sources/efs.ts.
 */
import {
  EFS_METRIC_IDS,
  type EfsEvidence,
  type EfsMetricId,
  type Series,
  type Trigger,
} from '../../shared/domain/contracts.ts';
import {
  FileSystemNotFoundError,
  oneLine,
} from '../../shared/domain/errors.ts';
import type { Clock, EfsPort, MetricsPort } from '../../shared/domain/ports.ts';
import {
  EFS_METRICS,
  efsQueries,
  fileSystemFacts,
} from '../../shared/domain/sources/efs.ts';
import {
  roundSeries,
  toSeries,
  windowGrid,
} from '../../shared/domain/sources/metric-series.ts';
import { unavailableAfter } from '../../shared/domain/sources/unavailable.ts';

export type CollectEfsPorts = {
  efs: EfsPort;
  metrics: MetricsPort;
  clock: Clock;
};

/** Reads the EFS evidence for a trigger; never throws for a source fault. */
export async function collectEfs(
  trigger: Trigger,
  ports: CollectEfsPorts,
): Promise<EfsEvidence> {
  const started = Date.now();
  const { windowEnd, periodSeconds, grid } = windowGrid(trigger, ports);
  const [described, results] = await Promise.allSettled([
    ports.efs.describeFileSystem(trigger.fileSystemId),
    ports.metrics.getMetricData({
      queries: efsQueries(trigger.fileSystemId),
      start: grid.start,
      end: windowEnd,
      periodSeconds,
    }),
  ]);
  if (described.status === 'rejected') {
    const error = described.reason;
    // A missing file system is not an unavailable source: it is an answer.
    if (error instanceof FileSystemNotFoundError) throw error;
    return unavailableAfter(
      'efs',
      error,
      Date.now() - started,
      'DescribeFileSystems',
    );
  }
  const metrics: Partial<Record<EfsMetricId, Series>> = {};
  const missing: string[] = [];
  if (results.status === 'rejected') {
    missing.push(`all metrics: ${oneLine(results.reason)}`);
  } else {
    for (const id of EFS_METRIC_IDS) {
      const result = results.value.find((r) => r.Id === id);
      const series = result && toSeries(result, grid, periodSeconds);
      if (series) metrics[id] = roundSeries(series, EFS_METRICS[id].decimals);
      else missing.push(id);
    }
  }
  return {
    source: 'efs',
    available: true,
    fileSystem: fileSystemFacts(described.value),
    periodSeconds,
    metrics,
    missing,
  };
}

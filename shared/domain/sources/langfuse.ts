/**
 * What burstguard reads about Langfuse for a file system: the series of the
 * log metric filters (langfuse-patterns.ts) and Langfuse's own writer-error
 * metric. CollectLangfuse, Verify and `record` all read through these.
 */
import type { MetricQuery } from '../ports.ts';
import {
  LANGFUSE_LOG_SIGNALS,
  langfuseNamespace,
} from './langfuse-patterns.ts';

/**
 * Langfuse's own CloudWatch metric for dropped records, published with
 * ENABLE_AWS_CLOUDWATCH_METRIC_PUBLISHING=true to namespace `Langfuse` under
 * the stat's name, without dimensions (langfuse/langfuse
 * packages/shared/src/server/instrumentation). It speaks for the whole
 * deployment, not one file system.
 */
export const LANGFUSE_NATIVE_WRITER_ERRORS = {
  namespace: 'Langfuse',
  metricName: 'langfuse.queue.clickhouse_writer.error',
} as const;

/** The GetMetricData queries for a file system's Langfuse signals. */
export function langfuseQueries(
  baseNamespace: string,
  fileSystemId: string,
): MetricQuery[] {
  return [
    ...LANGFUSE_LOG_SIGNALS.map((signal) => ({
      id: signal.id,
      namespace: langfuseNamespace(baseNamespace, fileSystemId),
      metricName: signal.metricName,
      dimensions: {},
      stat: 'Sum' as const,
      label: signal.metricName,
    })),
    {
      id: 'langfuse_writer_errors',
      ...LANGFUSE_NATIVE_WRITER_ERRORS,
      dimensions: {},
      stat: 'Sum' as const,
      label: LANGFUSE_NATIVE_WRITER_ERRORS.metricName,
    },
  ];
}

/**
 * Captures a recording (format v1) from live AWS and ClickHouse through the
 * same ports the Lambdas use, so a real incident can be replayed offline.
 */

import { oneLine } from '../shared/domain/errors.ts';
import type {
  ClickHousePort,
  EfsPort,
  LogsInsightsPort,
  MetricsPort,
} from '../shared/domain/ports.ts';
import { efsQueries } from '../shared/domain/sources/efs.ts';
import { langfuseQueries } from '../shared/domain/sources/langfuse.ts';
import { droppedRecordsQuery } from '../shared/domain/sources/langfuse-logs.ts';
import {
  choosePeriodSeconds,
  gridFor,
} from '../shared/domain/sources/metric-series.ts';
import { RECORDING_VERSION, type Recording } from './recording-format.ts';

export type CaptureOptions = {
  fileSystemId: string;
  region: string;
  windowMinutes: number;
  now: Date;
  langfuseMetricNamespace: string;
  efs: EfsPort;
  metrics: MetricsPort;
  clickhouse?: ClickHousePort;
  /** With log groups: the exact dropped-record count, from Logs Insights. */
  logsInsights?: LogsInsightsPort;
  langfuseLogGroups?: readonly string[];
  progress?: (line: string) => void;
};

/**
 * How long `record` waits for the Logs Insights query: a person is
 * waiting, not a Lambda timeout, but a query past this is stopped.
 */
export const RECORD_INSIGHTS_TIMEOUT_MS = 120_000;

/** JSON as the AWS CLI prints it: Dates become ISO 8601 strings. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export async function captureRecording(
  options: CaptureOptions,
): Promise<Recording> {
  const say = options.progress ?? (() => undefined);
  const end = options.now;
  const start = new Date(end.getTime() - options.windowMinutes * 60_000);
  const periodSeconds = choosePeriodSeconds(start, end, options.now);
  const grid = gridFor(start, end, periodSeconds);

  say(`describing ${options.fileSystemId}`);
  const description = await options.efs.describeFileSystem(
    options.fileSystemId,
  );

  const queries = [
    ...efsQueries(options.fileSystemId),
    ...langfuseQueries(options.langfuseMetricNamespace, options.fileSystemId),
  ];
  say(
    `reading ${queries.length} metrics, ${options.windowMinutes} min at ${periodSeconds} s`,
  );
  const results = await options.metrics.getMetricData({
    queries,
    start: grid.start,
    end,
    periodSeconds,
  });

  const logGroups = [...new Set(options.langfuseLogGroups ?? [])];
  let logsInsights: Recording['logsInsights'];
  if (options.logsInsights && logGroups.length > 0) {
    say(`counting dropped records in ${logGroups.length} log group(s)`);
    try {
      logsInsights = plain(
        await options.logsInsights.query({
          logGroupNames: logGroups,
          queryString: droppedRecordsQuery(periodSeconds / 60),
          start: grid.start,
          end,
          timeoutMs: RECORD_INSIGHTS_TIMEOUT_MS,
        }),
      );
    } catch (error) {
      say(`Logs Insights: ${oneLine(error)} (not recorded)`);
    }
  }

  const clickhouse: Recording['clickhouse'] = { results: {} };
  if (!options.clickhouse) {
    clickhouse.error = 'no ClickHouse endpoint was given to record';
    say('ClickHouse: skipped (no endpoint)');
  } else {
    say('snapshotting ClickHouse system tables');
    try {
      const snapshot = await options.clickhouse.snapshot({ start, end });
      for (const [name, result] of Object.entries(snapshot.results)) {
        if (result?.ok) {
          clickhouse.results[name as keyof typeof clickhouse.results] =
            result.rows;
        }
      }
      say(`ClickHouse answered in ${snapshot.elapsedMs} ms`);
    } catch (error) {
      clickhouse.error = oneLine(error);
      say(`ClickHouse unavailable: ${clickhouse.error}`);
    }
  }

  return {
    meta: {
      version: RECORDING_VERSION,
      fileSystemId: options.fileSystemId,
      region: options.region,
      periodSeconds,
      start: grid.start.toISOString(),
      end: end.toISOString(),
      ...(logsInsights ? { langfuseLogGroups: logGroups } : {}),
    },
    trigger: {
      fileSystemId: options.fileSystemId,
      windowMinutes: options.windowMinutes,
    },
    describeFileSystems: plain({ FileSystems: [description] }),
    metricData: plain({ MetricDataResults: results, Messages: [] }),
    ...(logsInsights ? { logsInsights } : {}),
    clickhouse,
  };
}

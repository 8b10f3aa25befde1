/**
 * Captures a recording (format v1) from live AWS and ClickHouse through the
 * same ports the Lambdas use, so a real incident can be replayed offline.
 */

import type { GetQueryResultsOutput } from '../shared/domain/aws-shapes.ts';
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
import { LANGFUSE_LOG_SIGNALS } from '../shared/domain/sources/langfuse-patterns.ts';
import {
  choosePeriodSeconds,
  gridFor,
} from '../shared/domain/sources/metric-series.ts';
import {
  langfuseLinesQuery,
  RECORDING_VERSION,
  type Recording,
} from './recording-format.ts';

export type CaptureOptions = {
  fileSystemId: string;
  region: string;
  windowMinutes: number;
  now: Date;
  /**
   * The window's end, for a past incident; default now. The recorded
   * trigger then carries it as `at`.
   */
  end?: Date;
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
  const end = options.end ?? options.now;
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
  const insights = options.logsInsights;
  const queryInsights =
    insights && logGroups.length > 0
      ? async (queryString: string) =>
          plain(
            await insights.query({
              logGroupNames: logGroups,
              queryString,
              start: grid.start,
              end,
              timeoutMs: RECORD_INSIGHTS_TIMEOUT_MS,
            }),
          )
      : undefined;
  const langfuseLines = await countLangfuseLines(
    results,
    queryInsights,
    periodSeconds,
    say,
  );

  let logsInsights: Recording['logsInsights'];
  if (queryInsights) {
    say(`counting dropped records in ${logGroups.length} log group(s)`);
    try {
      logsInsights = await queryInsights(
        droppedRecordsQuery(periodSeconds / 60),
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
    const replicas = await recordReplicas(options.clickhouse, { start, end });
    if (replicas.length) {
      clickhouse.replicas = replicas;
      say(`ClickHouse replicas: ${replicas.map((r) => r.name).join(', ')}`);
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
      ...(logsInsights || langfuseLines
        ? { langfuseLogGroups: logGroups }
        : {}),
      langfuseLinesCountedBy: langfuseLines
        ? 'logs-insights'
        : 'metric-filters',
    },
    trigger: {
      fileSystemId: options.fileSystemId,
      windowMinutes: options.windowMinutes,
      ...(options.end ? { at: end.toISOString() } : {}),
    },
    describeFileSystems: plain({ FileSystems: [description] }),
    metricData: plain({ MetricDataResults: results, Messages: [] }),
    ...(logsInsights ? { logsInsights } : {}),
    ...(langfuseLines ? { langfuseLines } : {}),
    clickhouse,
  };
}

/**
 * The fallback for a window the Langfuse metric filters missed: when none
 * of their series holds a datapoint (the filters were created after the
 * incident, or matched nothing), count the lines they match with Logs
 * Insights, one query per signal. Without log groups, or when a query
 * fails, says so and answers undefined: the empty series stand.
 */
async function countLangfuseLines(
  results: readonly { Id: string; Values?: number[] }[],
  query: ((queryString: string) => Promise<GetQueryResultsOutput>) | undefined,
  periodSeconds: number,
  say: (line: string) => void,
): Promise<Recording['langfuseLines']> {
  const filtersPublished = LANGFUSE_LOG_SIGNALS.some(
    (signal) =>
      (results.find((r) => r.Id === signal.id)?.Values?.length ?? 0) > 0,
  );
  if (filtersPublished) return undefined;
  const empty =
    'the Langfuse metric-filter series hold no datapoint over the window (the filters may postdate it)';
  if (!query) {
    say(
      `${empty}; give --langfuse-log-group to count the lines with Logs Insights`,
    );
    return undefined;
  }
  say(`${empty}: counting the lines with Logs Insights instead`);
  try {
    const counts: NonNullable<Recording['langfuseLines']> = {};
    for (const signal of LANGFUSE_LOG_SIGNALS) {
      counts[signal.id] = await query(
        langfuseLinesQuery(signal, periodSeconds / 60),
      );
    }
    return counts;
  } catch (error) {
    say(`Logs Insights line count: ${oneLine(error)} (not recorded)`);
    return undefined;
  }
}

/**
 * Each replica's snapshot, side by side, into `clickhouse/replicas/<name>/`:
 * its rows, or its error in one line. A discovery that fails records no
 * replicas.
 */
async function recordReplicas(
  port: ClickHousePort,
  window: { start: Date; end: Date },
): Promise<NonNullable<Recording['clickhouse']['replicas']>> {
  let replicas: Awaited<ReturnType<NonNullable<ClickHousePort['replicas']>>>;
  try {
    replicas = (await port.replicas?.()) ?? [];
  } catch {
    return [];
  }
  return Promise.all(
    replicas.map(async ({ name, port: replica }) => {
      const recorded: NonNullable<Recording['clickhouse']['replicas']>[number] =
        { name, results: {} };
      try {
        const snapshot = await replica.snapshot(window);
        for (const [query, result] of Object.entries(snapshot.results)) {
          if (result?.ok) {
            recorded.results[query as keyof typeof recorded.results] =
              result.rows;
          }
        }
      } catch (error) {
        recorded.error = oneLine(error);
      }
      return recorded;
    }),
  );
}

/**
 * CollectLangfuse: the signals that Langfuse is losing traces, from the
 * CloudWatch metrics its log metric filters publish (dropped records in both
 * the pre-3.148 and 3.148+ wording, ClickhouseWriter timeouts), and the
 * exact dropped-record count from the worker's log lines with CloudWatch
 * Logs Insights, when log groups are configured and the query answers in
 * time.
 */
import { type AppConfig, findFileSystem } from '../../shared/domain/config.ts';
import {
  type DroppedRecordsCount,
  LANGFUSE_METRIC_IDS,
  type LangfuseEvidence,
  type LangfuseMetricId,
  type Series,
  type Trigger,
} from '../../shared/domain/contracts.ts';
import { oneLine } from '../../shared/domain/errors.ts';
import type {
  Clock,
  LogsInsightsPort,
  MetricsPort,
} from '../../shared/domain/ports.ts';
import { langfuseQueries } from '../../shared/domain/sources/langfuse.ts';
import {
  droppedRecordsQuery,
  droppedRecordsSeries,
} from '../../shared/domain/sources/langfuse-logs.ts';
import {
  toSeries,
  windowGrid,
} from '../../shared/domain/sources/metric-series.ts';
import { unavailableAfter } from '../../shared/domain/sources/unavailable.ts';

export type CollectLangfusePorts = {
  metrics: MetricsPort;
  clock: Clock;
  config: AppConfig;
  /** Absent: dropped records are counted from the metric filters only. */
  logsInsights?: LogsInsightsPort;
};

/**
 * How long the Logs Insights query may run: well under the function's 20 s
 * timeout (infra/functions.ts), leaving room for GetMetricData, which runs
 * beside it, and for the answer.
 */
export const LOGS_INSIGHTS_TIMEOUT_MS = 12_000;

/**
 * The exact dropped-record count over the grid, or the reason the metric
 * filters' count is used instead. Never throws.
 */
export async function countDroppedRecords(
  port: LogsInsightsPort | undefined,
  logGroupNames: readonly string[],
  window: {
    grid: { start: Date; points: number };
    end: Date;
    periodSeconds: number;
  },
): Promise<DroppedRecordsCount> {
  const fallback = (note: string): DroppedRecordsCount => ({
    source: 'metric-filter',
    note: `${note}; counted from the log metric filters (one per line: a Langfuse v3.148+ batch line counts once)`,
  });
  if (!port) return fallback('Logs Insights is not available here');
  if (logGroupNames.length === 0) {
    return fallback('no Langfuse log groups are configured for Logs Insights');
  }
  try {
    const out = await port.query({
      logGroupNames,
      queryString: droppedRecordsQuery(window.periodSeconds / 60),
      start: window.grid.start,
      end: window.end,
      timeoutMs: LOGS_INSIGHTS_TIMEOUT_MS,
    });
    return {
      source: 'logs-insights',
      series: droppedRecordsSeries(
        out.results,
        window.grid,
        window.periodSeconds,
      ),
      ...(out.statistics?.bytesScanned !== undefined
        ? { bytesScanned: out.statistics.bytesScanned }
        : {}),
    };
  } catch (error) {
    return fallback(`Logs Insights: ${oneLine(error)}`);
  }
}

/** Reads the Langfuse evidence for a trigger; never throws. */
export async function collectLangfuse(
  trigger: Trigger,
  ports: CollectLangfusePorts,
): Promise<LangfuseEvidence> {
  const started = Date.now();
  const { windowEnd, periodSeconds, grid } = windowGrid(trigger, ports);
  // The Logs Insights query runs beside GetMetricData: it is the slow one.
  const counting = countDroppedRecords(
    ports.logsInsights,
    findFileSystem(ports.config, trigger.fileSystemId)?.insightsLogGroups ?? [],
    { grid, end: windowEnd, periodSeconds },
  );
  let results: Awaited<ReturnType<MetricsPort['getMetricData']>>;
  try {
    results = await ports.metrics.getMetricData({
      queries: langfuseQueries(
        ports.config.langfuseMetricNamespace,
        trigger.fileSystemId,
      ),
      start: grid.start,
      end: windowEnd,
      periodSeconds,
    });
  } catch (error) {
    await counting;
    return unavailableAfter(
      'langfuse',
      error,
      Date.now() - started,
      'GetMetricData',
    );
  }
  const metrics: Partial<Record<LangfuseMetricId, Series>> = {};
  const missing: string[] = [];
  for (const id of LANGFUSE_METRIC_IDS) {
    const result = results.find((r) => r.Id === id);
    if (!result) {
      missing.push(id);
      continue;
    }
    // Metric filters publish nothing for minutes without a match, so an
    // empty slot, or an empty result, is zero events, not missing data.
    const series = toSeries(result, grid, periodSeconds);
    // Counts of lines or records: whole numbers (the state stays small).
    const values = series
      ? series.values.map((v) => Math.round(v ?? 0))
      : new Array<number>(grid.points).fill(0);
    metrics[id] = {
      start: grid.start.toISOString(),
      periodSeconds,
      values,
      ...(result.StatusCode ? { status: result.StatusCode } : {}),
    };
  }
  return {
    source: 'langfuse',
    available: true,
    periodSeconds,
    metrics,
    missing,
    droppedRecordsCount: await counting,
  };
}

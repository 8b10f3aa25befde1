/**
 * Preflight, on a schedule: for each configured file system in Bursting
 * mode, read the last hours of BurstCreditBalance and warn in Slack when the
 * forecast says the credits run out within the horizon, before Langfuse
 * drops anything.
 */
import type { AppConfig } from '../../shared/domain/config.ts';
import type { SlackMessage } from '../../shared/domain/contracts.ts';
import {
  type PreflightResult,
  preflightCheck,
} from '../../shared/domain/diagnosis/forecast.ts';
import { oneLine } from '../../shared/domain/errors.ts';
import { preflightMessage } from '../../shared/domain/messages/blocks.ts';
import type {
  AlarmsPort,
  Clock,
  IncidentStore,
  MetricsPort,
  SlackPort,
} from '../../shared/domain/ports.ts';
import {
  gridFor,
  toSeries,
} from '../../shared/domain/sources/metric-series.ts';
import { type SweepResult, sweepIncidents } from './sweep.ts';

export type PreflightPorts = {
  metrics: MetricsPort;
  slack: SlackPort;
  clock: Clock;
  config: AppConfig;
  /**
   * The incident table and DescribeAlarms, for the hourly check of open
   * incidents (sweep.ts). Without them, only the forecast runs.
   */
  incidents?: { store: IncidentStore; alarms: AlarmsPort };
};

export type PreflightOptions = {
  /** How far back to fit the credit trend. */
  lookbackMinutes: number;
  /** Warn when credits are forecast to run out within this long. */
  horizonMinutes: number;
};

export const DEFAULT_PREFLIGHT: PreflightOptions = {
  lookbackMinutes: 180,
  horizonMinutes: 360,
};

export type PreflightReport = {
  results: PreflightResult[];
  /** The check of open incidents, one result per configured file system. */
  incidents?: SweepResult[];
  warned: boolean;
  /** Why the warning did not reach Slack, if it did not. */
  slackError?: string;
  message?: SlackMessage;
};

/**
 * Checks open incidents (when given the incident ports), then reads credits
 * for every file system in one request and warns once.
 */
export async function runPreflight(
  ports: PreflightPorts,
  options: PreflightOptions = DEFAULT_PREFLIGHT,
): Promise<PreflightReport> {
  // The check never throws, and runs first: a failing forecast must not
  // leave an incident open.
  const incidents = ports.incidents
    ? await sweepIncidents({ ...ports, ...ports.incidents })
    : undefined;
  const forecast = await forecastCredits(ports, options);
  return incidents ? { ...forecast, incidents } : forecast;
}

/** Reads credits for every file system in one request and warns once. */
async function forecastCredits(
  ports: PreflightPorts,
  options: PreflightOptions,
): Promise<PreflightReport> {
  const end = ports.clock.now();
  const start = new Date(end.getTime() - options.lookbackMinutes * 60_000);
  const grid = gridFor(start, end, 60);
  const systems = ports.config.fileSystems;
  const results = await ports.metrics.getMetricData({
    queries: systems.map((fs, i) => ({
      // GetMetricData Ids start with a lowercase letter.
      id: `credits_${i}`,
      namespace: 'AWS/EFS',
      metricName: 'BurstCreditBalance',
      dimensions: { FileSystemId: fs.fileSystemId },
      stat: 'Minimum',
    })),
    start: grid.start,
    end,
    periodSeconds: 60,
  });
  const checks = preflightCheck(
    systems.map((fs, i) => {
      const result = results.find((r) => r.Id === `credits_${i}`);
      return {
        fileSystemId: fs.fileSystemId,
        credits: result ? toSeries(result, grid, 60) : undefined,
      };
    }),
    options.horizonMinutes,
  );
  const warnings = checks.filter((c) => c.warn);
  if (warnings.length === 0) return { results: checks, warned: false };
  const message = preflightMessage(
    warnings,
    options,
    ports.config.slackChannel,
  );
  try {
    await ports.slack.postMessage(message);
    return { results: checks, warned: true, message };
  } catch (error) {
    return {
      results: checks,
      warned: true,
      message,
      slackError: oneLine(error),
    };
  }
}

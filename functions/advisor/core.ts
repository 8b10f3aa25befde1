/**
 * The weekly throughput-mode advisor: for each configured file system,
 * reads the last days of demand from CloudWatch, simulates every mode on it
 * (shared/domain/advisor) and posts one digest to Slack: one line per file
 * system, a chart of its demand against each mode's limit, and buttons to
 * apply the advice (a remediation run through the usual guards) or snooze
 * it. `burstguard advise` runs the same reading and advice for one file
 * system.
 */
import {
  type Advice,
  type AdvisorSettings,
  advise,
  type PriceProvenance,
  traceFromMetricData,
} from '../../shared/domain/advisor/advise.ts';
import { adviceChart } from '../../shared/domain/advisor/chart.ts';
import type { AdvisedFileSystem } from '../../shared/domain/advisor/simulate.ts';
import type { AppConfig } from '../../shared/domain/config.ts';
import type { SlackMessage } from '../../shared/domain/contracts.ts';
import { oneLine } from '../../shared/domain/errors.ts';
import { adviceDigestMessage } from '../../shared/domain/messages/advice.ts';
import type {
  AdvisorStore,
  ChartPort,
  Clock,
  EfsPort,
  MetricsPort,
  SlackPort,
} from '../../shared/domain/ports.ts';
import {
  efsQueries,
  fileSystemFacts,
} from '../../shared/domain/sources/efs.ts';
import { gridFor } from '../../shared/domain/sources/metric-series.ts';

/** The AWS/EFS series the advisor reads (the recording format's Ids). */
export const ADVISOR_METRIC_IDS = [
  'data_read_io_bytes',
  'data_write_io_bytes',
  'metadata_io_bytes',
  'metered_io_bytes',
  'permitted_throughput',
  'burst_credit_balance',
] as const;

/**
 * CloudWatch keeps 1-minute data for 15 days and 5-minute data for 63 days
 * (CloudWatch user guide, "Metrics concepts", metric retention): a window
 * that reaches back further than 15 days is read at 5 minutes throughout.
 */
export function advisorPeriodSeconds(
  days: number,
  resolutionSeconds = 60,
): number {
  return Math.max(resolutionSeconds, days <= 15 ? 60 : 300);
}

/** The settings of the configuration's `advisor` section. */
export function advisorSettings(config: AppConfig): AdvisorSettings {
  const a = config.advisor;
  return {
    headroomPercent: a.headroomPercent,
    tolerancePercent: a.tolerancePercent,
    minimumMonthlySavingUsd: a.minimumMonthlySavingUsd,
    creditWarnPercent: a.creditWarnPercent,
  };
}

/** One file system's advice, read from EFS and CloudWatch. */
export async function adviseFileSystem(input: {
  efs: Pick<EfsPort, 'describeFileSystem'>;
  metrics: MetricsPort;
  fileSystemId: string;
  end: Date;
  days: number;
  prices: PriceProvenance;
  settings: AdvisorSettings;
}): Promise<ReturnType<typeof advise>> {
  const described = await input.efs.describeFileSystem(input.fileSystemId);
  const facts = fileSystemFacts(described);
  const period = advisorPeriodSeconds(
    input.days,
    input.metrics.resolutionSeconds,
  );
  const start = new Date(input.end.getTime() - input.days * 86_400_000);
  const grid = gridFor(start, input.end, period);
  const wanted = new Set<string>(ADVISOR_METRIC_IDS);
  const results = await input.metrics.getMetricData({
    queries: efsQueries(input.fileSystemId).filter((q) => wanted.has(q.id)),
    start: grid.start,
    end: input.end,
    periodSeconds: period,
  });
  const trace = traceFromMetricData(results, grid, period);
  const fileSystem: AdvisedFileSystem = {
    fileSystemId: facts.fileSystemId,
    ...(facts.name ? { name: facts.name } : {}),
    throughputMode: facts.throughputMode,
    performanceMode: facts.performanceMode,
    ...(facts.provisionedThroughputMibps !== undefined
      ? { provisionedThroughputMibps: facts.provisionedThroughputMibps }
      : {}),
    sizeStandardBytes: facts.sizeStandardBytes,
  };
  return advise({
    trace,
    fileSystem,
    prices: input.prices,
    settings: input.settings,
  });
}

/** StartExecution on the runbook's state machine. */
export type ExecutionStarter = {
  startExecution(input: {
    name: string;
    input: string;
  }): Promise<{ executionArn: string }>;
};

export type AdvisorPorts = {
  /** Starts the runs the advice's Apply queued. */
  executions?: ExecutionStarter;
  efs: Pick<EfsPort, 'describeFileSystem'>;
  metrics: MetricsPort;
  slack: SlackPort;
  clock: Clock;
  config: AppConfig;
  store: AdvisorStore;
  /** Resolves the prices once per run (Price List API, cache, table). */
  prices: () => Promise<PriceProvenance>;
  /** Draws each file system's chart; without it the digest has none. */
  charts?: ChartPort;
};

/** What the weekly run did for one file system. */
export type AdvisorResult =
  | { fileSystemId: string; outcome: 'advised'; advice: Advice }
  | { fileSystemId: string; outcome: 'snoozed'; until: string }
  | { fileSystemId: string; outcome: 'failed'; reason: string };

export type AdvisorReport = {
  results: AdvisorResult[];
  posted: boolean;
  slackError?: string;
  /** Why the charts did not reach the digest's thread, if they did not. */
  chartError?: string;
  message?: SlackMessage;
  prices: PriceProvenance['origin'];
  priceNote?: string;
};

/** The weekly run over every configured file system; one digest. */
export async function runAdvisor(ports: AdvisorPorts): Promise<AdvisorReport> {
  const now = ports.clock.now();
  const prices = await ports.prices();
  const settings = advisorSettings(ports.config);
  const results: AdvisorResult[] = [];
  const advised: ReturnType<typeof advise>[] = [];
  for (const { fileSystemId } of ports.config.fileSystems) {
    try {
      const until = await ports.store.snoozedUntil(fileSystemId);
      if (until && Date.parse(until) > now.getTime()) {
        results.push({ fileSystemId, outcome: 'snoozed', until });
        continue;
      }
      const advice = await adviseFileSystem({
        efs: ports.efs,
        metrics: ports.metrics,
        fileSystemId,
        end: now,
        days: ports.config.advisor.days,
        prices,
        settings,
      });
      advised.push(advice);
      const { bursting: _b, size: _s, ...json } = advice;
      results.push({ fileSystemId, outcome: 'advised', advice: json });
    } catch (error) {
      // One file system's failure never hides the others'.
      results.push({ fileSystemId, outcome: 'failed', reason: oneLine(error) });
    }
  }
  const base = {
    results,
    prices: prices.origin,
    ...(prices.note ? { priceNote: prices.note } : {}),
  };
  if (results.length === 0) return { ...base, posted: false };
  const message = adviceDigestMessage({
    results,
    channel: ports.config.slackChannel,
    snoozeWeeks: ports.config.advisor.snoozeWeeks,
    remediationAllowed: Object.fromEntries(
      ports.config.fileSystems.map((f) => [
        f.fileSystemId,
        f.remediationAllowed,
      ]),
    ),
    prices,
  });
  try {
    const posted = await ports.slack.postMessage(message);
    // The charts follow the digest; a chart that fails leaves the digest.
    const chartError = await uploadCharts(ports, advised, posted).then(
      () => undefined,
      (error: unknown) => oneLine(error),
    );
    return {
      ...base,
      posted: true,
      message,
      ...(chartError ? { chartError } : {}),
    };
  } catch (error) {
    return { ...base, posted: false, message, slackError: oneLine(error) };
  }
}

/** Each file system's chart, into the digest's thread. */
async function uploadCharts(
  ports: AdvisorPorts,
  advised: ReturnType<typeof advise>[],
  posted: { channel: string; ts: string },
): Promise<void> {
  const charts = ports.charts;
  if (!charts || !ports.slack.uploadFiles || advised.length === 0) return;
  const files = [];
  for (const advice of advised) {
    const chart = adviceChart(advice, ports.config.region, advice.bursting);
    files.push({
      filename: `${chart.name}.png`,
      title: chart.title,
      bytes: await charts.renderChart(chart),
      altText: `Metered demand of ${advice.fileSystemId} over ${advice.window.days} days against the Provisioned size and the Bursting baseline and burst rate`,
    });
  }
  await ports.slack.uploadFiles({
    channel: posted.channel,
    threadTs: posted.ts,
    files,
  });
}

/** What the check of queued Applies did for one file system. */
export type ApplyResult = {
  fileSystemId: string;
  outcome: 'started' | 'failed';
  detail: string;
};

/**
 * Starts a run for each Apply the Slack endpoint queued: the manual input
 * of `burstguard start`, with the advice in it, so the run goes through
 * the allowlist, the policy and its approvers, the 24 h lock and Verify.
 * The request is forgotten only once its run started; one that fails
 * stays for the next check.
 */
export async function startQueuedApplies(
  ports: Pick<AdvisorPorts, 'config' | 'clock' | 'executions'> & {
    store: Pick<AdvisorStore, 'pendingApply' | 'clearApply'>;
  },
): Promise<ApplyResult[]> {
  const results: ApplyResult[] = [];
  const now = ports.clock.now();
  for (const { fileSystemId } of ports.config.fileSystems) {
    try {
      const request = await ports.store.pendingApply(fileSystemId);
      if (!request) continue;
      if (!ports.executions) throw new Error('no state machine to start');
      const target =
        request.mode === 'provisioned'
          ? `Provisioned ${request.provisionedMibps ?? '?'} MiB/s`
          : request.mode === 'elastic'
            ? 'Elastic'
            : 'Bursting';
      const stamp = now.toISOString().replace(/[:.]/g, '-');
      const started = await ports.executions.startExecution({
        // Execution names: at most 80 letters, digits, - and _ (Step
        // Functions API reference, StartExecution `name`).
        name: `advice-${fileSystemId}-${stamp}`.slice(0, 80),
        input: JSON.stringify({
          fileSystemId,
          note: `weekly advice: switch to ${target}, asked by ${request.by}`,
          advice: {
            mode: request.mode,
            ...(request.provisionedMibps
              ? { provisionedMibps: request.provisionedMibps }
              : {}),
            requestedBy: request.by,
          },
        }),
      });
      await ports.store.clearApply({ fileSystemId, at: request.at });
      results.push({
        fileSystemId,
        outcome: 'started',
        detail: `${started.executionArn}: switch to ${target}, asked by ${request.by} at ${request.at}`,
      });
    } catch (error) {
      results.push({ fileSystemId, outcome: 'failed', detail: oneLine(error) });
    }
  }
  return results;
}

/**
 * Runs the whole runbook locally on a recording: the real state machine and
 * handlers, EFS and CloudWatch answered from the recording, ClickHouse from
 * the recording or a live embedded ClickHouse, Slack in the terminal.
 */

import { evidenceFromGathered } from '../functions/diagnose/core.ts';
import type { MetricDataResult } from '../shared/domain/aws-shapes.ts';
import type { AppConfig } from '../shared/domain/config.ts';
import type {
  AfterGather,
  AfterNotify,
  Decision,
  Diagnosis,
  Evidence,
  Incident,
  Policy,
  Recommendation,
  RecoveryInput,
  Remediation,
  SlackMessage,
  Trigger,
  Verification,
} from '../shared/domain/contracts.ts';
import { oneLine } from '../shared/domain/errors.ts';
import { partitionOf } from '../shared/domain/messages/console-links.ts';
import type {
  ClickHousePort,
  Clock,
  IncidentStore,
  MetricsPort,
  RecoveryStore,
  SlackPort,
  SlackUpdate,
} from '../shared/domain/ports.ts';
import type { RecoveryReport } from '../shared/domain/recovery/contract.ts';
import { VERIFY_AFTER_SECONDS } from '../workflows/definition.ts';
import { createLocalChartPort } from './chart.ts';
import { configForRecording } from './evidence.ts';
import { createMemoryIncidentStore } from './memory-incident-store.ts';
import {
  recordingClickHousePort,
  recordingEfsPort,
  recordingLogsInsightsPort,
  recordingMetricsPort,
} from './recorded-ports.ts';
import type { Recording } from './recording-format.ts';
import {
  type LocalTaskHandlers,
  type RunEvent,
  type RunResult,
  runLocal,
} from './state-machine-runner.ts';
import { createTerminalSlackPort } from './terminal-slack.ts';

export type LocalRunOptions = {
  /** The file system's configured policy for this run (default approve). */
  policy?: Policy;
  /** Overrides the recording's ClickHouse (e.g. a live chDB). */
  clickhouse?: ClickHousePort;
  /** Simulates an approver pressing a button; none means nobody answers. */
  approver?: (
    state: AfterNotify,
  ) => Promise<{ approved: boolean; by?: string }>;
  write: (text: string) => void;
  color: boolean;
  onEvent?: (event: RunEvent) => void;
  /**
   * Metrics for the minutes after a switch to Elastic (the demo simulates
   * them); without it, Verify finds none, as a replay of a past incident.
   */
  afterSwitch?: (from: Date, minutes: number) => MetricDataResult[];
  /** Sees every UpdateFileSystem call the run makes (tests, audits). */
  onUpdateFileSystem?: (call: unknown) => void;
  /**
   * Posts to this Slack port instead of the terminal (a real workspace, or
   * a double); the messages are still reported in `slack`.
   */
  slack?: SlackPort;
  /** Wraps the Task handlers (tests that inject a failure). */
  wrapHandlers?: (handlers: LocalTaskHandlers) => LocalTaskHandlers;
  /**
   * Where the charts attached to the finding are written (default: a new
   * directory under the OS's temp directory).
   */
  chartDir?: string;
  /** Sees each chart as it is written (progress lines). */
  onChart?: (chart: LocalChart) => void;
  /**
   * The recovery of what Langfuse dropped, once the switch worked: the
   * file system's recovery configuration, and the local recovery that
   * StartRecovery starts (run after the incident's execution, in the same
   * thread, store and clock). Without it, no recovery is configured.
   */
  recovery?: {
    configure: (config: AppConfig) => AppConfig;
    run: (
      input: RecoveryInput,
      context: {
        config: AppConfig;
        clock: Clock;
        slack: SlackPort;
        store: IncidentStore & RecoveryStore;
        onState: (state: string) => void;
      },
    ) => Promise<RecoveryReport | undefined>;
  };
};

/** A chart a local run attached to its thread. */
export type LocalChart = {
  title: string;
  /** The PNG file, when it was written locally (the terminal Slack). */
  path?: string;
  /** Slack's file id, when it went to a Slack workspace or double. */
  id?: string;
};

/** What `--json` prints: the object the README documents, and the run's own facts. */
export type LocalRunReport = {
  incident: Incident | null;
  trigger: Trigger | null;
  diagnosis: Diagnosis | null;
  recommendation: Recommendation | null;
  /**
   * Where the run went after the finding and why, with the policy it ran
   * under and who asked for what (`decision.policy.statement`).
   */
  decision: Decision | null;
  remediation: Remediation | null;
  /** Whether the switch worked, when one was made. */
  verification: Verification | null;
  slack: SlackMessage[];
  /**
   * Each post to Slack, in order: the step that posted, and whether Slack
   * took it (with Slack's error when it did not). A refused post leaves
   * its message in `slack` all the same.
   */
  slackDelivery: SlackDelivery[];
  /**
   * The charts uploaded into the thread with the finding, drawn from the
   * recording: `path` is the PNG file.
   */
  charts: LocalChart[];
  /**
   * Each edit of the thread's root message (chat.update), in order: the
   * step that made it and the status line it set.
   */
  slackUpdates: { step: string; update: SlackUpdate }[];
  /** What Gather found, as `burstguard diagnose --evidence` reads it. */
  evidence: Evidence | null;
  /**
   * The recovery of what Langfuse dropped that the switch started: its
   * report (`status`, `window`, `keysListed`, `keysQueued`, `keysSkipped`,
   * `keysFailed`, `recordsBefore`, `recordsAfter`), or null when none ran.
   */
  recovery: RecoveryReport | null;
  execution: {
    status: RunResult['status'];
    transitions: number;
    error?: string;
    cause?: string;
  };
};

/** One post to Slack of a local run. */
export type SlackDelivery = {
  step: string;
  delivered: boolean;
  error?: string;
};

export async function runRecording(
  recording: Recording,
  options: LocalRunOptions,
): Promise<LocalRunReport> {
  const recorded = configForRecording(recording, {
    ...(options.policy ? { policy: options.policy } : {}),
  });
  const config = options.recovery?.configure(recorded) ?? recorded;
  const terminal = createTerminalSlackPort(
    options.write,
    { color: options.color },
    options.chartDir ? { fileDir: options.chartDir } : {},
  );
  const charts: LocalChart[] = [];
  const posted: SlackMessage[] = options.slack ? [] : terminal.posted;
  const slackDelivery: SlackDelivery[] = [];
  const slackUpdates: LocalRunReport['slackUpdates'] = [];
  // The Task state running now: posts happen in Notify steps, one at a time.
  let step = '';
  const target: SlackPort = options.slack ?? terminal;
  const slack: SlackPort = {
    async postMessage(message) {
      if (options.slack) posted.push(message);
      try {
        const answer = await target.postMessage(message);
        slackDelivery.push({ step, delivered: true });
        return answer;
      } catch (error) {
        slackDelivery.push({ step, delivered: false, error: oneLine(error) });
        throw error;
      }
    },
    ...(target.updateMessage
      ? {
          updateMessage: (update: SlackUpdate) => {
            slackUpdates.push({ step, update });
            return (
              target.updateMessage as NonNullable<SlackPort['updateMessage']>
            )(update);
          },
        }
      : {}),
  };
  const upload = (options.slack ?? terminal).uploadFiles;
  if (upload) {
    slack.uploadFiles = async (files) => {
      const answer = await upload.call(options.slack ?? terminal, files);
      for (const file of answer.files) {
        const chart: LocalChart = file.path
          ? { title: file.title, path: file.path }
          : { title: file.title, id: file.id };
        charts.push(chart);
        options.onChart?.(chart);
      }
      return answer;
    };
  }
  const clickhouse = options.clickhouse ?? recordingClickHousePort(recording);
  const { clock, efs, metrics } = portsAfterSwitch(recording, options);
  const store = createMemoryIncidentStore();
  // What StartRecovery asked for; the recovery runs once the incident's
  // execution is over, as its own execution would on AWS.
  let recoveryInput: RecoveryInput | undefined;
  const result = await runLocal(
    // The recorded trigger as it is: `policy` configures the file system,
    // and a policy the recorded input asks for may still lower it.
    recording.trigger,
    {
      config,
      clock,
      efs,
      metrics,
      logsInsights: recordingLogsInsightsPort(recording),
      clickhouseFor: () => clickhouse,
      slack,
      charts: createLocalChartPort(metrics),
      store,
      approver: options.approver,
      ...(options.recovery
        ? {
            startRecovery: async (input: RecoveryInput) => {
              recoveryInput = input;
              return {
                executionArn: `arn:${partitionOf(config.region)}:states:${config.region}:000000000000:execution:burstguard-recovery-local:${input.incidentId ?? input.fileSystemId}`,
              };
            },
          }
        : {}),
    },
    {
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      // The step that posts is the Task whose handler runs: the run's
      // events arrive through an async iterator, after the handler ran.
      wrapHandlers: (handlers) => {
        const wrapped = options.wrapHandlers?.(handlers) ?? handlers;
        return Object.fromEntries(
          Object.entries(wrapped).map(([name, handler]) => [
            name,
            (input: unknown) => {
              step = name;
              return handler(input);
            },
          ]),
        ) as typeof wrapped;
      },
    },
  );
  const recovery =
    recoveryInput && options.recovery
      ? await options.recovery.run(recoveryInput, {
          config,
          clock,
          slack,
          store,
          onState: (state) => {
            step = `Recovery ${state}`;
          },
        })
      : undefined;
  const out = result.status === 'SUCCEEDED' ? result.output : {};
  const stateResult = out.result as
    | {
        diagnosis: Diagnosis;
        recommendation: Recommendation;
        decision?: Decision;
      }
    | undefined;
  return {
    incident: (out.incident as Incident | undefined) ?? null,
    trigger: (out.trigger as Trigger | undefined) ?? null,
    diagnosis: stateResult?.diagnosis ?? null,
    recommendation: stateResult?.recommendation ?? null,
    decision: stateResult?.decision ?? null,
    remediation: (out.remediation as Remediation | undefined) ?? null,
    verification: (out.verification as Verification | undefined) ?? null,
    slack: posted,
    slackDelivery,
    charts,
    slackUpdates,
    evidence: Array.isArray(out.gathered)
      ? evidenceFromGathered(out.gathered as AfterGather['gathered'])
      : null,
    recovery: recovery ?? null,
    execution:
      result.status === 'SUCCEEDED'
        ? { status: result.status, transitions: result.transitions }
        : {
            status: result.status,
            transitions: result.transitions,
            error: result.error,
            cause: result.cause,
          },
  };
}

/**
 * The clock, EFS and CloudWatch of a run on a recording: the recording's
 * end is "now" (so 1-minute data still exists); after a switch the clock
 * moves on by the Wait that precedes Verify, and CloudWatch answers what
 * `afterSwitch` simulates for the minutes since.
 */
export function portsAfterSwitch(
  recording: Recording,
  options: Pick<LocalRunOptions, 'afterSwitch' | 'onUpdateFileSystem'>,
): {
  clock: Clock;
  efs: ReturnType<typeof recordingEfsPort>;
  metrics: MetricsPort;
} {
  const end = Date.parse(recording.meta.end);
  let switchedAt: number | undefined;
  const clock = {
    now: () =>
      new Date(
        switchedAt === undefined ? end : end + VERIFY_AFTER_SECONDS * 1000,
      ),
  };
  const efs = recordingEfsPort(recording, {
    onUpdate: (call) => {
      switchedAt = end;
      options.onUpdateFileSystem?.(call);
    },
  });
  const recorded = recordingMetricsPort(recording);
  const metrics: MetricsPort = {
    resolutionSeconds: recorded.resolutionSeconds,
    async getMetricData(request) {
      const results = await recorded.getMetricData(request);
      if (switchedAt === undefined || !options.afterSwitch) return results;
      const later = options.afterSwitch(
        new Date(switchedAt),
        VERIFY_AFTER_SECONDS / 60,
      );
      const wanted = new Set(request.queries.map((q) => q.id));
      return [...wanted].map((id) => {
        const a = results.find((r) => r.Id === id);
        const b = later.find((r) => r.Id === id);
        return {
          Id: id,
          Label: a?.Label ?? b?.Label,
          Timestamps: [...(a?.Timestamps ?? []), ...(b?.Timestamps ?? [])],
          Values: [...(a?.Values ?? []), ...(b?.Values ?? [])],
          StatusCode: 'Complete',
        };
      });
    },
  };
  return { clock, efs, metrics };
}

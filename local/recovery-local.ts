/**
 * The recovery run locally with its real steps: every Task state of
 * workflows/recovery.ts mapped to the handler its Lambda runs (the same
 * middy chain), wired to local ports: an S3 client on a loopback S3 server
 * for the events bucket and burstguard's own, Langfuse's admin API (or its
 * double), ClickHouse (chDB) for the counts, the run's Slack and store.
 *
 * OfferApproval is the `lambda:invoke.waitForTaskToken` integration: the
 * handler posts the offer and keeps the token; the execution then resumes
 * with what the approver answers, which the Slack endpoint sends with
 * SendTaskSuccess on AWS. Locally the approver is a function, and its
 * answer takes the kept token as a click would.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import { createCollectClickHouseHandler } from '../functions/collect-clickhouse/lambda.ts';
import { createFinishRecoveryHandler } from '../functions/finish-recovery/lambda.ts';
import { createOfferRecoveryHandler } from '../functions/offer-recovery/lambda.ts';
import { createPlanRecoveryHandler } from '../functions/plan-recovery/lambda.ts';
import { createRecordRecoveryProgressHandler } from '../functions/record-recovery-progress/lambda.ts';
import { createReplayBatchHandler } from '../functions/replay-batch/lambda.ts';
import {
  createEventsListing,
  createRecoveryArtifacts,
} from '../shared/adapters/s3-events.ts';
import type { AppConfig } from '../shared/domain/config.ts';
import type { RecoveryInput } from '../shared/domain/contracts.ts';
import type {
  ClickHousePort,
  Clock,
  LangfuseAdminPort,
  RecoveryStore,
  SlackPort,
} from '../shared/domain/ports.ts';
import type { RecoveryReport } from '../shared/domain/recovery/contract.ts';
import type { OfferAnswer } from '../shared/domain/recovery/steps.ts';
import type { StepHandler } from '../shared/runtime/step-handler.ts';
import { RECOVERY_TASK_LAMBDA } from '../workflows/recovery.ts';
import {
  type RecoveryRunResult,
  type RecoveryTaskHandlers,
  runRecoveryLocal,
} from './recovery-runner.ts';
import { localTasks } from './state-machine-runner.ts';

export type LocalRecoveryPorts = {
  /** The configuration, with the file system's `recovery` and ownBucket. */
  config: AppConfig;
  clock: Clock;
  /** The S3 API of the events bucket and burstguard's own bucket. */
  s3: S3Client;
  langfuseFor(fileSystemId: string): LangfuseAdminPort | undefined;
  clickhouseFor(fileSystemId: string): ClickHousePort | undefined;
  slack: SlackPort;
  store: RecoveryStore;
  /**
   * Stands in for a person pressing Approve or Decline on the offer;
   * without it (or when it answers nothing) the offer expires unanswered.
   */
  approver?: (offer: {
    runId: string;
    fileSystemId: string;
  }) => Promise<{ approved: boolean; by?: string } | undefined>;
  /** Waits between paced requests (replay-batch); a test may pass none. */
  sleep?: (ms: number) => Promise<void>;
};

function silentLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: 'SILENT' });
}

/** The real handler of every Task state of the recovery, on local ports. */
export function localRecoveryHandlers(
  ports: LocalRecoveryPorts,
  options: { logger?: (serviceName: string) => Logger } = {},
): RecoveryTaskHandlers {
  const log = options.logger ?? silentLogger;
  const { config } = ports;
  const ownBucket = config.recovery.ownBucket;
  // The answer an offer decided by policy sent with SendTaskSuccess.
  const sent = new Map<string, string>();
  const handlers: Record<string, StepHandler<unknown>> = {
    'plan-recovery': createPlanRecoveryHandler(
      {
        config,
        listing: createEventsListing(ports.s3),
        store: ports.store,
        slack: ports.slack,
      },
      log('plan-recovery'),
    ),
    'collect-clickhouse': createCollectClickHouseHandler(
      { clickhouseFor: ports.clickhouseFor },
      log('collect-clickhouse'),
    ),
    'offer-recovery': createOfferRecoveryHandler(
      {
        store: ports.store,
        slack: ports.slack,
        tasks: {
          async sendTaskSuccess({ taskToken, output }) {
            sent.set(taskToken, output);
          },
        },
        channel: config.slackChannel,
        clock: ports.clock,
        config,
      },
      log('offer-recovery'),
    ),
    'replay-batch': createReplayBatchHandler(
      {
        langfuseFor: ports.langfuseFor,
        rate: config.recovery,
        ...(ports.sleep ? { sleep: ports.sleep } : {}),
      },
      log('replay-batch'),
    ),
    'record-recovery-progress': createRecordRecoveryProgressHandler(
      {
        store: ports.store,
        artifacts: createRecoveryArtifacts(ports.s3),
        ...(ownBucket ? { ownBucket } : {}),
        slack: ports.slack,
        clock: ports.clock,
      },
      log('record-recovery-progress'),
    ),
    'finish-recovery': createFinishRecoveryHandler(
      {
        store: ports.store,
        slack: ports.slack,
        channel: config.slackChannel,
        clock: ports.clock,
        ...(ownBucket ? { ownBucket } : {}),
      },
      log('finish-recovery'),
    ),
  };
  const { invoke, tasks } = localTasks(handlers, RECOVERY_TASK_LAMBDA);
  const out: RecoveryTaskHandlers = tasks;
  out.OfferApproval = async (input) => {
    const { Payload } = input as {
      Payload: {
        taskToken: string;
        plan: { runId: string; fileSystemId: string };
      };
    };
    await invoke('offer-recovery', Payload);
    const timeout = new Error('no approver answered the offer');
    timeout.name = 'States.Timeout';
    // Decided by policy (nothing to replay, say): the handler answered.
    const answered = sent.get(Payload.taskToken);
    if (answered !== undefined) return JSON.parse(answered) as OfferAnswer;
    const answer = await ports.approver?.({
      runId: Payload.plan.runId,
      fileSystemId: Payload.plan.fileSystemId,
    });
    if (answer === undefined) throw timeout;
    // The click takes the kept token, as slack-interactions does.
    const claimId = `local-${Payload.plan.runId}`;
    const at = ports.clock.now();
    const claim = await ports.store.claimRecoveryToken({
      runId: Payload.plan.runId,
      claimId,
      at: at.toISOString(),
      leaseUntil: new Date(at.getTime() + 30_000).toISOString(),
    });
    if (claim.kind !== 'claimed') throw timeout;
    await ports.store.settleRecoveryToken({
      runId: Payload.plan.runId,
      claimId,
      outcome: 'consumed',
    });
    return answer;
  };
  return out;
}

/** How a local recovery ended: FinishRecovery's report, or the failure. */
export type LocalRecoveryResult = {
  run: RecoveryRunResult;
  /** FinishRecovery's report, the `recovery` object of `--json`. */
  report?: RecoveryReport;
};

/** Runs one recovery execution locally with its real steps. */
export async function runLocalRecovery(
  input: RecoveryInput,
  ports: LocalRecoveryPorts,
  options: {
    onState?: (state: string) => void;
    logger?: (serviceName: string) => Logger;
    /** Milliseconds between retries, per state (tests). */
    retryIntervalOverrides?: Record<string, number | number[]>;
  } = {},
): Promise<LocalRecoveryResult> {
  const { recovery } = ports.config;
  if (!recovery.ownBucket) {
    throw new Error(
      "a local recovery needs burstguard's own bucket (configuration recovery.ownBucket)",
    );
  }
  const run = await runRecoveryLocal(
    input,
    { s3: ports.s3, tasks: localRecoveryHandlers(ports, options) },
    {
      resultsBucket: recovery.ownBucket,
      batchSize: recovery.batchSize,
      maxConcurrency: recovery.maxConcurrency,
      region: ports.config.region,
      ...(options.onState ? { onState: options.onState } : {}),
      ...(options.retryIntervalOverrides
        ? { retryIntervalOverrides: options.retryIntervalOverrides }
        : {}),
    },
  );
  const report = run.status === 'SUCCEEDED' ? reportOf(run.output) : undefined;
  return report ? { run, report } : { run };
}

/** FinishRecovery's report, which the definition keeps at `$.report`. */
function reportOf(output: Record<string, unknown>): RecoveryReport | undefined {
  const report = output.report as Partial<RecoveryReport> | undefined;
  return typeof report?.status === 'string' &&
    typeof report.keysListed === 'number'
    ? (report as RecoveryReport)
    : undefined;
}

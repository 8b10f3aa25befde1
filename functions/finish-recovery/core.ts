/**
 * FinishRecovery: the run's report (the `recovery` object of `--json`),
 * and the last edit of its progress message: listed, queued, skipped,
 * failed, the rate, the records before -> after in ClickHouse for the
 * window, where failed keys went and, when the run stopped, how to resume
 * it. Outside the VPC.
 */
import { caughtErrorSchema } from '../../shared/domain/contracts.ts';
import { oneLine } from '../../shared/domain/errors.ts';
import {
  type RecoveryProgress,
  recoveryProgressMessage,
} from '../../shared/domain/messages/recovery.ts';
import type {
  Clock,
  RecoveryMessageRef,
  RecoveryStore,
  SlackPort,
} from '../../shared/domain/ports.ts';
import type {
  RecordCounts,
  RecoveryReport,
  RecoveryStatus,
} from '../../shared/domain/recovery/contract.ts';
import {
  offerAnswerSchema,
  type RecoveryCounters,
  type RecoveryState,
} from '../../shared/domain/recovery/steps.ts';
import { artifactPrefix } from '../../shared/domain/recovery/store.ts';
import {
  editProgress,
  progressOf,
} from '../../shared/runtime/recovery-progress.ts';

export type FinishRecoveryPorts = {
  store: Pick<
    RecoveryStore,
    | 'recoveryCounts'
    | 'recoveryMessage'
    | 'markRecoveryFinished'
    | 'recoveryFinishedAt'
  >;
  slack?: SlackPort;
  channel: string;
  clock: Clock;
  /** burstguard's own bucket, where failed keys and map results go. */
  ownBucket?: string;
};

/** The report, and what became of the final edit. */
export type FinishRecoveryResult = RecoveryReport & { editError?: string };

function countsOf(value: unknown): RecordCounts | null {
  const v = value as Partial<RecordCounts> | null | undefined;
  return typeof v?.traces === 'number' && typeof v.observations === 'number'
    ? { traces: v.traces, observations: v.observations }
    : null;
}

function countError(value: unknown): string | undefined {
  const v = value as { error?: unknown; Error?: unknown } | null | undefined;
  if (typeof v?.error === 'string') return v.error;
  if (typeof v?.Error === 'string') return v.Error;
  return undefined;
}

/** How the run ended, from what the state machine left in the state. */
export function recoveryStatus(
  state: RecoveryState,
  count: RecoveryCounters,
  replay: RecoveryCounters,
): RecoveryStatus {
  if (state.plan.status === 'not-configured') return 'not-configured';
  const offer = offerAnswerSchema.safeParse(state.offer);
  const caughtOffer = caughtErrorSchema.safeParse(state.offer);
  if (caughtOffer.success) {
    return caughtOffer.data.Error === 'States.Timeout' ? 'expired' : 'failed';
  }
  if (state.error !== undefined) return 'failed';
  if (!offer.success) {
    // Stopped before any offer: only counting ran.
    return count.inWindow === 0 ? 'nothing-to-replay' : 'counted';
  }
  const { approved, reason } = offer.data;
  if (reason === 'nothing-to-replay' || count.inWindow === 0) {
    return 'nothing-to-replay';
  }
  if (!approved) {
    return reason === 'dry-run' || reason === 'policy-off'
      ? 'counted'
      : 'declined';
  }
  return replay.failed > 0 ? 'partial' : 'recovered';
}

/** Builds the report and edits the progress message one last time. */
export async function finishRecovery(
  state: RecoveryState,
  ports: FinishRecoveryPorts,
): Promise<FinishRecoveryResult> {
  const { plan } = state;
  const at = ports.clock.now().toISOString();
  const [count, replay] = await Promise.all([
    ports.store.recoveryCounts({ runId: plan.runId, phase: 'count' }),
    ports.store.recoveryCounts({ runId: plan.runId, phase: 'replay' }),
  ]);
  const status = recoveryStatus(state, count.counters, replay.counters);
  const replayed = replay.counters.batches > 0;
  const shown = replayed ? replay : count;
  const before = countsOf(state.before);
  const after = countsOf(state.after);
  const failedKeysAt =
    ports.ownBucket && (replay.counters.failed > 0 || status === 'failed')
      ? `s3://${ports.ownBucket}/${replay.counters.failed > 0 ? artifactPrefix(plan.runId, 'failed-keys') : 'recoveries/'}`
      : undefined;
  const unsupported = shown.counters.unsupported;
  const total = (c: RecordCounts | null) =>
    c ? c.traces + c.observations : null;
  const report: FinishRecoveryResult = {
    status,
    window: plan.window,
    keysListed: shown.counters.listed,
    keysQueued: replay.counters.queued,
    keysSkipped: shown.counters.skipped,
    keysFailed: replay.counters.failed,
    recordsBefore: total(before),
    recordsAfter: total(after),
    records: { before, after },
    ...(failedKeysAt ? { failedKeysAt } : {}),
  };
  const why = [countError(state.before), countError(state.after)]
    .filter((e): e is string => e !== undefined)
    .map((e) => oneLine(e))
    .join('; ');
  const progress: RecoveryProgress = {
    ...progressOf(
      plan.runId,
      { fileSystemId: plan.fileSystemId, window: plan.window },
      replayed ? 'replay' : 'count',
      shown,
      shown.lastAt ?? at,
    ),
    final: {
      status,
      before,
      after,
      // A failure caught here ends the execution in a Fail state, which a
      // redrive only re-enters: the way on is a new recovery.
      ...(status === 'failed' ? { resume: 'restart' as const } : {}),
      ...(why ? { countError: why } : {}),
      ...(failedKeysAt ? { failedKeysAt } : {}),
      ...(unsupported > 0
        ? {
            unsupported: {
              keys: unsupported,
              ...(shown.note ? { example: shown.note } : {}),
              ...(ports.ownBucket
                ? {
                    at: `s3://${ports.ownBucket}/${artifactPrefix(plan.runId, 'skipped')}`,
                  }
                : {}),
            },
          }
        : {}),
    },
  };
  const message = await ports.store.recoveryMessage(plan.runId);
  await tell(ports, message, progress, plan.thread, report);
  await ports.store.markRecoveryFinished({ runId: plan.runId, at });
  return report;
}

/**
 * Edits the run's progress message, or posts it when none was posted;
 * what Slack refused goes into `report.editError`, never thrown.
 */
async function tell(
  ports: FinishRecoveryPorts,
  message: RecoveryMessageRef | undefined,
  progress: RecoveryProgress,
  thread: { channel: string; ts: string } | undefined,
  report: FinishRecoveryResult,
): Promise<void> {
  if (message) {
    const edit = await editProgress(ports.slack, message, progress);
    if (edit.editError) report.editError = edit.editError;
  } else if (ports.slack) {
    try {
      await ports.slack.postMessage(
        recoveryProgressMessage(
          progress,
          thread?.channel ?? ports.channel,
          thread?.ts,
        ),
      );
    } catch (error) {
      report.editError = oneLine(error);
    }
  }
}

/**
 * A run that stopped where FinishRecovery's own path could not tell it:
 * PlanRecovery failed (no plan), or the execution itself failed (the
 * execution-status rule's event: a Map Run that gave up is left uncaught so
 * that a redrive can resume it). Reads what the run counted, and ends its
 * progress message, or posts one, with the error and how to resume.
 */
export async function finishStoppedRun(
  run: {
    /** The execution's ARN, which is the run's id. */
    runId: string;
    error: string;
    fileSystemId?: string;
    window?: RecoveryReport['window'];
    thread?: { channel: string; ts: string };
    /**
     * How the run can go on: a redrive where it stopped (an uncaught Map
     * Run failure), or a new recovery (a redrive would re-enter a Fail
     * state).
     */
    resume: 'redrive' | 'restart';
    /**
     * The run's own last step (its FinishRecovery) rather than the
     * execution-status rule, which stays silent when that step already
     * told the thread.
     */
    finishing: boolean;
  },
  ports: FinishRecoveryPorts,
): Promise<FinishRecoveryResult & { alreadyTold?: boolean }> {
  const at = ports.clock.now().toISOString();
  const [count, replay, message, finishedAt] = await Promise.all([
    ports.store.recoveryCounts({ runId: run.runId, phase: 'count' }),
    ports.store.recoveryCounts({ runId: run.runId, phase: 'replay' }),
    ports.store.recoveryMessage(run.runId),
    run.finishing ? undefined : ports.store.recoveryFinishedAt(run.runId),
  ]);
  const replayed = replay.counters.batches > 0;
  const shown = replayed ? replay : count;
  const window = message?.window ??
    run.window ?? { from: shown.startedAt ?? at, to: at };
  const fileSystemId = message?.fileSystemId ?? run.fileSystemId ?? 'unknown';
  const failedKeysAt =
    ports.ownBucket && replay.counters.failed > 0
      ? `s3://${ports.ownBucket}/${artifactPrefix(run.runId, 'failed-keys')}`
      : undefined;
  const report: FinishRecoveryResult = {
    status: 'failed',
    window,
    keysListed: shown.counters.listed,
    keysQueued: replay.counters.queued,
    keysSkipped: shown.counters.skipped,
    keysFailed: replay.counters.failed,
    recordsBefore: null,
    recordsAfter: null,
    records: { before: null, after: null },
    ...(failedKeysAt ? { failedKeysAt } : {}),
  };
  const progress: RecoveryProgress = {
    ...progressOf(
      run.runId,
      { fileSystemId, window },
      replayed ? 'replay' : 'count',
      shown,
      shown.lastAt ?? at,
    ),
    final: {
      status: 'failed',
      before: null,
      after: null,
      countError: 'not counted: the run stopped first',
      error: oneLine(run.error),
      resume: run.resume,
      ...(failedKeysAt ? { failedKeysAt } : {}),
    },
  };
  if (finishedAt !== undefined) {
    // FinishRecovery told the thread how the run ended; the execution then
    // failed on purpose (its Fail state), which is no news.
    return { ...report, alreadyTold: true };
  }
  await tell(ports, message, progress, run.thread, report);
  if (run.finishing) {
    await ports.store.markRecoveryFinished({ runId: run.runId, at });
  }
  return report;
}

/**
 * RecordProgress: the last state of the Distributed Map's child workflow.
 * Adds the batch's counts to the run's (one atomic DynamoDB update, so
 * concurrent batches never lose a count), writes its failed keys and the
 * reasons keys were skipped (an unsupported type, say) to burstguard's own
 * bucket (never the events bucket), and edits the run's
 * progress message at most once per interval. Outside the VPC.
 */
import { oneLine } from '../../shared/domain/errors.ts';
import type {
  Clock,
  RecoveryArtifactsPort,
  RecoveryStore,
  SlackPort,
} from '../../shared/domain/ports.ts';
import type {
  RecordProgressInput,
  RecordProgressOutput,
} from '../../shared/domain/recovery/steps.ts';
import {
  type ArtifactKind,
  artifactObjectKey,
  batchCounters,
} from '../../shared/domain/recovery/store.ts';
import {
  editProgress,
  progressOf,
} from '../../shared/runtime/recovery-progress.ts';

/**
 * The least time between two edits of the progress message: Slack allows
 * chat.update about once per second per channel (Slack API docs, rate
 * limits, Tier 3 and the special per-channel posting limit), and the
 * batches of one run share the message.
 */
export const PROGRESS_EDIT_INTERVAL_MS = 3_000;

export type RecordProgressPorts = {
  store: Pick<
    RecoveryStore,
    'addRecoveryCounts' | 'recoveryMessage' | 'claimRecoveryEdit'
  >;
  artifacts: RecoveryArtifactsPort;
  /**
   * burstguard's own bucket; without it failed keys and skip reasons stay
   * in the output (the map's results).
   */
  ownBucket?: string;
  slack?: SlackPort;
  clock: Clock;
};

export type RecordProgressResult = RecordProgressOutput & {
  /** The failed keys, when there was no bucket to write them to. */
  failedKeys?: string[];
  /** Where this batch's skip and failure reasons were written. */
  reasonsAt?: string;
  /** The reasons, when there was no bucket to write them to. */
  errors?: string[];
  editError?: string;
};

/** Counts the batch, keeps its failed keys, edits the message if due. */
export async function recordProgress(
  { result, batch }: RecordProgressInput,
  ports: RecordProgressPorts,
): Promise<RecordProgressResult> {
  const at = ports.clock.now().toISOString();
  const out: Partial<RecordProgressResult> = {};
  // Written before the count: a retry after a failed write counts once.
  const keep = async (kind: ArtifactKind, lines: string[]) =>
    lines.length > 0 && ports.ownBucket
      ? ports.artifacts.writeLines({
          bucket: ports.ownBucket,
          key: artifactObjectKey(batch.runId, kind, batch.phase, lines),
          lines,
        })
      : undefined;
  const [failedKeysAt, reasonsAt] = await Promise.all([
    keep('failed-keys', result.failedKeys),
    keep('skipped', result.errors),
  ]);
  if (failedKeysAt) out.failedKeysAt = failedKeysAt;
  else if (result.failedKeys.length > 0) out.failedKeys = result.failedKeys;
  if (reasonsAt) out.reasonsAt = reasonsAt;
  else if (result.errors.length > 0) out.errors = result.errors;
  const note = result.errors[0];
  const tally = await ports.store.addRecoveryCounts({
    runId: batch.runId,
    phase: batch.phase,
    add: batchCounters(result),
    at,
    ...(note === undefined ? {} : { note }),
  });
  let edited = false;
  try {
    const due = await ports.store.claimRecoveryEdit({
      runId: batch.runId,
      at,
      minIntervalMs: PROGRESS_EDIT_INTERVAL_MS,
    });
    const message = due
      ? await ports.store.recoveryMessage(batch.runId)
      : undefined;
    if (message) {
      const edit = await editProgress(
        ports.slack,
        message,
        progressOf(batch.runId, message, batch.phase, tally, at),
      );
      edited = edit.edited;
      if (edit.editError) out.editError = edit.editError;
    }
  } catch (error) {
    // The count is kept; a missed edit is caught up by the next batch.
    out.editError = oneLine(error);
  }
  return { ...out, counters: tally.counters, edited };
}

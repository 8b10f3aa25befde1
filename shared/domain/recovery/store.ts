/**
 * How a recovery run is kept in the incident store's table: one item per
 * run, beside the file systems' items, under its own key.
 */
import type { IncidentStore, RecoveryStore } from '../ports.ts';
import type { BatchResult, RecoveryCounters, RecoveryPhase } from './steps.ts';

/** The counters a run keeps per phase, in a fixed order. */
export const RECOVERY_COUNTER_NAMES = [
  'listed',
  'inWindow',
  'queued',
  'skipped',
  'failed',
  'unsupported',
  'batches',
] as const satisfies readonly (keyof RecoveryCounters)[];

/**
 * The key of a run's item. File system ids start with `fs-`, so a key
 * starting with `recovery#` never meets one.
 */
export function recoveryItemKey(runId: string): string {
  return `recovery#${runId}`;
}

/** Counters with nothing counted. */
export function zeroCounters(): RecoveryCounters {
  return {
    listed: 0,
    inWindow: 0,
    queued: 0,
    skipped: 0,
    failed: 0,
    unsupported: 0,
    batches: 0,
  };
}

/** What one batch adds to its phase's counters. */
export function batchCounters(result: BatchResult): RecoveryCounters {
  const counters = zeroCounters();
  for (const name of RECOVERY_COUNTER_NAMES) {
    if (name !== 'batches') counters[name] = result[name];
  }
  counters.batches = 1;
  return counters;
}

/** The attribute name of a phase's counter (`replay_queued`). */
export function counterAttribute(
  phase: RecoveryPhase,
  name: keyof RecoveryCounters,
): string {
  return `${phase}_${name}`;
}

/** A run's short name: the last part of its execution ARN. */
export function runName(runId: string): string {
  return runId.split(':').at(-1) || runId;
}

/** FNV-1a, 32 bits, as 8 hex digits: a stable name for a list of keys. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** What a run writes to burstguard's own bucket, by folder. */
export type ArtifactKind = 'failed-keys' | 'skipped';

/** Where a run's failed keys (or skip reasons) go in the own bucket. */
export function artifactPrefix(runId: string, kind: ArtifactKind): string {
  return `recoveries/${runName(runId)}/${kind}/`;
}

/**
 * The object a batch's lines are written to: named by the lines
 * themselves, so a retried batch writes the same object again rather
 * than a second one.
 */
export function artifactObjectKey(
  runId: string,
  kind: ArtifactKind,
  phase: RecoveryPhase,
  lines: readonly string[],
): string {
  return `${artifactPrefix(runId, kind)}${phase}-${fnv1a(lines.join('\n'))}-${lines.length}.txt`;
}

/**
 * The offer's token kept as an approval token of the run's own item
 * (recoveryItemKey, with the run id as the incident id): the same one
 * conditional claim, lease and settle as the remediation approval.
 */
export function recoveryTokensOver(
  store: Pick<
    IncidentStore,
    'saveApprovalToken' | 'claimApprovalToken' | 'settleApprovalToken'
  >,
): Pick<
  RecoveryStore,
  'saveRecoveryToken' | 'claimRecoveryToken' | 'settleRecoveryToken'
> {
  const key = (runId: string) => ({
    fileSystemId: recoveryItemKey(runId),
    incidentId: runId,
  });
  return {
    saveRecoveryToken: ({ runId, ...rest }) =>
      store.saveApprovalToken({ ...key(runId), ...rest }),
    claimRecoveryToken: ({ runId, ...rest }) =>
      store.claimApprovalToken({ ...key(runId), ...rest }),
    settleRecoveryToken: ({ runId, ...rest }) =>
      store.settleApprovalToken({ ...key(runId), ...rest }),
  };
}

/**
 * How a recovery run is kept in the incident store's table: one item per
 * run, beside the file systems' items, under its own key.
 */
import type { RecoveryCounters, RecoveryPhase } from './steps.ts';

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

/** The attribute name of a phase's counter (`replay_queued`). */
export function counterAttribute(
  phase: RecoveryPhase,
  name: keyof RecoveryCounters,
): string {
  return `${phase}_${name}`;
}

/**
 * A source that could not be read: what every collector returns instead of
 * throwing, so one failing source never fails the run.
 */
import type { Source } from '../contracts.ts';

/** The source unavailable after `error`: why, the error's name, how long. */
export function unavailableAfter<S extends Source>(
  source: S,
  reason: string,
  error: unknown,
  elapsedMs: number,
) {
  return {
    source,
    available: false as const,
    reason,
    errorName: error instanceof Error ? error.name : undefined,
    elapsedMs,
  };
}

/**
 * A source that could not be read: what every collector returns instead of
 * throwing, so one failing source never fails the run.
 */
import type { Source } from '../contracts.ts';
import { oneLine } from '../errors.ts';

/**
 * The source unavailable after `error`: why (`${failedCall} failed: ...`
 * when a call is named), the error's name, and how long it took.
 */
export function unavailableAfter<S extends Source>(
  source: S,
  error: unknown,
  elapsedMs: number,
  failedCall?: string,
) {
  return {
    source,
    available: false as const,
    reason: failedCall
      ? `${failedCall} failed: ${oneLine(error)}`
      : oneLine(error),
    errorName: error instanceof Error ? error.name : undefined,
    elapsedMs,
  };
}

/**
 * ReplayBatch: one batch of listed keys (the Distributed Map's ItemBatcher
 * hands it at most 1,000) filtered to the window and to the shapes
 * Langfuse replays, the events prefix taken off where Langfuse's worker
 * adds it back, then one `POST /api/admin/ingestion-replay`. It calls
 * Langfuse and nothing else, so it can run in the VPC next to a private
 * Langfuse. A dry run only counts.
 *
 * 429 and 5xx throw named errors the state machine retries with backoff
 * (LangfuseRateLimitedError, LangfuseUnavailableError); a refusal (400,
 * 401, 403) throws LangfuseRejectedError, never retried.
 *
 * The rate limit: the map runs at most `maxConcurrency` batches at once,
 * each sending one request, so a batch that lasts at least
 * maxConcurrency / requestsPerSecond seconds keeps the whole run at or
 * under requestsPerSecond. A faster batch waits out the rest of its share.
 */
import {
  ConfigurationError,
  LangfuseRateLimitedError,
} from '../../shared/domain/errors.ts';
import type { LangfuseAdminPort } from '../../shared/domain/ports.ts';
import {
  classifyKey,
  emptyBatchResult,
  inWindow,
  keyInWindow,
  lastModifiedMs,
} from '../../shared/domain/recovery/keys.ts';
import type {
  BatchResult,
  ReplayBatchInput,
} from '../../shared/domain/recovery/steps.ts';

/** Error lines a batch reports at most; the rest are counted. */
export const MAX_ERROR_LINES = 20;

/**
 * The longest Retry-After a batch waits out itself before asking once
 * more: well inside its Lambda's timeout (REPLAY_BATCH_TIMEOUT_SECONDS
 * less 10 s) with the request's own deadline after it.
 */
export const RETRY_AFTER_HONOURED_SECONDS = 20;

export type ReplayBatchPorts = {
  /** The file system's Langfuse admin API; undefined when not configured. */
  langfuseFor(fileSystemId: string): LangfuseAdminPort | undefined;
  /** The deployment's limits (configuration `recovery`). */
  rate: { requestsPerSecond: number; maxConcurrency: number };
  /** Waits; a test passes a fake. */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds on a monotonic clock; a test passes a fake. */
  nowMs?: () => number;
};

/** The least time one batch takes: its share of the request rate. */
export function batchShareMs(rate: ReplayBatchPorts['rate']): number {
  return (1000 * rate.maxConcurrency) / rate.requestsPerSecond;
}

function boundedErrors(lines: readonly string[]): string[] {
  if (lines.length <= MAX_ERROR_LINES) return [...lines];
  return [
    ...lines.slice(0, MAX_ERROR_LINES),
    `… and ${lines.length - MAX_ERROR_LINES} more`,
  ];
}

/** Filters, strips, posts; answers what the batch did. */
export async function replayBatch(
  input: ReplayBatchInput,
  ports: ReplayBatchPorts,
): Promise<BatchResult> {
  const nowMs = ports.nowMs ?? (() => performance.now());
  const started = nowMs();
  const { Items, BatchInput: batch } = input;
  const result = emptyBatchResult();
  result.listed = Items.length;
  const errors: string[] = [];
  const sent: { listed: string; replay: string; type?: string }[] = [];
  for (const item of Items) {
    const key = classifyKey(item.Key, batch.eventsPrefix);
    if (key.kind === 'unsupported') {
      result.skipped++;
      // Only what was uploaded in the window is this run's to report.
      const modified = lastModifiedMs(item.LastModified);
      if (!Number.isNaN(modified) && inWindow(modified, batch.window)) {
        result.unsupported++;
        errors.push(key.reason);
      }
      continue;
    }
    if (!keyInWindow(key, item.LastModified, batch.window)) {
      result.skipped++;
      continue;
    }
    result.inWindow++;
    sent.push({
      listed: item.Key,
      replay: key.replayKey,
      ...(key.kind === 'standard' ? { type: key.type } : {}),
    });
  }
  if (batch.dryRun || sent.length === 0) {
    result.errors = boundedErrors(errors);
    return result;
  }
  const langfuse = ports.langfuseFor(batch.fileSystemId);
  if (!langfuse) {
    throw new ConfigurationError(
      `${batch.fileSystemId}: no Langfuse admin API (fileSystems[].recovery.langfuseUrl and the credentials secret's langfuseAdminKey)`,
    );
  }
  const sleep =
    ports.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const keys = sent.map((k) => k.replay);
  let answer: Awaited<ReturnType<LangfuseAdminPort['ingestionReplay']>>;
  try {
    answer = await langfuse.ingestionReplay(keys);
  } catch (error) {
    // A 429 that says how long to wait, briefly: wait that long here and
    // ask once more. Longer, or a second 429: the state machine's Retry
    // backs off (with jitter) and tries the batch again.
    const wait =
      error instanceof LangfuseRateLimitedError
        ? error.retryAfterSeconds
        : undefined;
    if (wait === undefined || wait > RETRY_AFTER_HONOURED_SECONDS) throw error;
    await sleep(wait * 1000);
    answer = await langfuse.ingestionReplay(keys);
  }
  result.queued = answer.queued;
  result.failed = answer.skipped;
  errors.push(...answer.errors);
  // Which keys Langfuse skipped, as far as its error lines name them.
  const invalid = new Set(
    answer.errors
      .filter((e) => e.startsWith('Invalid key format: '))
      .map((e) => e.slice('Invalid key format: '.length)),
  );
  const unsupportedTypes = new Set(
    answer.errors
      .filter((e) => e.startsWith('Unsupported replay type: '))
      .map((e) => e.slice('Unsupported replay type: '.length)),
  );
  result.failedKeys = sent
    .filter(
      (k) =>
        invalid.has(k.replay) ||
        (k.type !== undefined && unsupportedTypes.has(k.type)),
    )
    .map((k) => k.listed)
    .slice(0, answer.skipped);
  result.errors = boundedErrors(errors);
  const rest = batchShareMs(ports.rate) - (nowMs() - started);
  if (rest > 0) {
    await sleep(rest);
  }
  return result;
}

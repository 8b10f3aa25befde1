/**
 * Options shared by every AWS SDK v3 client: a hard deadline per attempt,
 * a budget for the whole call including retries, and no retry of EFS's
 * TooManyRequests, so a slow API becomes an answer ("unavailable") instead
 * of a timed-out Task, and the 24 h rule is read, never hammered.
 *
 * @smithy/node-http-handler 4.x only logs a warning when `requestTimeout`
 * passes unless `throwOnRequestTimeout` is true (`setRequestTimeout` in
 * its dist-cjs/index.js: "[WARN] a request has exceeded the configured ...
 * Init client requestHandler with throwOnRequestTimeout=true to turn this
 * into an error"). With it, the request is destroyed and the call fails
 * with a `TimeoutError`. That timer runs until the response headers; a
 * body that stalls afterwards is ended by `socketTimeout` (inactivity).
 */
import type {
  RetryErrorInfo,
  RetryStrategyV2,
  RetryToken,
} from '@smithy/types';

/** Per-call limits; the defaults fit the 20 s Lambda timeout. */
export type AwsCallLimits = {
  /** TCP connect. */
  connectionTimeoutMs: number;
  /** One attempt, until the response headers (and idle while reading). */
  attemptTimeoutMs: number;
  /** Attempts, the first included. */
  maxAttempts: number;
  /**
   * No retry starts unless it can finish inside this budget, counted from
   * the first attempt: the worst call lasts about this long.
   */
  callBudgetMs: number;
};

/**
 * The defaults: a call that gets no answer fails after 4 s, one retry at
 * most, and never more than 9 s in all, well under the functions' 20 s
 * timeout (infra/functions.ts FUNCTION_TIMEOUT_SECONDS).
 */
export const AWS_CALL_LIMITS: AwsCallLimits = {
  connectionTimeoutMs: 2_000,
  attemptTimeoutMs: 4_000,
  maxAttempts: 2,
  callBudgetMs: 9_000,
};

/**
 * Errors never retried. EFS answers UpdateFileSystem inside its wait
 * period with 429 `TooManyRequests` (EFS API reference, UpdateFileSystem
 * errors), which the SDK's default strategy treats as throttling and
 * retries; a retry can only be refused the same way until the "Wait
 * until" time it names (re:Post knowledge center,
 * efs-max-throughput-mode-changes), so it is reported instead.
 */
const NEVER_RETRIED = new Set(['TooManyRequests']);

const RETRYABLE: ReadonlySet<RetryErrorInfo['errorType']> = new Set([
  'TRANSIENT',
  'THROTTLING',
  'SERVER_ERROR',
]);

type BudgetToken = RetryToken & { startedMs: number; retries: number };

/**
 * A retry strategy (the SDK's RetryStrategyV2: the client's retry
 * middleware asks it before every retry) with exponential backoff and full
 * jitter, that retries only transient, throttling and server errors, never
 * those in NEVER_RETRIED, and none that could not finish inside the budget.
 */
export function budgetedRetryStrategy(
  limits: AwsCallLimits,
  nowMs: () => number = Date.now,
): RetryStrategyV2 {
  const token = (startedMs: number, retries: number, delayMs: number) =>
    ({
      startedMs,
      retries,
      getRetryCount: () => retries,
      getRetryDelay: () => delayMs,
    }) satisfies BudgetToken;
  return {
    async acquireInitialRetryToken() {
      return token(nowMs(), 0, 0);
    },
    async refreshRetryTokenForRetry(previous, info) {
      const { startedMs, retries } = previous as BudgetToken;
      const name = (info.error as { name?: string } | undefined)?.name ?? '';
      const delayMs = Math.round(Math.random() * 100 * 2 ** retries);
      const finishMs = nowMs() - startedMs + delayMs + limits.attemptTimeoutMs;
      if (
        !RETRYABLE.has(info.errorType) ||
        NEVER_RETRIED.has(name) ||
        retries + 1 >= limits.maxAttempts ||
        finishMs > limits.callBudgetMs
      ) {
        // The retry middleware rethrows the call's own error.
        throw new Error('no retry');
      }
      return token(startedMs, retries + 1, delayMs);
    },
    recordSuccess() {},
  };
}

/**
 * Client options for `new XClient(awsClientOptions(region))`; without a
 * region the SDK reads it from the environment.
 */
export function awsClientOptions(
  region: string | undefined,
  limits: Partial<AwsCallLimits> = {},
) {
  const resolved = { ...AWS_CALL_LIMITS, ...limits };
  return {
    ...(region ? { region } : {}),
    maxAttempts: resolved.maxAttempts,
    retryStrategy: budgetedRetryStrategy(resolved),
    requestHandler: {
      connectionTimeout: resolved.connectionTimeoutMs,
      requestTimeout: resolved.attemptTimeoutMs,
      throwOnRequestTimeout: true,
      socketTimeout: resolved.attemptTimeoutMs,
    },
  };
}

/**
 * The answers of a paginated AWS call: `send` is called with each
 * NextToken the previous answer gave (none at first) until an answer has
 * none or `maxPages` were read, so a service that keeps answering with a
 * token cannot hold the function until its timeout.
 */
export async function* pagesOf<T extends { NextToken?: string | undefined }>(
  maxPages: number,
  send: (nextToken: string | undefined) => Promise<T>,
): AsyncGenerator<T> {
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const out = await send(nextToken);
    yield out;
    nextToken = out.NextToken ?? undefined;
    pages += 1;
  } while (nextToken && pages < maxPages);
}

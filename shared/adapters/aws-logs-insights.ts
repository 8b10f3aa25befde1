/**
 * LogsInsightsPort over the AWS SDK v3 CloudWatch Logs client: StartQuery,
 * then GetQueryResults until the query is Complete, bounded by a deadline
 * after which the query is stopped (StopQuery) so it scans, and bills, no
 * further.
 *
 * CloudWatch Logs API reference: StartQuery takes `logGroupNames` (at most
 * 50), `startTime` and `endTime` in epoch seconds (both inclusive) and
 * `queryString`, and answers a `queryId`; GetQueryResults answers `status`
 * (Scheduled, Running, Complete, Failed, Cancelled, Timeout, Unknown),
 * `results` (rows of `{field, value}`, partial while Running) and
 * `statistics` (`recordsMatched`, `recordsScanned`, `bytesScanned`);
 * StopQuery stops a query in progress and fails if it already ended.
 */
import {
  type CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { GetQueryResultsOutput } from '../domain/aws-shapes.ts';
import { SourceUnavailableError } from '../domain/errors.ts';
import type { LogsInsightsPort } from '../domain/ports.ts';

/** StartQuery's limit on `logGroupNames` (CloudWatch Logs API reference). */
export const MAX_LOG_GROUPS_PER_QUERY = 50;

/**
 * StartQuery's `limit`, the rows a query returns, at its maximum (valid
 * range 1 to 10,000; older API references give 1,000 as the default). A
 * binned count has one row per bin: at most 1,441 on the evidence grid.
 */
export const MAX_RESULT_ROWS = 10_000;

/** Statuses after which GetQueryResults will not change any more. */
const FAILED = new Set(['Failed', 'Cancelled', 'Timeout', 'Unknown']);

export type LogsInsightsOptions = {
  /** Pause between GetQueryResults calls. */
  pollIntervalMs?: number;
  /** For tests: the clock and the pause. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

const realSleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Wraps a CloudWatchLogsClient. */
export function createLogsInsightsPort(
  client: CloudWatchLogsClient,
  options: LogsInsightsOptions = {},
): LogsInsightsPort {
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  return {
    async query({ logGroupNames, queryString, start, end, timeoutMs }) {
      if (logGroupNames.length === 0) {
        throw new RangeError('a Logs Insights query needs a log group');
      }
      if (logGroupNames.length > MAX_LOG_GROUPS_PER_QUERY) {
        throw new RangeError(
          `StartQuery takes at most ${MAX_LOG_GROUPS_PER_QUERY} log groups, got ${logGroupNames.length}`,
        );
      }
      const deadline = now() + timeoutMs;
      // An SDK call never outlives the deadline: the request handler's own
      // timeout only warns (smithy node-http-handler 4.x), an abort stops it.
      const bounded = () =>
        AbortSignal.timeout(Math.max(1, deadline - now()) + 1_000);
      const started = await client.send(
        new StartQueryCommand({
          logGroupNames: [...logGroupNames],
          // Epoch seconds, both ends inclusive: end at the last whole second
          // before the window's exclusive end.
          startTime: Math.floor(start.getTime() / 1000),
          endTime: Math.ceil(end.getTime() / 1000) - 1,
          queryString,
          limit: MAX_RESULT_ROWS,
        }),
        { abortSignal: bounded() },
      );
      const queryId = started.queryId;
      if (!queryId) {
        throw new SourceUnavailableError('StartQuery answered no queryId');
      }
      for (;;) {
        const out = await client.send(new GetQueryResultsCommand({ queryId }), {
          abortSignal: bounded(),
        });
        const status = out.status ?? 'Unknown';
        if (status === 'Complete') {
          return {
            results: (out.results ?? []).map((row) =>
              row.map((f) => ({ field: f.field, value: f.value })),
            ),
            ...(out.statistics ? { statistics: { ...out.statistics } } : {}),
            status,
          } satisfies GetQueryResultsOutput;
        }
        if (FAILED.has(status)) {
          throw new SourceUnavailableError(
            `Logs Insights query ${queryId} ended ${status}`,
          );
        }
        // Scheduled or Running: wait, unless the next look would be late.
        if (now() + pollIntervalMs > deadline) {
          await client
            .send(new StopQueryCommand({ queryId }), {
              abortSignal: AbortSignal.timeout(2_000),
            })
            .catch(() => undefined);
          throw new SourceUnavailableError(
            `Logs Insights query still ${status} after ${Math.round(timeoutMs / 1000)} s; stopped it`,
          );
        }
        await sleep(pollIntervalMs);
      }
    },
  };
}

/**
 * MetricsPort over the AWS SDK v3 CloudWatch client: one GetMetricData
 * request for every series, following NextToken.
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataResult as SdkResult,
} from '@aws-sdk/client-cloudwatch';
import type { MetricDataResult } from '../domain/aws-shapes.ts';
import type { MetricsPort } from '../domain/ports.ts';
import { pagesOf } from './aws-clients.ts';

/** GetMetricData takes at most 500 queries per call (CloudWatch API). */
const MAX_QUERIES = 500;
/** Pages followed before giving up; a window needs a handful at most. */
const MAX_PAGES = 50;

/** Merges the pages of one Id: values and timestamps appended in order. */
function merge(into: Map<string, MetricDataResult>, page: SdkResult[]) {
  for (const result of page) {
    if (!result.Id) continue;
    let seen = into.get(result.Id);
    if (!seen) {
      seen = {
        Id: result.Id,
        Label: result.Label,
        Timestamps: [],
        Values: [],
        StatusCode: undefined,
      };
      into.set(result.Id, seen);
    }
    seen.Timestamps?.push(...(result.Timestamps ?? []));
    seen.Values?.push(...(result.Values ?? []));
    // PartialData says more pages follow (CloudWatch API reference,
    // MetricDataResult: "You can use the NextToken value ... to get more
    // data points"), so the last page's status is the series' status; an
    // InternalError or Forbidden on any page stays.
    if (
      result.StatusCode &&
      seen.StatusCode !== 'InternalError' &&
      seen.StatusCode !== 'Forbidden'
    ) {
      seen.StatusCode = result.StatusCode;
    }
  }
}

/** Wraps a CloudWatchClient. */
export function createMetricsPort(client: CloudWatchClient): MetricsPort {
  return {
    async getMetricData({ queries, start, end, periodSeconds }) {
      if (queries.length > MAX_QUERIES) {
        throw new RangeError(
          `GetMetricData takes at most ${MAX_QUERIES} queries, got ${queries.length}`,
        );
      }
      const results = new Map<string, MetricDataResult>();
      const pages = pagesOf(MAX_PAGES, (nextToken) =>
        client.send(
          new GetMetricDataCommand({
            StartTime: start,
            EndTime: end,
            ScanBy: 'TimestampAscending',
            NextToken: nextToken,
            MetricDataQueries: queries.map((q) => ({
              Id: q.id,
              Label: q.label,
              ReturnData: true,
              MetricStat: {
                Metric: {
                  Namespace: q.namespace,
                  MetricName: q.metricName,
                  Dimensions: Object.entries(q.dimensions).map(
                    ([Name, Value]) => ({ Name, Value }),
                  ),
                },
                Period: periodSeconds,
                Stat: q.stat,
              },
            })),
          }),
        ),
      );
      for await (const out of pages) {
        merge(results, out.MetricDataResults ?? []);
      }
      return [...results.values()];
    },
  };
}

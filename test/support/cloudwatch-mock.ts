/**
 * GetMetricData answered as CloudWatch answers it, for aws-sdk-client-mock:
 * the test holds 1-minute datapoints per metric, and the mock aggregates
 * them to the requested Period and statistic, orders them by ScanBy, and
 * pages by MaxDatapoints with NextToken. From the CloudWatch API reference:
 *
 * - GetMetricData: at most 500 queries; MaxDatapoints defaults to 100,800;
 *   ScanBy `TimestampDescending` (the default) or `TimestampAscending`;
 *   StartTime inclusive, EndTime exclusive; StartTime is rounded down to the
 *   minute when less than 15 days ago, to 5 minutes between 15 and 63 days,
 *   to the hour beyond; data older than 15 days needs a Period that is a
 *   multiple of 300 and older than 63 days of 3,600, "or no data points in
 *   that time range is returned".
 * - MetricStat: Period a multiple of 60 for standard-resolution metrics.
 * - MetricDataQuery: Id starts with a lowercase letter.
 * - MetricDataResult: `PartialData` "means that an incomplete set of data
 *   points were returned. You can use the NextToken value that was returned
 *   and repeat your request to get more data points."
 *
 * Bad requests are refused with a ValidationError, as the service does.
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type GetMetricDataCommandOutput,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/** One minute of a metric, as a statistic set (one sample by default). */
export type MinuteDatapoint = {
  at: Date;
  /** The value of a single sample; or give the statistic set below. */
  value?: number;
  sum?: number;
  min?: number;
  max?: number;
  count?: number;
};

/** A metric the mock holds: namespace, name, dimensions, minutes. */
export type HeldMetric = {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  minutes: MinuteDatapoint[];
};

const DAY_MS = 24 * 3600_000;
const DEFAULT_MAX_DATAPOINTS = 100_800;

function validation(message: string): Error {
  return Object.assign(new Error(message), {
    name: 'ValidationError',
    $metadata: { httpStatusCode: 400 },
  });
}

function keyOf(
  namespace: string | undefined,
  metricName: string | undefined,
  dimensions: Record<string, string>,
): string {
  const dims = Object.keys(dimensions)
    .sort()
    .map((k) => `${k}=${dimensions[k]}`)
    .join(',');
  return `${namespace}|${metricName}|${dims}`;
}

type Bucket = { sum: number; min: number; max: number; count: number };

function statistic(stat: string, b: Bucket): number {
  switch (stat) {
    case 'Sum':
      return b.sum;
    case 'Average':
      return b.sum / b.count;
    case 'Minimum':
      return b.min;
    case 'Maximum':
      return b.max;
    case 'SampleCount':
      return b.count;
    default:
      throw validation(`this mock does not compute the statistic ${stat}`);
  }
}

/** The page a NextToken points at: the query and datapoint to start from. */
type Cursor = { query: number; point: number };

/**
 * Answers GetMetricData on `mock` from `metrics`. `now` is the service's
 * clock, for retention and StartTime rounding.
 */
export function mockGetMetricData(
  mock: AwsClientStub<CloudWatchClient>,
  metrics: HeldMetric[],
  options: {
    now: Date;
    /**
     * The service may page before MaxDatapoints (the API reference gives no
     * page size): at most this many datapoints a page.
     */
    pageDatapoints?: number;
  },
): { requests: GetMetricDataCommandInput[] } {
  const requests: GetMetricDataCommandInput[] = [];
  const held = new Map(
    metrics.map((m) => [keyOf(m.namespace, m.metricName, m.dimensions), m]),
  );
  mock
    .on(GetMetricDataCommand)
    .callsFake((input: GetMetricDataCommandInput) => {
      requests.push(input);
      return answer(input, held, options.now, options.pageDatapoints);
    });
  return { requests };
}

function answer(
  input: GetMetricDataCommandInput,
  held: Map<string, HeldMetric>,
  now: Date,
  pageDatapoints = Number.POSITIVE_INFINITY,
): GetMetricDataCommandOutput {
  const queries = input.MetricDataQueries ?? [];
  if (queries.length === 0 || queries.length > 500) {
    throw validation('MetricDataQueries must hold 1 to 500 queries');
  }
  if (!input.StartTime || !input.EndTime) {
    throw validation('StartTime and EndTime are required');
  }
  const startMs = new Date(input.StartTime).getTime();
  const endMs = new Date(input.EndTime).getTime();
  if (startMs >= endMs) {
    throw validation('The parameter StartTime must be less than EndTime');
  }
  const age = now.getTime() - startMs;
  const rounding =
    age > 63 * DAY_MS ? 3600_000 : age > 15 * DAY_MS ? 300_000 : 60_000;
  const start = Math.floor(startMs / rounding) * rounding;
  const scanBy = input.ScanBy ?? 'TimestampDescending';
  const maxDatapoints = Math.min(
    input.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS,
    pageDatapoints,
  );

  const series = queries.map((q) => {
    if (!q.Id || !/^[a-z][A-Za-z0-9_]*$/.test(q.Id)) {
      throw validation(`The value ${q.Id} for parameter Id is invalid`);
    }
    const stat = q.MetricStat;
    if (!stat?.Metric) {
      throw validation('this mock answers MetricStat queries only');
    }
    const period = stat.Period ?? 0;
    if (period <= 0 || period % 60 !== 0) {
      throw validation('The parameter Period must be a multiple of 60');
    }
    const dims: Record<string, string> = {};
    for (const d of stat.Metric.Dimensions ?? []) {
      dims[d.Name ?? ''] = d.Value ?? '';
    }
    const metric = held.get(
      keyOf(stat.Metric.Namespace, stat.Metric.MetricName, dims),
    );
    // Retention: coarser data only, once the finer is gone.
    const retained =
      (age <= 15 * DAY_MS || period % 300 === 0) &&
      (age <= 63 * DAY_MS || period % 3600 === 0);
    const buckets = new Map<number, Bucket>();
    for (const m of retained ? (metric?.minutes ?? []) : []) {
      const t = m.at.getTime();
      if (t < start || t >= endMs) continue;
      const slot =
        start + Math.floor((t - start) / (period * 1000)) * period * 1000;
      const sum = m.sum ?? m.value ?? 0;
      const b = buckets.get(slot) ?? {
        sum: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
        count: 0,
      };
      b.sum += sum;
      b.min = Math.min(b.min, m.min ?? m.value ?? sum);
      b.max = Math.max(b.max, m.max ?? m.value ?? sum);
      b.count += m.count ?? 1;
      buckets.set(slot, b);
    }
    const slots = [...buckets.keys()].sort((a, b) =>
      scanBy === 'TimestampAscending' ? a - b : b - a,
    );
    return {
      id: q.Id,
      label: q.Label ?? stat.Metric.MetricName,
      points: slots.map((s) => ({
        t: new Date(s),
        v: statistic(stat.Stat ?? '', buckets.get(s) as Bucket),
      })),
    };
  });

  // Pages: datapoints query by query, at most MaxDatapoints a page.
  const cursor: Cursor = input.NextToken
    ? (JSON.parse(
        Buffer.from(input.NextToken, 'base64url').toString('utf8'),
      ) as Cursor)
    : { query: 0, point: 0 };
  let room = maxDatapoints;
  const results: MetricDataResult[] = [];
  let next: Cursor | undefined;
  for (let qi = cursor.query; qi < series.length; qi++) {
    const s = series[qi] as (typeof series)[number];
    const from = qi === cursor.query ? cursor.point : 0;
    if (room === 0) {
      next = { query: qi, point: from };
      break;
    }
    const taken = s.points.slice(from, from + room);
    room -= taken.length;
    const done = from + taken.length >= s.points.length;
    results.push({
      Id: s.id,
      Label: s.label,
      Timestamps: taken.map((p) => p.t),
      Values: taken.map((p) => p.v),
      StatusCode: done ? 'Complete' : 'PartialData',
    });
    if (!done) {
      next = { query: qi, point: from + taken.length };
      break;
    }
  }
  return {
    MetricDataResults: results,
    Messages: [],
    ...(next
      ? {
          NextToken: Buffer.from(JSON.stringify(next)).toString('base64url'),
        }
      : {}),
    $metadata: { httpStatusCode: 200 },
  };
}

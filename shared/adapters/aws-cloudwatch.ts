/**
 * MetricsPort over the AWS SDK v3 CloudWatch client: one GetMetricData
 * request for every series, following NextToken. ChartPort over
 * GetMetricWidgetImage: one PNG per incident chart.
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  GetMetricWidgetImageCommand,
  type MetricDataResult as SdkResult,
} from '@aws-sdk/client-cloudwatch';
import type { MetricDataResult } from '../domain/aws-shapes.ts';
import type { ChartPort, IncidentChart, MetricsPort } from '../domain/ports.ts';

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

/** Pixels of a chart image; Slack shows it in the thread at this size. */
const CHART_WIDTH_PX = 800;
const CHART_HEIGHT_PX = 360;

/**
 * The MetricWidget JSON of a chart (CloudWatch API reference,
 * "GetMetricWidgetImage: Metric Widget Structure and Syntax",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Metric-Widget-Structure.html).
 * Each raw metric is one `metrics` entry, `[Namespace, MetricName,
 * DimensionName, DimensionValue, ..., {rendering properties}]`, hidden
 * (`visible: false`); what is drawn is a metric math expression over it,
 * `{expression, id, label}`, with the same arithmetic the local drawing
 * applies (chartValue). The incident window is a vertical band: an array
 * of two annotation objects, the start with the label and the end.
 */
export function metricWidget(chart: IncidentChart): Record<string, unknown> {
  const metrics: unknown[][] = [];
  for (const line of chart.lines) {
    const { metric } = line;
    metrics.push([
      metric.namespace,
      metric.metricName,
      ...Object.entries(metric.dimensions).flat(),
      { id: metric.id, stat: metric.stat, visible: false },
    ]);
  }
  for (const line of chart.lines) {
    const scaled = `${line.metric.id}/${line.divisor}`;
    metrics.push([
      {
        expression: line.perSecond
          ? `(${scaled})/PERIOD(${line.metric.id})`
          : scaled,
        id: line.id,
        label: line.label,
      },
    ]);
  }
  return {
    title: chart.title,
    view: 'timeSeries',
    stacked: false,
    region: chart.region,
    start: chart.start,
    end: chart.end,
    period: chart.periodSeconds,
    width: CHART_WIDTH_PX,
    height: CHART_HEIGHT_PX,
    metrics,
    yAxis: { left: { label: chart.unit, min: 0, showUnits: false } },
    annotations: {
      vertical: [
        [
          {
            label: chart.bandLabel ?? 'incident window',
            value: chart.window.start,
          },
          { value: chart.window.end },
        ],
      ],
      // A mode's limit as a horizontal annotation, `{label, value}` (same
      // reference, "annotations": horizontal).
      ...(chart.limits?.length
        ? {
            horizontal: chart.limits.map((l) => ({
              label: l.label,
              value: l.value,
            })),
          }
        : {}),
    },
    legend: { position: 'bottom' },
  };
}

/**
 * GetMetricWidgetImage over a CloudWatchClient built with
 * awsClientOptions, whose per-attempt timeout and call budget bound every
 * image like every other call. The answer's `MetricWidgetImage` is the PNG
 * (CloudWatch API reference, GetMetricWidgetImage: "The image of the
 * graph, in the output format specified").
 */
export function createChartPort(client: CloudWatchClient): ChartPort {
  return {
    async renderChart(chart) {
      const out = await client.send(
        new GetMetricWidgetImageCommand({
          MetricWidget: JSON.stringify(metricWidget(chart)),
          OutputFormat: 'png',
        }),
      );
      if (!out.MetricWidgetImage || out.MetricWidgetImage.length === 0) {
        throw new Error('GetMetricWidgetImage answered without an image');
      }
      return out.MetricWidgetImage;
    },
  };
}

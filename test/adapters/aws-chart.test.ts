/**
 * The incident charts on AWS: CloudWatch GetMetricWidgetImage, one PNG per
 * chart. The request's MetricWidget is checked against the CloudWatch API
 * reference, "GetMetricWidgetImage: Metric Widget Structure and Syntax"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Metric-Widget-Structure.html):
 * `metrics` is an array of arrays, a metric being `[Namespace, MetricName,
 * DimensionName, DimensionValue, ..., {rendering properties}]` and an
 * expression `[{expression, id, label}]`; `annotations.vertical` holds a
 * band as an array of two objects (`value` with the start, the optional
 * `label`, and the end); `start` and `end` are absolute ISO 8601 times;
 * `period` is in seconds. The answer's MetricWidgetImage is the PNG
 * (GetMetricWidgetImage API reference, "Response Elements").
 */
import {
  CloudWatchClient,
  GetMetricWidgetImageCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { UTILIZATION_EXPRESSIONS } from '../../infra/alarms.ts';
import {
  createChartPort,
  metricWidget,
} from '../../shared/adapters/aws-cloudwatch.ts';
import { chartValue, incidentCharts } from '../../shared/domain/charts.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { manualTrigger } from '../fixtures/inputs.ts';

const cwMock = mockClient(CloudWatchClient);
afterEach(() => cwMock.reset());

const END = new Date('2026-11-23T03:12:00Z');
const TRIGGER = manualTrigger(END, { windowMinutes: 60 });
const CHARTS = incidentCharts(TRIGGER, {
  langfuseMetricNamespace: 'Burstguard/Langfuse',
});
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chartNamed(name: string) {
  const chart = CHARTS.find((c) => c.name === name);
  if (!chart) throw new Error(`no chart ${name}`);
  return chart;
}

type Entry = (string | Record<string, unknown>)[];

describe('metricWidget', () => {
  it('draws metered against permitted throughput with the console metric math', () => {
    // Prepare
    const widget = metricWidget(chartNamed('throughput'));

    // Act
    const metrics = widget.metrics as Entry[];
    const raw = metrics.filter((m) => typeof m[0] === 'string');
    const expressions = metrics
      .filter((m) => typeof m[0] === 'object')
      .map((m) => m[0] as Record<string, string>);

    // Assess: raw metrics hidden, each named by namespace, metric name and
    // the FileSystemId dimension, with its statistic.
    expect(raw).toEqual([
      [
        'AWS/EFS',
        'MeteredIOBytes',
        'FileSystemId',
        FS_ID,
        { id: 'metered_io_bytes', stat: 'Sum', visible: false },
      ],
      [
        'AWS/EFS',
        'PermittedThroughput',
        'FileSystemId',
        FS_ID,
        { id: 'permitted_throughput', stat: 'Average', visible: false },
      ],
    ]);
    // The same math as the throughput alarm (infra/alarms.ts), with the
    // alarm's m1/m2 named by the chart's Ids.
    const asAlarm = (e: string | undefined) =>
      e
        ?.replaceAll('metered_io_bytes', 'm1')
        .replaceAll('permitted_throughput', 'm2');
    expect(expressions.map((e) => asAlarm(e.expression))).toEqual([
      UTILIZATION_EXPRESSIONS.e1,
      UTILIZATION_EXPRESSIONS.e2,
    ]);
    expect(expressions.map((e) => [e.id, e.label])).toEqual([
      ['metered', 'Metered throughput'],
      ['permitted', 'Permitted throughput'],
    ]);
  });

  it('marks the incident window as a vertical band over an absolute range and period', () => {
    // Prepare / Act
    const widget = metricWidget(chartNamed('burst-credits'));

    // Assess
    expect(widget).toMatchObject({
      view: 'timeSeries',
      stacked: false,
      region: 'us-east-1',
      // One window before the incident window, then the window.
      start: '2026-11-23T01:12:00.000Z',
      end: '2026-11-23T03:12:00.000Z',
      period: 60,
      width: 800,
      height: 360,
      yAxis: { left: { label: 'GiB', min: 0 } },
      annotations: {
        vertical: [
          [
            { label: 'incident window', value: '2026-11-23T02:12:00.000Z' },
            { value: '2026-11-23T03:12:00.000Z' },
          ],
        ],
      },
    });
    expect(widget.metrics).toEqual([
      [
        'AWS/EFS',
        'BurstCreditBalance',
        'FileSystemId',
        FS_ID,
        { id: 'burst_credit_balance', stat: 'Minimum', visible: false },
      ],
      [
        {
          expression: 'burst_credit_balance/1073741824',
          id: 'credits',
          label: 'Burst credit balance',
        },
      ],
    ]);
  });

  it('draws the Langfuse series from their namespaces, without dimensions', () => {
    // Prepare / Act
    const widget = metricWidget(chartNamed('langfuse-errors'));

    // Assess
    const raw = (widget.metrics as Entry[]).filter(
      (m) => typeof m[0] === 'string',
    );
    expect(raw).toEqual([
      [
        `Burstguard/Langfuse/${FS_ID}`,
        'DroppedRecords',
        { id: 'langfuse_dropped_records', stat: 'Sum', visible: false },
      ],
      [
        `Burstguard/Langfuse/${FS_ID}`,
        'ClickHouseWriteTimeouts',
        { id: 'langfuse_clickhouse_timeouts', stat: 'Sum', visible: false },
      ],
      [
        'Langfuse',
        'langfuse.queue.clickhouse_writer.error',
        { id: 'langfuse_writer_errors', stat: 'Sum', visible: false },
      ],
    ]);
  });

  it('asks CloudWatch for what the local drawing computes, value for value', () => {
    // Prepare: one raw datapoint per line, the period 60 s.
    const raw = 123_456_789;
    for (const chart of CHARTS) {
      const widget = metricWidget(chart);
      const expressions = (widget.metrics as Entry[])
        .filter((m) => typeof m[0] === 'object')
        .map((m) => (m[0] as { expression: string }).expression);

      // Act: evaluate each expression as CloudWatch would for that value.
      const evaluated = expressions.map((expression, i) => {
        const id = chart.lines[i]?.metric.id ?? '';
        const arithmetic = expression
          .replaceAll(`PERIOD(${id})`, String(chart.periodSeconds))
          .replaceAll(id, String(raw));
        expect(arithmetic).toMatch(/^[\d()/. ]+$/);
        return Function(`return ${arithmetic}`)() as number;
      });

      // Assess
      expect(evaluated, chart.name).toEqual(
        chart.lines.map((line) => chartValue(line, raw, chart.periodSeconds)),
      );
    }
  });

  it('keeps every chart within the 100 metrics GetMetricWidgetImage takes', () => {
    for (const chart of CHARTS) {
      expect(
        (metricWidget(chart).metrics as unknown[]).length,
      ).toBeLessThanOrEqual(100);
    }
  });
});

describe('createChartPort', () => {
  it('sends the MetricWidget as a JSON string, asks for PNG, and answers the image', async () => {
    // Prepare
    cwMock.on(GetMetricWidgetImageCommand).resolves({ MetricWidgetImage: PNG });
    const port = createChartPort(new CloudWatchClient({ region: 'us-east-1' }));
    const chart = chartNamed('throughput');

    // Act
    const image = await port.renderChart(chart);

    // Assess
    expect(image).toEqual(PNG);
    const calls = cwMock.commandCalls(GetMetricWidgetImageCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.OutputFormat).toBe('png');
    expect(JSON.parse(input?.MetricWidget ?? '')).toEqual(metricWidget(chart));
  });

  it('fails when CloudWatch answers without an image', async () => {
    // Prepare
    cwMock.on(GetMetricWidgetImageCommand).resolves({});
    const port = createChartPort(new CloudWatchClient({ region: 'us-east-1' }));

    // Act / Assess
    await expect(port.renderChart(chartNamed('throughput'))).rejects.toThrow(
      'GetMetricWidgetImage answered without an image',
    );
  });
});

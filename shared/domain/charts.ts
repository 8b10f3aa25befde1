/**
 * The incident's charts, as data: which series each shows, in which unit,
 * over which time range, with the incident window marked. CloudWatch draws
 * them on AWS (GetMetricWidgetImage, shared/adapters/aws-cloudwatch.ts);
 * `demo` and `replay` draw the same lines from the recording
 * (local/chart.ts). Both apply the same arithmetic to each series. The
 * chart types live in ports.ts, beside ChartPort.
 */
import type { Trigger } from './contracts.ts';
import type { ChartLine, IncidentChart, MetricQuery } from './ports.ts';
import { efsQueries } from './sources/efs.ts';
import { langfuseQueries } from './sources/langfuse.ts';

const MIB = 1_048_576;
const GIB = 1_073_741_824;

/** The value a line shows for one raw datapoint. */
export function chartValue(
  line: ChartLine,
  raw: number,
  periodSeconds: number,
): number {
  const scaled = raw / line.divisor;
  return line.perSecond ? scaled / periodSeconds : scaled;
}

function byId(queries: MetricQuery[], id: string): MetricQuery {
  const query = queries.find((q) => q.id === id);
  if (!query) throw new Error(`no metric query with Id ${id}`);
  return query;
}

/**
 * The charts of an incident: EFS throughput (metered against permitted),
 * the burst credit balance, and Langfuse's error series. The range starts
 * one window before the incident window, so the chart shows what normal
 * looked like, and ends with the window.
 */
export function incidentCharts(
  trigger: Trigger,
  options: { langfuseMetricNamespace: string; periodSeconds?: number },
): IncidentChart[] {
  const efs = efsQueries(trigger.fileSystemId);
  const langfuse = langfuseQueries(
    options.langfuseMetricNamespace,
    trigger.fileSystemId,
  );
  const windowMs =
    Date.parse(trigger.windowEnd) - Date.parse(trigger.windowStart);
  const common = {
    region: trigger.region,
    start: new Date(Date.parse(trigger.windowStart) - windowMs).toISOString(),
    end: trigger.windowEnd,
    periodSeconds: options.periodSeconds ?? 60,
    window: { start: trigger.windowStart, end: trigger.windowEnd },
  };
  const id = trigger.fileSystemId;
  return [
    {
      ...common,
      name: 'throughput',
      title: `EFS throughput, ${id}`,
      unit: 'MiB/s',
      lines: [
        {
          metric: byId(efs, 'metered_io_bytes'),
          id: 'metered',
          label: 'Metered throughput',
          divisor: MIB,
          perSecond: true,
        },
        {
          metric: byId(efs, 'permitted_throughput'),
          id: 'permitted',
          label: 'Permitted throughput',
          divisor: MIB,
          perSecond: false,
        },
      ],
    },
    {
      ...common,
      name: 'burst-credits',
      title: `EFS burst credit balance, ${id}`,
      unit: 'GiB',
      lines: [
        {
          metric: byId(efs, 'burst_credit_balance'),
          id: 'credits',
          label: 'Burst credit balance',
          divisor: GIB,
          perSecond: false,
        },
      ],
    },
    {
      ...common,
      name: 'langfuse-errors',
      title: `Langfuse write errors, ${id}`,
      unit: 'per period',
      lines: langfuse.map((metric) => ({
        metric,
        id: `${metric.id.replace(/^langfuse_/, '')}`,
        label: metric.label ?? metric.metricName,
        divisor: 1,
        perSecond: false,
      })),
    },
  ];
}

/**
 * The digest's chart of one file system: its metered demand over the
 * advised days (MeteredIOBytes, as the EFS console computes throughput:
 * Sum / 1048576 / PERIOD, in MiB/s) against each mode's limit: the
 * recommended (or sized) Provisioned throughput, the Bursting baseline it
 * falls to at zero credits, and its burst rate. Elastic's limit (GiB/s) is
 * off the scale and not drawn. The last 7 days are shaded: the week that
 * is new since the last digest.
 */
import type { IncidentChart } from '../ports.ts';
import type { Advice } from './advise.ts';

const MiB = 1024 * 1024;

/** Five-minute points: 14 days are 4,032 per line, one widget. */
export const ADVICE_CHART_PERIOD_SECONDS = 300;

export function adviceChart(
  advice: Advice,
  region: string,
  limits: { baselineBytesPerSecond: number; burstBytesPerSecond: number },
): IncidentChart {
  const provisioned =
    advice.recommendation.provisionedMibps ??
    advice.modes.find((m) => m.mode === 'provisioned')?.provisionedMibps;
  const end = advice.window.end;
  const weekStart = new Date(
    Math.max(Date.parse(advice.window.start), Date.parse(end) - 7 * 86_400_000),
  ).toISOString();
  return {
    name: `${advice.fileSystemId}-modes`,
    title: `${advice.fileSystemId}: demand against each mode's limit`,
    unit: 'MiB/s',
    region,
    start: advice.window.start,
    end,
    periodSeconds: ADVICE_CHART_PERIOD_SECONDS,
    window: { start: weekStart, end },
    bandLabel: 'this week',
    lines: [
      {
        id: 'demand',
        label: 'metered demand',
        divisor: MiB,
        perSecond: true,
        metric: {
          id: 'metered_io_bytes',
          namespace: 'AWS/EFS',
          metricName: 'MeteredIOBytes',
          dimensions: { FileSystemId: advice.fileSystemId },
          stat: 'Sum',
        },
      },
    ],
    limits: [
      ...(provisioned
        ? [{ label: `Provisioned ${provisioned} MiB/s`, value: provisioned }]
        : []),
      {
        label: 'Bursting baseline (no credits)',
        value: Math.round((limits.baselineBytesPerSecond / MiB) * 100) / 100,
      },
      {
        label: 'Bursting burst rate',
        value: Math.round(limits.burstBytesPerSecond / MiB),
      },
    ],
  };
}

/**
 * The incident charts drawn locally (`demo`, `replay`), where no
 * CloudWatch draws them: the same lines as GetMetricWidgetImage draws on
 * AWS (shared/domain/charts.ts), read through the run's MetricsPort, drawn
 * by Chart.js on a Skia canvas (@napi-rs/canvas) and encoded as PNG.
 *
 * Text needs a font, and a machine may have none installed: the DejaVu
 * Sans TrueType file comes from the `dejavu-fonts-ttf` package and is
 * registered with the canvas under its own family name, which every text
 * of the chart names. Nothing here is bundled into a Lambda: on AWS the
 * image comes from CloudWatch.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import {
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  type Plugin,
  PointElement,
  Title,
} from 'chart.js';
import { toEpochMs } from '../shared/domain/aws-shapes.ts';
import { chartValue } from '../shared/domain/charts.ts';
import type {
  ChartPort,
  IncidentChart,
  MetricsPort,
} from '../shared/domain/ports.ts';

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  Legend,
  Title,
);

/** The family every text of a chart is set in. */
export const CHART_FONT_FAMILY = 'DejaVu Sans';

/** The same size GetMetricWidgetImage is asked for. */
export const LOCAL_CHART_SIZE = { widthPx: 800, heightPx: 360 } as const;

/** CloudWatch's default palette, so a local chart reads like the real one. */
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];

let fontRegistered = false;

/** Registers the packaged DejaVu Sans once; throws when it cannot. */
function registerFont(): void {
  if (fontRegistered) return;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('dejavu-fonts-ttf/package.json'));
  const key = GlobalFonts.registerFromPath(
    join(dir, 'ttf', 'DejaVuSans.ttf'),
    CHART_FONT_FAMILY,
  );
  if (!key) throw new Error('could not load the DejaVu Sans font');
  fontRegistered = true;
}

export type ChartPoint = { x: number; y: number };

/** Tick steps a reader counts in, in minutes. */
const TICK_STEPS_MINUTES = [1, 5, 10, 15, 30, 60, 120, 360, 720, 1440];

/** The smallest round step that leaves at most 8 ticks on the range. */
function tickStepMs(rangeMs: number): number {
  const minutes =
    TICK_STEPS_MINUTES.find((step) => rangeMs / (step * 60_000) <= 8) ??
    TICK_STEPS_MINUTES[TICK_STEPS_MINUTES.length - 1];
  return (minutes ?? 1440) * 60_000;
}

/** `HH:MM` in UTC, as the axis labels read. */
function clockLabel(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/**
 * Shades the incident window behind the lines, with its label: the local
 * form of the vertical annotation band the widget asks CloudWatch for.
 */
function windowBand(window: {
  startMs: number;
  endMs: number;
  label: string;
}): Plugin {
  return {
    id: 'incidentWindow',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      const x = scales.x;
      if (!x) return;
      const left = Math.max(chartArea.left, x.getPixelForValue(window.startMs));
      const right = Math.min(chartArea.right, x.getPixelForValue(window.endMs));
      if (right <= left) return;
      ctx.save();
      ctx.fillStyle = 'rgba(255, 127, 14, 0.15)';
      ctx.fillRect(left, chartArea.top, right - left, chartArea.height);
      ctx.fillStyle = '#8a4b08';
      ctx.font = `11px "${CHART_FONT_FAMILY}"`;
      ctx.fillText(window.label, left + 4, chartArea.top + 12);
      ctx.restore();
    },
  };
}

/** A white background: a PNG's transparent pixels show black in some viewers. */
const whiteBackground: Plugin = {
  id: 'whiteBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/**
 * Draws a chart from its lines' points (x in epoch ms, y already in the
 * chart's unit) and answers the PNG.
 */
export async function drawChartPng(
  chart: IncidentChart,
  points: ChartPoint[][],
): Promise<Uint8Array> {
  registerFont();
  const { widthPx, heightPx } = LOCAL_CHART_SIZE;
  const canvas = createCanvas(widthPx, heightPx);
  const font = { family: CHART_FONT_FAMILY };
  const config: ChartConfiguration<'line', ChartPoint[]> = {
    type: 'line',
    data: {
      datasets: [
        ...chart.lines.map((line, i) => ({
          label: line.label,
          data: points[i] ?? [],
          borderColor: COLORS[i % COLORS.length],
          backgroundColor: COLORS[i % COLORS.length],
          borderWidth: 2,
          pointRadius: 0,
          spanGaps: false,
        })),
        // A mode's limit: a dashed flat line across the range, the local
        // form of the widget's horizontal annotation.
        ...(chart.limits ?? []).map((limit, k) => {
          const color = COLORS[(chart.lines.length + k) % COLORS.length];
          return {
            label: limit.label,
            data: [
              { x: Date.parse(chart.start), y: limit.value },
              { x: Date.parse(chart.end), y: limit.value },
            ],
            borderColor: color,
            backgroundColor: color,
            borderWidth: 1,
            borderDash: [6, 4],
            pointRadius: 0,
            spanGaps: false,
          };
        }),
      ],
    },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      parsing: false,
      font,
      scales: {
        x: {
          type: 'linear',
          min: Date.parse(chart.start),
          max: Date.parse(chart.end),
          ticks: {
            stepSize: tickStepMs(
              Date.parse(chart.end) - Date.parse(chart.start),
            ),
            callback: (value) => clockLabel(Number(value)),
            font,
          },
          title: { display: true, text: 'UTC', font },
        },
        y: {
          type: 'linear',
          beginAtZero: true,
          ticks: { font },
          title: { display: true, text: chart.unit, font },
        },
      },
      plugins: {
        title: {
          display: true,
          text: chart.title,
          font: { ...font, size: 14 },
        },
        legend: { position: 'bottom', labels: { font } },
      },
    },
    plugins: [
      whiteBackground,
      windowBand({
        startMs: Date.parse(chart.window.start),
        endMs: Date.parse(chart.window.end),
        label: chart.bandLabel ?? 'incident window',
      }),
    ],
  };
  // Chart.js runs on any object with getContext('2d') when there is no
  // DOM (its BasicPlatform); the Skia canvas is one.
  const drawn = new Chart(canvas as never, config);
  try {
    return await canvas.encode('png');
  } finally {
    drawn.destroy();
  }
}

/**
 * A ChartPort that reads each chart's metrics through `metrics` (in a local
 * run, the recording) over the chart's range, applies the lines' arithmetic
 * and draws the PNG.
 */
export function createLocalChartPort(metrics: MetricsPort): ChartPort {
  return {
    async renderChart(chart) {
      const periodSeconds = metrics.resolutionSeconds ?? chart.periodSeconds;
      const results = await metrics.getMetricData({
        queries: chart.lines.map((line) => line.metric),
        start: new Date(chart.start),
        end: new Date(chart.end),
        periodSeconds,
      });
      const points = chart.lines.map((line) => {
        const result = results.find((r) => r.Id === line.metric.id);
        const times = result?.Timestamps ?? [];
        const values = result?.Values ?? [];
        return times
          .map((t, i) => ({
            x: toEpochMs(t),
            y: chartValue(line, values[i] ?? Number.NaN, periodSeconds),
          }))
          .filter((p) => Number.isFinite(p.y))
          .sort((a, b) => a.x - b.x);
      });
      // A recording holds its own window only: the range starts where its
      // data does, not on an empty stretch before it.
      const firstMs = Math.min(
        ...points.flat().map((p) => p.x),
        Date.parse(chart.window.start),
      );
      const startMs = Math.max(Date.parse(chart.start), firstMs);
      return drawChartPng(
        { ...chart, start: new Date(startMs).toISOString() },
        points,
      );
    },
  };
}

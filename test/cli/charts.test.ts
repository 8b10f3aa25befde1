/**
 * The incident charts of a local run: drawn from the recording by Chart.js
 * on a Skia canvas, written as PNG files, listed in `--json` as `charts`
 * and in the thread. A PNG starts with its 8-byte signature and an IHDR
 * chunk holding width and height as big-endian 32-bit integers (PNG
 * specification, W3C, sections 5.2 "PNG signature" and 11.2.2 "IHDR").
 */
import { readFile } from 'node:fs/promises';
import { createCanvas, GlobalFonts, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import {
  CHART_FONT_FAMILY,
  createLocalChartPort,
  LOCAL_CHART_SIZE,
} from '../../local/chart.ts';
import { recordingMetricsPort } from '../../local/recorded-ports.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import { incidentCharts } from '../../shared/domain/charts.ts';
import { manualTrigger } from '../fixtures/inputs.ts';
import { replayScenario, useTempDirs } from '../support/io.ts';

const END = new Date('2026-11-23T03:12:00Z');
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const tempDir = useTempDirs();

/** Width and height from the IHDR chunk, which must come first. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = Buffer.from(png);
  expect([...view.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect(view.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}

/** The decoded pixels, RGBA. */
async function pixels(png: Uint8Array) {
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, image.width, image.height).data;
  return {
    at(x: number, y: number): [number, number, number] {
      const i = (y * image.width + x) * 4;
      return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
    },
    count(match: (rgb: [number, number, number]) => boolean): number {
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (match([data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0])) n++;
      }
      return n;
    },
  };
}

const near = (a: number[], b: number[], tolerance = 12) =>
  a.every((v, i) => Math.abs(v - (b[i] ?? 0)) <= tolerance);

describe('local incident charts', () => {
  const recording = simulateScenario('credits-exhausted', { end: END });
  const trigger = manualTrigger(END, {
    fileSystemId: recording.meta.fileSystemId,
    windowMinutes: 60,
  });
  const charts = incidentCharts(trigger, {
    langfuseMetricNamespace: 'Burstguard/Langfuse',
  });

  it('draws each chart as a real PNG of the widget size, with lines, the window band and text', async () => {
    // Prepare
    const port = createLocalChartPort(recordingMetricsPort(recording));
    const throughput = charts.find((c) => c.name === 'throughput');
    if (!throughput) throw new Error('no throughput chart');

    // Act
    const png = await port.renderChart(throughput);

    // Assess: a PNG of the size asked of CloudWatch.
    expect(pngSize(png)).toEqual({
      width: LOCAL_CHART_SIZE.widthPx,
      height: LOCAL_CHART_SIZE.heightPx,
    });
    const image = await pixels(png);
    // A white background, not transparent black.
    expect(image.at(2, 2)).toEqual([255, 255, 255]);
    // Both lines drawn: CloudWatch's first two palette colours.
    const metered = image.count((rgb) => near(rgb, [0x1f, 0x77, 0xb4]));
    const permitted = image.count((rgb) => near(rgb, [0xff, 0x7f, 0x0e]));
    expect(metered).toBeGreaterThan(500);
    expect(permitted).toBeGreaterThan(500);
    // The incident window shaded (orange at 15% over white).
    const band = image.count((rgb) => near(rgb, [255, 236, 219], 6));
    expect(band).toBeGreaterThan(20_000);
    // Text: the title row holds dark glyph pixels, set in the packaged font.
    expect(GlobalFonts.has(CHART_FONT_FAMILY)).toBe(true);
    let dark = 0;
    for (let x = 200; x < 600; x++) {
      for (let y = 5; y < 25; y++) {
        const [r, g, b] = image.at(x, y);
        if (r < 160 && g < 160 && b < 160) dark++;
      }
    }
    expect(dark).toBeGreaterThan(100);
  });

  it('draws the same chart twice to the same bytes', async () => {
    // Prepare
    const port = createLocalChartPort(recordingMetricsPort(recording));
    const credits = charts.find((c) => c.name === 'burst-credits');
    if (!credits) throw new Error('no burst credits chart');

    // Act
    const [a, b] = await Promise.all([
      port.renderChart(credits),
      port.renderChart(credits),
    ]);

    // Assess
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});

/** `burstguard replay` of a fresh credits-exhausted recording. */
const replay = (...flags: string[]) =>
  replayScenario(tempDir, 'credits-exhausted', END, flags);

describe('burstguard replay charts', () => {
  it("lists the thread's .png charts in --json, each a PNG on disk", async () => {
    // Prepare / Act
    const { code, out, err } = await replay('--json', '--policy', 'auto');

    // Assess
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out) as {
      charts: { path: string; title: string }[];
    };
    expect(report.charts.map((c) => c.path.split('/').at(-1))).toEqual([
      'throughput.png',
      'burst-credits.png',
      'langfuse-errors.png',
    ]);
    expect(report.charts.map((c) => c.title)).toEqual([
      expect.stringMatching(/^EFS throughput, fs-/),
      expect.stringMatching(/^EFS burst credit balance, fs-/),
      expect.stringMatching(/^Langfuse write errors, fs-/),
    ]);
    for (const chart of report.charts) {
      const png = await readFile(chart.path);
      expect(pngSize(png)).toEqual({ width: 800, height: 360 });
    }
  });

  it("prints each chart's path as progress, and the thread shows the files", async () => {
    // Prepare / Act
    const { code, out, err } = await replay('--policy', 'off');

    // Assess
    expect(code).toBe(0);
    expect(err).toMatch(
      /^ {2}chart: \/\S+\/throughput\.png \(EFS throughput, fs-\w+\)$/m,
    );
    expect(out).toMatch(
      /\[file\] EFS throughput, fs-\w+: \/\S+\/throughput\.png/,
    );
  });
});

/**
 * `burstguard advise --recording DIR --json` on simulated 14-day
 * recordings (local/advisor-recordings.ts, written to a temporary
 * directory in format v1): the three loads the advisor exists for.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import {
  type AdvisorRecordingName,
  advisorRecording,
} from '../../local/advisor-recordings.ts';
import { writeRecording } from '../../local/recording-format.ts';
import {
  type Advice,
  traceFromMetricData,
} from '../../shared/domain/advisor/advise.ts';
import { simulateProvisioned } from '../../shared/domain/advisor/simulate.ts';
import { priceTable } from '../../shared/domain/pricing.ts';
import { gridFor } from '../../shared/domain/sources/metric-series.ts';
import { capture, useTempDirs } from '../support/io.ts';

const tempDir = useTempDirs();

async function advise(name: AdvisorRecordingName): Promise<Advice> {
  const dir = await tempDir(`burstguard-advise-${name}-`);
  await writeRecording(dir, advisorRecording(name));
  const { out, err, io } = capture();
  const code = await main(['advise', '--recording', dir, '--json'], io);
  expect(err.join('')).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out.join('')) as Advice;
}

function mode(advice: Advice, name: string) {
  const line = advice.modes.find((m) => m.mode === name);
  if (!line) throw new Error(`no ${name} line`);
  return line;
}

describe('advise on simulated 14-day recordings', () => {
  it('moves a steady 5 MiB/s load off Elastic to Provisioned, with the saving', async () => {
    const advice = await advise('steady-elastic');

    expect(advice.fileSystemId).toBe('fs-0ad715e0000000001');
    expect(advice.current.mode).toBe('elastic');
    expect(advice.window).toMatchObject({ days: 14, periodSeconds: 60 });
    const r = advice.recommendation;
    expect(r.mode).toBe('provisioned');
    expect(r.action).toBe('switch');
    // Metered demand is 0.5 + 3.5 + 0.1 = 4.1 MiB/s ± 10%: its p99.9 is
    // under 4.6 MiB/s, + 20% is under 5.5: 5 or 6 MiB/s.
    expect(r.provisionedMibps).toBeGreaterThanOrEqual(5);
    expect(r.provisionedMibps).toBeLessThanOrEqual(6);
    expect(r.throttledMinutes).toBe(0);
    // Elastic moves ~5 MiB/s: hundreds of dollars a month; Provisioned
    // tens. The saving is the difference of the two lines.
    expect(advice.current.monthlyUsd).toBeGreaterThan(600);
    expect(r.monthlySavingUsd).toBeCloseTo(
      advice.current.monthlyUsd - mode(advice, 'provisioned').monthlyUsd,
      2,
    );
    expect(r.monthlySavingUsd).toBeGreaterThan(600);
    expect(r.rule24h).toMatch(/24 h/);
    expect(r.confidence).toBeGreaterThan(0.9);
    // Offline: the built-in table, and the output says so.
    expect(advice.prices.origin).toBe('built-in');
    expect(advice.prices.note).toMatch(/built-in table of 2026-11-01/);
  });

  it('keeps a spiky load on Elastic: Provisioned at its p99.9 costs more, smaller throttles', async () => {
    const advice = await advise('spiky-elastic');

    const r = advice.recommendation;
    expect(r.mode).toBe('elastic');
    expect(r.action).toBe('keep');
    expect(r.monthlySavingUsd).toBe(0);
    const provisioned = mode(advice, 'provisioned');
    // 15 minutes a day near 200 MiB/s: 210 minutes of 20,160, more than
    // the 20 the p99.9 lets lie above, so the size sits at the bursts.
    expect(provisioned.provisionedMibps).toBeGreaterThan(200);
    expect(provisioned.monthlyUsd).toBeGreaterThan(advice.current.monthlyUsd);
    // Bursting would have throttled every burst minute (above 100 MiB/s).
    expect(mode(advice, 'bursting').throttledMinutes).toBe(210);
    // The largest Provisioned size that would cost less than Elastic
    // throttles every burst minute, ten times the tolerated 20.
    const recording = advisorRecording('spiky-elastic');
    const end = new Date(recording.meta.end);
    const grid = gridFor(new Date(recording.meta.start), end, 60);
    const trace = traceFromMetricData(
      recording.metricData.MetricDataResults,
      grid,
      60,
    );
    const facts = {
      fileSystemId: advice.fileSystemId,
      throughputMode: 'elastic' as const,
      performanceMode: 'generalPurpose' as const,
      sizeStandardBytes: 50 * 1024 ** 3,
    };
    const prices = priceTable('us-east-1');
    let cheaper = 1;
    while (
      simulateProvisioned(trace, facts, prices, cheaper + 1).monthlyUsd <
      advice.current.monthlyUsd
    ) {
      cheaper++;
    }
    expect(cheaper).toBeLessThan(100);
    expect(
      simulateProvisioned(trace, facts, prices, cheaper).throttledMinutes,
    ).toBe(210);
    expect(advice.tolerance.minutes).toBe(20);
  });

  it('warns a Bursting file system whose credits fell to about 10%, with its days of headroom', async () => {
    const advice = await advise('bursting-worst-day');

    expect(advice.current.mode).toBe('bursting');
    const bursting = mode(advice, 'bursting');
    expect(bursting.lowestCreditPercent).toBeGreaterThan(5);
    expect(bursting.lowestCreditPercent).toBeLessThan(15);
    // The worst day drained ~88% of 2.1 TiB; the balance at the end is
    // refilled only partly: under one such day left.
    expect(bursting.daysOfHeadroom).toBeGreaterThan(0);
    expect(bursting.daysOfHeadroom).toBeLessThan(1);
    const r = advice.recommendation;
    expect(r.warnings.join('\n')).toMatch(
      /^Bursting: credits fell to .+ \(1[0-4]% of 2\.1 TiB\) at 2026-11-18T.+; 0\.\d days of headroom at the worst day's drain$/m,
    );
    // Leaving Bursting costs money; the advice says how much.
    expect(r.mode).not.toBe('bursting');
    expect(r.monthlySavingUsd).toBeLessThan(0);
    expect(r.summary).toMatch(/^leave Bursting: switch to .+: costs \$/);
  });
});

describe('advise on bad input', () => {
  it.each([
    [['advise'], /needs --file-system ID .* or --recording DIR/],
    [
      ['advise', '--file-system', 'nope'],
      /--file-system must be an EFS file system id/,
    ],
    [
      ['advise', '--file-system', 'fs-0123456789abcdef0', '--days', '90'],
      /--days must be a whole number of days from 1 to 63/,
    ],
    [['advise', '--recording', '/nonexistent-dir'], /meta\.json: missing/],
    [
      ['advise', '--recording', 'x', '--file-system', 'fs-0123456789abcdef0'],
      /contradict each other/,
    ],
  ])('answers %j with one line', async (args, message) => {
    const { out, err, io } = capture();
    const code = await main(args, io);
    expect(code).not.toBe(0);
    expect(out.join('')).toBe('');
    const text = err.join('');
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(text).toMatch(message);
  });
});

describe('a Bursting balance whose worst day is early and whose later days refill', () => {
  it('is not rejected on a start-to-end forecast: the median day gains credits', async () => {
    // local/advisor-recordings.ts `bursting-early-worst-day`: 100 GiB, so
    // a 5,000 KiB/s (4.8828125 MiB/s) baseline; 4.4 MiB/s metered gains
    // 0.4828125 MiB/s × 86,400 s = 41,715 MiB a day. Day 1 spends 300 min
    // × 60 s × (90 − 4.8828125) MiB/s = 1,532,109.4 MiB of the 2,202,009.6
    // MiB (2.1 TiB) it starts with: 669,900.2 MiB, 30.4%, above the 20%
    // floor, nothing throttled (90 MiB/s is under the 100 MiB/s burst
    // rate); the rest of day 1 adds 540 × 60 × 0.4828125 = 15,643.1 MiB,
    // the 13 later days 13 × 41,715 = 542,295 MiB: 1,227,838.4 MiB at the
    // end. Start to end that is 974,171.3 MiB lost in 14 days, "gone in
    // 17.6 days", under 30; the median whole day gains 41,715 MiB, so
    // there is no day count to empty.
    const advice = await advise('bursting-early-worst-day');
    const bursting = mode(advice, 'bursting');
    const r = advice.recommendation;
    expect(r).toMatchObject({ mode: 'bursting', action: 'keep' });
    expect(bursting.throttledMinutes).toBe(0);
    expect(bursting.lowestCreditPercent).toBe(30.4);
    expect(bursting.daysUntilEmpty).toBeNull();
    // The worst day fell 1,532,109.4 MiB; 1,227,838.4 MiB left is 0.8 of
    // such a day.
    expect(bursting.daysOfHeadroom).toBe(0.8);
    expect(r.warnings.join('\n')).not.toMatch(/gone in/);
  });
});

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

describe("the Bursting recordings' credits, against checkpoints worked by hand", () => {
  // Both store 100 GiB: baseline 100 × 50 KiB/s = 5,000 KiB/s =
  // 4.8828125 MiB/s; the cap is 2.1 TiB = 2,202,009.6 MiB, where both
  // start. Minute i's balance is the one after that minute.
  const MiB = 1024 ** 2;
  const balances = (name: AdvisorRecordingName) =>
    advisorRecording(name).metricData.MetricDataResults.find(
      (r) => r.Id === 'burst_credit_balance',
    )?.Values ?? [];
  const close = (bytes: number | undefined, mib: number) =>
    expect(Math.abs((bytes ?? Number.NaN) - mib * MiB)).toBeLessThan(1);

  it('bursting-worst-day: full every day until day 9, then 12.6% and a partial refill', async () => {
    // Outside bursts 0.3/3 + 0.6 + 0.05 = 0.75 MiB/s metered: it earns
    // 4.1328125 MiB/s = 247.96875 MiB a minute. A 30-minute burst at 94
    // MiB/s spends 89.1171875 × 1,800 = 160,410.9375 MiB, earned back in
    // 647 of the 810 minutes left that day: each such day ends full.
    // Day 9 (2026-11-18): 360 minutes spend 89.1171875 × 21,600 =
    // 1,924,931.25 MiB, leaving 277,078.35 MiB (12.58%) at 15:59; 480
    // minutes then earn 119,025 MiB: 396,103.35 MiB at the day's end.
    // Days 10-13 each earn 600 + 810 minutes × 247.96875 = 349,635.9375
    // and spend 160,410.9375 MiB: +189,225 MiB, 1,153,003.35 MiB at the end.
    const b = balances('bursting-worst-day');
    close(b[9 * 1440 - 1], 2_202_009.6);
    close(b[9 * 1440 + 959], 277_078.35);
    close(b[10 * 1440 - 1], 396_103.35);
    close(b[14 * 1440 - 1], 1_153_003.35);
    // The advisor's simulator, from the recording's demand, meets the
    // same checkpoints: lowest, its time, and the headroom 1,153,003.35 /
    // 1,924,931.25 = 0.6 of the worst day.
    const advice = await advise('bursting-worst-day');
    const bursting = mode(advice, 'bursting');
    expect(
      Math.abs((bursting.lowestCreditBytes ?? 0) - 277_078.35 * MiB),
    ).toBeLessThan(MiB);
    expect(bursting.lowestCreditPercent).toBe(12.6);
    expect(bursting.daysOfHeadroom).toBe(0.6);
    expect(advice.recommendation.warnings.join('\n')).toMatch(
      /\(13% of 2\.1 TiB\) at 2026-11-18T15:59:00\.000Z; 0\.6 days of headroom/,
    );
  });

  it("bursting-early-worst-day: 30.4% after the first day's burst, then 41,715 MiB a day back", () => {
    // The figures of the test above this describe: 669,900.225 MiB after
    // the burst (minute 899), 685,543.35 at the first day's end, 41,715
    // MiB more each later day, 1,227,838.35 at the end.
    const b = balances('bursting-early-worst-day');
    close(b[599], 2_202_009.6);
    close(b[899], 669_900.225);
    close(b[1439], 685_543.35);
    close(b[2 * 1440 - 1], 685_543.35 + 41_715);
    close(b[14 * 1440 - 1], 1_227_838.35);
  });
});

/**
 * Signals over hand-written EFS metrics with 5-minute and hourly periods
 * and IA storage, the arithmetic worked in the comments. Utilization is
 * (MeteredIOBytes / period seconds) over PermittedThroughput, in percent
 * (CloudWatch user guide, "Using metric math": the EFS console's
 * throughput utilization); the Bursting baseline is 50 KiB/s per GiB of
 * Standard-class storage with a 1 MiB/s floor (EFS user guide,
 * "Performance").
 */
import { describe, expect, it } from 'vitest';
import { evidenceFromRecording } from '../../local/evidence.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import type { Evidence, Series } from '../../shared/domain/contracts.ts';
import {
  baselineFor,
  computeSignals,
  utilizationSeries,
} from '../../shared/domain/diagnosis/signals.ts';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const START = '2026-11-23T00:00:00.000Z';
const PERMITTED = 100 * MiB;

function series(periodSeconds: number, values: (number | null)[]): Series {
  return { start: START, periodSeconds, values };
}

/** MeteredIOBytes of one period at `percent` of 100 MiB/s. */
const metered = (percent: number, periodSeconds: number) =>
  (percent / 100) * PERMITTED * periodSeconds;

describe('utilizationSeries', () => {
  it('divides by the period of the series, 300 s here', () => {
    // 50 percent of 100 MiB/s for 300 s is 15,000 MiB metered.
    const u = utilizationSeries(
      series(300, [15_000 * MiB, null, 30_000 * MiB]),
      series(300, [PERMITTED, PERMITTED, PERMITTED]),
    );

    expect(u).toEqual([50, null, 100]);
  });

  it('divides by 3,600 s for hourly points', () => {
    // 100 MiB/s for an hour at 10 percent: 36,000 MiB.
    expect(
      utilizationSeries(
        series(3600, [36_000 * MiB]),
        series(3600, [PERMITTED]),
      ),
    ).toEqual([10]);
  });

  it('has no utilization where nothing is permitted or a series is missing', () => {
    expect(
      utilizationSeries(series(60, [MiB, MiB]), series(60, [0, null])),
    ).toEqual([null, null]);
    expect(utilizationSeries(undefined, series(60, [PERMITTED]))).toEqual([]);
  });
});

describe('baselineFor', () => {
  it('gives 50 KiB/s per GiB of Standard storage, and never under 1 MiB/s', () => {
    // 100 GiB * 50 KiB/s = 5,000 KiB/s; 10 GiB would be 500 KiB/s, under
    // the 1 MiB/s floor.
    expect(baselineFor(100 * GiB)).toBe(5_000 * 1024);
    expect(baselineFor(10 * GiB)).toBe(MiB);
    expect(baselineFor(0)).toBe(MiB);
  });
});

describe('computeSignals over 5-minute periods', () => {
  it('counts pinned minutes, onset, longest stretch, IO limit minutes and demand in the period of the data', async () => {
    const base = await evidenceFromRecording(
      simulateScenario('credits-exhausted', {
        end: new Date('2026-11-23T01:00:00Z'),
      }),
    );
    if (!base.efs.available) throw new Error('scenario has EFS evidence');
    // 12 periods of 300 s: one hour. Pinned (>= 95 percent) at periods
    // 2, 3, 4 and 7: 4 periods = 20 minutes, first at 2 * 5 = 10 min, the
    // longest stretch 3 periods = 15 min.
    const percents = [50, 50, 96, 96, 96, 50, 50, 96, 50, 50, 50, 50];
    const evidence: Evidence = {
      ...base,
      efs: {
        ...base.efs,
        periodSeconds: 300,
        fileSystem: {
          ...base.efs.fileSystem,
          // 400 GiB in all, 100 GiB of it in Standard, the rest in IA:
          // the baseline counts the Standard part only.
          sizeBytes: 400 * GiB,
          sizeStandardBytes: 100 * GiB,
        },
        metrics: {
          metered_io_bytes: series(
            300,
            percents.map((p) => metered(p, 300)),
          ),
          permitted_throughput: series(
            300,
            percents.map(() => PERMITTED),
          ),
          // Two periods at or above 95 percent of the IO limit: 10 min.
          percent_io_limit: series(300, [95, 94, 96, null]),
        },
      },
    };

    const s = computeSignals(evidence, {
      windowStart: START,
      windowEnd: '2026-11-23T01:00:00.000Z',
    });

    expect(s).toMatchObject({
      periodSeconds: 300,
      windowMinutes: 60,
      dataPoints: 12,
      pinnedMinutes: 20,
      pinnedOnsetMinute: 10,
      pinnedLongestMinutes: 15,
      utilizationMaxPercent: 96,
      ioLimitMinutes: 10,
      percentIoLimitMax: 96,
      // Eight unpinned periods at 50 MiB/s: their 95th percentile.
      demandP95BytesPerSecond: 50 * MiB,
      demandCapped: false,
      // 100 GiB of Standard storage: 5,000 KiB/s.
      baselineBytesPerSecond: 5_000 * 1024,
      sizeStandardBytes: 100 * GiB,
    });
    // Sorted: eight 50s then four 96s; the median (6th of 12) is 50.
    expect(s.utilizationMedianPercent).toBe(50);
  });
});

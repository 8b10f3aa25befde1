/**
 * The burst credit forecast over hand-written balances, each answer worked
 * out in the comments: a Theil-Sen slope (the median of the slopes between
 * every pair of points) and the median level at the latest point.
 */
import { describe, expect, it } from 'vitest';
import type { Series } from '../../shared/domain/contracts.ts';
import {
  forecastExhaustion,
  formatBytes,
  formatMinutes,
  formatRate,
  preflightCheck,
} from '../../shared/domain/diagnosis/forecast.ts';

const GiB = 1024 ** 3;
const START = '2026-11-23T00:00:00.000Z';

function series(periodSeconds: number, values: (number | null)[]): Series {
  return { start: START, periodSeconds, values };
}

describe('forecastExhaustion', () => {
  it('forecasts from the recent window only: flat for an hour, then falling 1 GiB a minute', () => {
    // Minutes 0..59 at 100 GiB, then minutes 60..90 falling 1 GiB a
    // minute to 70 GiB. The last 30 minutes (t >= 60) are a straight line:
    // slope -1 GiB/min, level 70 GiB, so 70 / 1 = 70 minutes to zero.
    const values = [
      ...Array<number>(60).fill(100 * GiB),
      ...Array.from({ length: 31 }, (_, k) => (100 - k) * GiB),
    ];

    const recent = forecastExhaustion(series(60, values), 30);
    const whole = forecastExhaustion(series(60, values));

    expect(recent).toEqual({
      minutesToZero: 70,
      slopeBytesPerMinute: -GiB,
      latestBytes: 70 * GiB,
      pointsUsed: 31,
    });
    // Over the whole series most pairs are flat: the median slope is far
    // gentler, and the forecast far later.
    expect(whole.pointsUsed).toBe(91);
    expect(whole.minutesToZero).toBeGreaterThan(140);
  });

  it('measures time in minutes of the series period: 5-minute points falling 5 GiB each', () => {
    // 300 s periods: t = 0, 5, 10, ... minutes. 60, 55, ..., 40 GiB over
    // five points is -5 GiB per 5 min = -1 GiB/min; 40 GiB left: 40 min.
    const values = [60, 55, 50, 45, 40].map((g) => g * GiB);

    expect(forecastExhaustion(series(300, values))).toEqual({
      minutesToZero: 40,
      slopeBytesPerMinute: -GiB,
      latestBytes: 40 * GiB,
      pointsUsed: 5,
    });
  });

  it('measures hourly points in minutes too: 3 points falling 60 GiB an hour', () => {
    // 3,600 s periods: t = 0, 60, 120 min; -60 GiB per 60 min = -1 GiB/min.
    const values = [200, 140, 80].map((g) => g * GiB);

    const f = forecastExhaustion(series(3600, values));

    expect(f.slopeBytesPerMinute).toBe(-GiB);
    expect(f.minutesToZero).toBe(80);
  });

  it('skips missing minutes without moving the others', () => {
    // Points at t = 0, 2, 4 (t = 1 and 3 missing): 10, 8, 6 GiB is
    // -1 GiB/min; 6 GiB left: 6 min.
    const f = forecastExhaustion(
      series(60, [10 * GiB, null, 8 * GiB, null, 6 * GiB]),
    );

    expect(f).toEqual({
      minutesToZero: 6,
      slopeBytesPerMinute: -GiB,
      latestBytes: 6 * GiB,
      pointsUsed: 3,
    });
  });

  it('does not forecast from fewer than 3 points, and says what it has', () => {
    expect(forecastExhaustion(series(60, [5 * GiB, null, 4 * GiB]))).toEqual({
      minutesToZero: null,
      slopeBytesPerMinute: 0,
      latestBytes: 4 * GiB,
      pointsUsed: 2,
    });
    expect(forecastExhaustion(undefined)).toEqual({
      minutesToZero: null,
      slopeBytesPerMinute: 0,
      latestBytes: null,
      pointsUsed: 0,
    });
  });

  it('reports no exhaustion for a rising or flat balance', () => {
    expect(
      forecastExhaustion(
        series(
          60,
          [1, 2, 3].map((g) => g * GiB),
        ),
      ).minutesToZero,
    ).toBeNull();
    expect(
      forecastExhaustion(
        series(
          60,
          [2, 2, 2, 2].map((g) => g * GiB),
        ),
      ).minutesToZero,
    ).toBeNull();
  });

  it('says zero minutes, not a negative time, when the line is already below zero', () => {
    // 3, 2, 1, then 0.5 GiB: pair slopes are -1 (three pairs), -0.5,
    // -0.75, -0.833...; sorted, the median of six is between -0.833 and
    // -0.75. The level at the last point is the median of the residuals,
    // positive: the forecast is a few hundred MiB away, not negative.
    const f = forecastExhaustion(
      series(60, [3 * GiB, 2 * GiB, 1 * GiB, 0.5 * GiB]),
    );
    expect(f.minutesToZero).toBeGreaterThanOrEqual(0);
    // And a balance already at zero, still falling, is out now.
    const empty = forecastExhaustion(series(60, [2 * GiB, GiB, 0, 0, -GiB]));
    expect(empty.minutesToZero).toBe(0);
  });

  it('thins a long series to 240 points and keeps the latest', () => {
    // 1,000 one-minute points falling 1 MiB a minute from 1,000 MiB: every
    // pair of the thinned points still has slope -1 MiB/min. 240 points
    // picked, the last of them (index 995) is not the latest (999), which
    // is added: 241. At the latest, 1 MiB is left: 1 minute.
    const MiB = 1024 ** 2;
    const values = Array.from({ length: 1000 }, (_, i) => (1000 - i) * MiB);

    const f = forecastExhaustion(series(60, values));

    expect(f.pointsUsed).toBe(241);
    expect(f.slopeBytesPerMinute).toBe(-MiB);
    expect(f.latestBytes).toBe(MiB);
    expect(f.minutesToZero).toBe(1);
  });

  it('takes the mean of the two middle slopes when there is an even number', () => {
    // t = 0, 1, 3 at 0, -2, -3: slopes (0,1) -2, (0,3) -1, (1,3) -0.5.
    // Three slopes: median -1. Add t = 4 at -8: slopes to it -2, -6, -5;
    // six slopes sorted -6 -5 -2 -2 -1 -0.5, median (-2 + -2) / 2 = -2.
    const f = forecastExhaustion(series(60, [0, -2, null, -3, -8]));
    expect(f.slopeBytesPerMinute).toBe(-2);
  });
});

describe('preflightCheck', () => {
  it('warns when the credits run out within the horizon, not after', () => {
    // 10, 9, 8 GiB: -1 GiB/min, 8 GiB left: 8 minutes.
    const credits = series(
      60,
      [10, 9, 8].map((g) => g * GiB),
    );

    const [within] = preflightCheck([{ fileSystemId: 'fs-1', credits }], 8);
    const [after] = preflightCheck([{ fileSystemId: 'fs-1', credits }], 7);

    expect(within).toEqual({
      fileSystemId: 'fs-1',
      warn: true,
      minutesToZero: 8,
      message: 'fs-1: burst credits 8.0 GiB, forecast to run out in 8 min',
    });
    expect(after?.warn).toBe(false);
  });

  it('says when credits are not falling or not there', () => {
    const [flat, none] = preflightCheck(
      [
        { fileSystemId: 'fs-1', credits: series(60, [GiB, GiB, GiB]) },
        { fileSystemId: 'fs-2', credits: undefined },
      ],
      60,
    );

    expect(flat?.message).toBe('fs-1: burst credits 1.0 GiB, not falling');
    expect(flat?.warn).toBe(false);
    expect(none?.message).toBe(
      'fs-2: no BurstCreditBalance data (not Bursting, or no metrics yet)',
    );
  });
});

describe('the formats', () => {
  it('writes bytes in the largest unit under 1,024', () => {
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1.5 * GiB)).toBe('1.5 GiB');
    expect(formatBytes(2048 * 1024 ** 4)).toBe('2048.0 TiB');
    expect(formatBytes(-2 * GiB)).toBe('-2.0 GiB');
  });

  it('writes a rate in MiB/s from 1 MiB/s, else KiB/s', () => {
    expect(formatRate(1024 * 1024)).toBe('1.0 MiB/s');
    expect(formatRate(1024 * 1024 - 1)).toBe('1024 KiB/s');
    expect(formatRate(50 * 1024)).toBe('50 KiB/s');
  });

  it('writes minutes, then hours and minutes, then days', () => {
    expect(formatMinutes(89.4)).toBe('89 min');
    expect(formatMinutes(90)).toBe('1 h 30 min');
    expect(formatMinutes(120)).toBe('2 h');
    expect(formatMinutes(48 * 60 - 1)).toBe('47 h 59 min');
    expect(formatMinutes(48 * 60)).toBe('2.0 days');
  });
});

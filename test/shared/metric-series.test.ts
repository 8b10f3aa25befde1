import { describe, expect, it } from 'vitest';
import {
  choosePeriodSeconds,
  gridFor,
  MAX_POINTS_PER_SERIES,
  roundSeries,
  toSeries,
} from '../../shared/domain/sources/metric-series.ts';

const now = new Date('2026-11-23T03:00:00Z');
const minutesBefore = (m: number) => new Date(now.getTime() - m * 60_000);

describe('choosePeriodSeconds', () => {
  it('uses 1-minute data for a short recent window', () => {
    expect(choosePeriodSeconds(minutesBefore(180), now, now)).toBe(60);
  });

  it('coarsens the period so a long window keeps at most a day of points', () => {
    const period = choosePeriodSeconds(minutesBefore(7 * 1440), now, now);
    expect(period % 60).toBe(0);
    expect((7 * 1440 * 60) / period).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
  });

  it('moves to 5-minute data once 1-minute data has expired (15 days)', () => {
    const start = minutesBefore(16 * 1440);
    expect(choosePeriodSeconds(start, minutesBefore(16 * 1440 - 60), now)).toBe(
      300,
    );
  });

  it('moves to 1-hour data past 63 days', () => {
    const start = minutesBefore(64 * 1440);
    expect(choosePeriodSeconds(start, minutesBefore(64 * 1440 - 60), now)).toBe(
      3600,
    );
  });
});

describe('toSeries', () => {
  const grid = gridFor(minutesBefore(5), now, 60);

  it('places descending and ascending timestamps in the same slots', () => {
    const times = [4, 3, 2, 1, 0].map((m) =>
      minutesBefore(m + 1).toISOString(),
    );
    const desc = toSeries(
      { Id: 'a', Timestamps: times, Values: [5, 4, 3, 2, 1] },
      grid,
      60,
    );
    const asc = toSeries(
      { Id: 'a', Timestamps: [...times].reverse(), Values: [1, 2, 3, 4, 5] },
      grid,
      60,
    );
    expect(desc).toEqual(asc);
    expect(asc?.values).toEqual([5, 4, 3, 2, 1]);
  });

  it('leaves null where CloudWatch returned no datapoint', () => {
    const series = toSeries(
      { Id: 'a', Timestamps: [minutesBefore(2).toISOString()], Values: [7] },
      grid,
      60,
    );
    expect(series?.values).toEqual([null, null, null, 7, null]);
  });

  it('returns undefined for a result without datapoints', () => {
    expect(
      toSeries({ Id: 'a', Timestamps: [], Values: [] }, grid, 60),
    ).toBeUndefined();
  });

  it('reads epoch seconds and +0000 offsets as the CLI prints them', () => {
    const series = toSeries(
      {
        Id: 'a',
        Timestamps: [
          minutesBefore(5).getTime() / 1000,
          '2026-11-23T02:56:00.000+0000',
        ],
        Values: [1, 2],
      },
      grid,
      60,
    );
    expect(series?.values.slice(0, 2)).toEqual([1, 2]);
  });
});

describe('roundSeries', () => {
  it('keeps whole bytes and hundredths of a percent, and gaps as gaps', () => {
    // Prepare: CloudWatch answers full-precision doubles.
    const series = {
      start: '2026-11-23T00:00:00.000Z',
      periodSeconds: 60,
      values: [1234567.891234567, null, 0.1 + 0.2, 99.99499999999],
    };

    // Act
    const bytes = roundSeries(series, 0);
    const percent = roundSeries(series, 2);

    // Assess
    expect(bytes.values).toEqual([1234568, null, 0, 100]);
    expect(percent.values).toEqual([1234567.89, null, 0.3, 99.99]);
    expect(JSON.stringify(percent.values)).toBe('[1234567.89,null,0.3,99.99]');
    expect(bytes.start).toBe(series.start);
  });
});

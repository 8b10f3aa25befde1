/**
 * Each throughput mode replayed on small traces written by hand, with the
 * costs worked out here from the us-east-1 built-in table (storage $0.30
 * per GB-month, Elastic $0.03 per GB read and $0.06 per GB written,
 * Provisioned $6.00 per MiB/s-month; shared/domain/pricing.ts) and the
 * rules of the EFS user guide, "Amazon EFS Performance"
 * (awsdocs/amazon-efs-user-guide `doc_source/performance.md`): baseline
 * 50 KiB/s per GiB, burst 100 MiB/s, credits capped at 2.1 TiB below 1 TiB.
 */
import { describe, expect, it } from 'vitest';
import { advise } from '../../shared/domain/advisor/advise.ts';
import {
  type AdvisedFileSystem,
  type DemandTrace,
  simulateBursting,
  simulateElastic,
  simulateProvisioned,
} from '../../shared/domain/advisor/simulate.ts';
import { sizeProvisioned } from '../../shared/domain/advisor/sizing.ts';
import { EFS_WAIT_AFTER_PROVISIONED } from '../../shared/domain/efs-rules.ts';
import { priceTable } from '../../shared/domain/pricing.ts';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;
const PRICES = priceTable('us-east-1');

function constant(
  minutes: number,
  perSecond: { read: number; write: number; metadata?: number },
): DemandTrace {
  return {
    periodSeconds: 60,
    start: '2026-11-01T00:00:00.000Z',
    readBytes: new Float64Array(minutes).fill(perSecond.read * 60),
    writeBytes: new Float64Array(minutes).fill(perSecond.write * 60),
    metadataBytes: new Float64Array(minutes).fill(
      (perSecond.metadata ?? 0) * 60,
    ),
  };
}

function fs(sizeStandardBytes: number): AdvisedFileSystem {
  return {
    fileSystemId: 'fs-0123456789abcdef0',
    throughputMode: 'elastic',
    performanceMode: 'generalPurpose',
    sizeStandardBytes,
  };
}

describe('costs worked by hand: one day at 1 MiB/s read, 2 MiB/s written, 10 GiB stored', () => {
  const trace = constant(1440, { read: MiB, write: 2 * MiB });
  const tenGiB = fs(10 * GiB);

  it('bills Elastic per GB read and written, scaled to a 30-day month', () => {
    // A 30-day month is 2,592,000 s.
    // Read: 1 MiB/s × 2,592,000 s = 2,592,000 MiB = 2,717,908,992,000 B
    //   = 2,717.908992 GB × $0.03 = $81.537.
    // Written: twice that, 5,435.817984 GB × $0.06 = $326.149.
    // Storage: 10 GiB = 10.737418240 GB × $0.30 = $3.2212.
    // Total $81.537 + $326.149 + $3.221 = $410.908 -> $410.91.
    const elastic = simulateElastic(trace, tenGiB, PRICES);
    expect(elastic.costs).toEqual({ storageUsd: 3.22, throughputUsd: 407.69 });
    expect(elastic.monthlyUsd).toBe(410.91);
    expect(elastic.throttledMinutes).toBe(0);
  });

  it('sizes Provisioned from metered demand and bills it above what the storage entitles', () => {
    // Metered: reads count one third, 1/3 + 2 = 2.333 MiB/s every minute.
    // p99.9 of 1,440 minutes (1 may lie above) is 2.333 MiB/s; + 20% =
    // 2.8 MiB/s, rounded up to 3 MiB/s.
    // Billed above what the Standard storage entitles, 50 KiB/s per GiB
    // with no floor (the 1 MiB/s minimum is a performance floor, not a
    // billing credit; re:Post QU7xlbWYDzQYu1F7w2nDYe8A, "in excess of what
    // your EFS Standard storage allows", aws.amazon.com/efs/pricing):
    // 10 GiB × 50 KiB/s = 500 KiB/s = 0.48828125 MiB/s included, so
    // 3 − 0.48828125 = 2.51171875 MiB/s billed × $6 = $15.0703 -> $15.07;
    // plus storage $3.2212: $18.2915 -> $18.29.
    const demand = new Float64Array(1440).fill((1 / 3 + 2) * MiB);
    const size = sizeProvisioned(demand, 60);
    expect(size?.mibps).toBe(3);
    const provisioned = simulateProvisioned(trace, tenGiB, PRICES, 3);
    expect(provisioned.costs).toEqual({
      storageUsd: 3.22,
      throughputUsd: 15.07,
    });
    expect(provisioned.monthlyUsd).toBe(18.29);
    expect(provisioned.throttledMinutes).toBe(0);
    // At 2 MiB/s every minute's 2.333 MiB/s is above the setting.
    expect(simulateProvisioned(trace, tenGiB, PRICES, 2).throttledMinutes).toBe(
      1440,
    );
  });
});

describe('Bursting credits', () => {
  it('accrue at the baseline below it, up to the 2.1 TiB cap', () => {
    // 100 GiB: baseline 100 × 50 KiB/s = 5,000 KiB/s. Idle for an hour
    // from 2.1 TiB − 1 GiB: the hour earns 5,000 KiB/s × 3,600 s =
    // 17.2 GiB, so the balance stops at the cap.
    const result = simulateBursting(
      constant(60, { read: 0, write: 0 }),
      fs(100 * GiB),
      PRICES,
      { initialCreditBytes: 2.1 * TiB - GiB },
    );
    expect(result.maxCreditBytes).toBe(2.1 * TiB);
    expect(result.finalCreditBytes).toBe(2.1 * TiB);
    expect(result.throttledMinutes).toBe(0);
  });

  it('are spent above the baseline, and throughput falls to it at zero', () => {
    // 10 GiB: baseline at the 1 MiB/s floor. 11 MiB/s written spends
    // 10 MiB/s × 60 s = 600 MiB a minute; 3,000 MiB last 5 minutes, then
    // every minute is throttled to 1 MiB/s.
    const result = simulateBursting(
      constant(10, { read: 0, write: 11 * MiB }),
      fs(10 * GiB),
      PRICES,
      { initialCreditBytes: 3000 * MiB },
    );
    expect(result.lowestCreditBytes).toBe(0);
    expect(result.throttledMinutes).toBe(5);
    expect(result.lowestAt).toBe('2026-11-01T00:04:00.000Z');
  });

  it('never serve more than the burst rate, whatever the balance', () => {
    // 150 MiB/s against a 100 MiB/s burst rate: every minute throttled,
    // though the balance never runs out.
    const result = simulateBursting(
      constant(30, { read: 0, write: 150 * MiB }),
      fs(10 * GiB),
      PRICES,
    );
    expect(result.throttledMinutes).toBe(30);
    expect(result.lowestCreditBytes).toBeGreaterThan(0);
  });

  it('counts the days of headroom from the worst day', () => {
    // Day 1 idle, day 2 an hour at 51 MiB/s from 10:00 (50 above the
    // 1 MiB/s baseline: 3,000 MiB a minute, 180,000 MiB spent from a full
    // balance), then idle: 13 h of day 2 and all of day 3 earn 1 MiB/s ×
    // 60 × (780 + 1,440) = 133,200 MiB. The end balance is 2.1 TiB −
    // 46,800 MiB = 2,155,209.6 MiB: 11.97 days like the worst one.
    const minutes = 3 * 1440;
    const trace = constant(minutes, { read: 0, write: 0 });
    for (let i = 1440 + 600; i < 1440 + 660; i++) {
      trace.writeBytes[i] = 51 * MiB * 60;
    }
    const result = simulateBursting(trace, fs(10 * GiB), PRICES);
    expect(result.worstDayDrainBytes).toBeCloseTo(180_000 * MiB, -3);
    expect(result.finalCreditBytes).toBeCloseTo(2.1 * TiB - 46_800 * MiB, -3);
    expect(result.daysOfHeadroom).toBeCloseTo(11.97, 2);
  });
});

describe('a Bursting balance that loses credits every day, throttling nothing', () => {
  // 100 GiB: baseline 5,000 KiB/s = 4.8828125 MiB/s. 5.8828125 MiB/s
  // written spends 1 MiB/s over it: 86,400 MiB a day. From 60% of 2.1 TiB
  // (1,321,205.76 MiB) three days leave 1,062,005.76 MiB (48.2%); the
  // median day loses 86,400 MiB, so it is gone in 1,062,005.76 / 86,400
  // = 12.3 days, and the worst day (the same) gives 12.3 days of headroom.
  const minutes = 3 * 1440;
  const trace: DemandTrace = {
    ...constant(minutes, { read: 0, write: 5.8828125 * MiB }),
    creditBytes: new Float64Array(minutes).fill(0.6 * 2.1 * TiB),
  };
  const advice = advise({
    trace,
    fileSystem: { ...fs(100 * GiB), throughputMode: 'bursting' },
    prices: { table: PRICES, origin: 'built-in' },
  });

  it('keeps Bursting on the forecast alone, and warns with the days left and the headroom', () => {
    const bursting = advice.modes.find((m) => m.mode === 'bursting');
    expect(bursting).toMatchObject({
      throttledMinutes: 0,
      lowestCreditPercent: 48.2,
      daysUntilEmpty: 12.3,
      daysOfHeadroom: 12.3,
    });
    expect(advice.recommendation).toMatchObject({
      mode: 'bursting',
      action: 'keep',
    });
    expect(advice.recommendation.warnings).toContain(
      "Bursting: the credit balance loses 84.4 GiB on the median day; at that pace it is gone in 12.3 days; 12.3 days of headroom at the worst day's drain",
    );
  });
});

describe('advice for a Provisioned file system', () => {
  // Two days at a steady 4 MiB/s written, 20 GiB stored (1 MiB/s floor):
  // the sizing rule gives 4 × 1.2 = 4.8, rounded up to 5 MiB/s.
  const trace = constant(2880, { read: 0, write: 4 * MiB });
  const at = (mibps: number) =>
    advise({
      trace,
      fileSystem: {
        ...fs(20 * GiB),
        throughputMode: 'provisioned',
        provisionedThroughputMibps: mibps,
      },
      prices: { table: PRICES, origin: 'built-in' },
    });

  it('lowers an over-provisioned setting, with the saving and the 24 h rule', () => {
    const r = at(50).recommendation;
    // 20 GiB entitles 20 × 50 KiB/s = 0.9765625 MiB/s: (50 − 0.9765625)
    // × $6 = $294.14 against (5 − 0.9765625) × $6 = $24.14: $270 a month
    // (the same storage on both sides).
    expect(r).toMatchObject({
      action: 'lower',
      mode: 'provisioned',
      provisionedMibps: 5,
      monthlySavingUsd: 270,
      throttledMinutes: 0,
    });
    expect(r.rule24h).toBe(EFS_WAIT_AFTER_PROVISIONED);
  });

  it('raises a setting the demand exceeds, though it costs more', () => {
    const advice = at(3);
    // Every minute of 4 MiB/s is above 3 MiB/s.
    expect(advice.current.throttledMinutes).toBe(2880);
    expect(advice.recommendation).toMatchObject({
      action: 'raise',
      provisionedMibps: 5,
      // (3 − 0.9765625) × $6 = $12.14 against $24.14: $12 a month more.
      monthlySavingUsd: -12,
    });
    expect(advice.recommendation.warnings.join()).toMatch(
      /Provisioned 3 MiB\/s would have throttled 2880 min, above the tolerated 2 min/,
    );
  });
});

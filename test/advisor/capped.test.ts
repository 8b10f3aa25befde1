/**
 * Demand held at the limit is not demand served. Where metered throughput
 * sits at (>= 95% of) PermittedThroughput, CloudWatch shows what the file
 * system allowed, not what was asked for (EFS user guide, "Monitoring
 * metrics with CloudWatch": PermittedThroughput is "the maximum amount of
 * throughput a file system can drive"; a Bursting file system at zero
 * credits is held at its baseline, "Amazon EFS performance"). In the
 * current mode those minutes are throttled, and the Provisioned size is
 * at least the capped rate plus the headroom, as the incident card's.
 * Traces written by hand, one day of 1-minute data.
 */
import { describe, expect, it } from 'vitest';
import { advise } from '../../shared/domain/advisor/advise.ts';
import type {
  AdvisedFileSystem,
  DemandTrace,
} from '../../shared/domain/advisor/simulate.ts';
import { priceTable } from '../../shared/domain/pricing.ts';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const DAY = 1440;

/** One day of writes at `writeBps`, held at `permittedBps`. */
function pinned(
  writeBps: number,
  permittedBps: number,
  creditBytes?: number,
): DemandTrace {
  return {
    periodSeconds: 60,
    start: '2026-11-01T00:00:00.000Z',
    readBytes: new Float64Array(DAY).fill(0),
    writeBytes: new Float64Array(DAY).fill(writeBps * 60),
    metadataBytes: new Float64Array(DAY).fill(0),
    meteredBytes: new Float64Array(DAY).fill(writeBps * 60),
    permittedBytesPerSecond: new Float64Array(DAY).fill(permittedBps),
    ...(creditBytes === undefined
      ? {}
      : { creditBytes: new Float64Array(DAY).fill(creditBytes) }),
  };
}

const prices = {
  table: priceTable('us-east-1'),
  origin: 'built-in' as const,
};

/** Provisioned at 50 MiB/s, 100 GiB stored. */
const provisioned50: AdvisedFileSystem = {
  fileSystemId: 'fs-0123456789abcdef0',
  throughputMode: 'provisioned',
  provisionedThroughputMibps: 50,
  performanceMode: 'generalPurpose',
  sizeStandardBytes: 100 * GiB,
};

describe('demand capped at the permitted throughput', () => {
  it('a starved Bursting file system (0 credits, pinned at its 1 MiB/s baseline) is throttled every minute, not 0', () => {
    // 10 GiB: the baseline is the 1 MiB/s floor (10 × 50 KiB/s = 500
    // KiB/s below it); 0 credits, metered demand = permitted = 1 MiB/s.
    const fileSystem: AdvisedFileSystem = {
      fileSystemId: 'fs-0123456789abcdef0',
      throughputMode: 'bursting',
      performanceMode: 'generalPurpose',
      sizeStandardBytes: 10 * GiB,
    };
    const advice = advise({
      trace: pinned(MiB, MiB, 0),
      fileSystem,
      prices,
    });
    expect(advice.current.throttledMinutes).toBe(DAY);
    expect(
      advice.modes.find((m) => m.mode === 'bursting')?.throttledMinutes,
    ).toBe(DAY);
    // Floor: 1 MiB/s × 1.2 = 1.2, up to 2 MiB/s.
    expect(advice.recommendation).toMatchObject({
      mode: 'provisioned',
      provisionedMibps: 2,
      action: 'switch',
    });
    expect(advice.recommendation.warnings.join('\n')).toMatch(
      /true demand is unknown: it sat at the permitted 1(\.0)? MiB\/s in 1440 of 1440 min/,
    );
    // Every minute pinned: the confidence says the demand is unknown.
    expect(advice.recommendation.confidence).toBe(0);
  });

  it('a Provisioned file system pinned at its 50 MiB/s setting is raised to at least 50 × 1.2, not sized from the capped demand', () => {
    // Metered 48.5 MiB/s every minute = 97% of the 50 MiB/s permitted.
    // From the demand seen: 48.5 × 1.2 = 58.2 -> 59 MiB/s; the floor of
    // the capped rate: 50 × 1.2 = 60 MiB/s, which wins.
    const advice = advise({
      trace: pinned(48.5 * MiB, 50 * MiB),
      fileSystem: provisioned50,
      prices,
    });
    expect(advice.current).toMatchObject({
      mode: 'provisioned',
      provisionedMibps: 50,
      throttledMinutes: DAY,
    });
    expect(advice.size?.mibps).toBe(60);
    expect(advice.size?.basis).toMatch(
      /^at least the capped rate 50\.0 MiB\/s \+ 20% headroom/,
    );
    expect(advice.recommendation).toMatchObject({
      mode: 'provisioned',
      provisionedMibps: 60,
      action: 'raise',
    });
    expect(advice.recommendation.warnings.join('\n')).toMatch(
      /true demand is unknown: it sat at the permitted 50(\.0)? MiB\/s in 1440 of 1440 min/,
    );
  });

  it('demand well under the limit is sized from what was seen', () => {
    // 20 MiB/s under a 50 MiB/s setting: 40% of it, never capped; 20 ×
    // 1.2 = 24 MiB/s, and no warning about unknown demand.
    const advice = advise({
      trace: pinned(20 * MiB, 50 * MiB),
      fileSystem: provisioned50,
      prices,
    });
    expect(advice.current.throttledMinutes).toBe(0);
    expect(advice.size?.mibps).toBe(24);
    expect(advice.recommendation.warnings.join('\n')).not.toMatch(
      /true demand is unknown/,
    );
  });
});

/**
 * The sizing rule's promise, as a property: on the trace it was computed
 * from, a Provisioned file system of the recommended size throttles no
 * more minutes than the configured tolerance (tolerancePercent of the
 * trace's minutes, rounded down to whole periods), whatever the demand,
 * the headroom, the tolerance, the period or the stored size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advise } from '../../shared/domain/advisor/advise.ts';
import {
  type DemandTrace,
  simulateProvisioned,
} from '../../shared/domain/advisor/simulate.ts';
import { sizeProvisioned } from '../../shared/domain/advisor/sizing.ts';
import { priceTable } from '../../shared/domain/pricing.ts';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

const demandMibps = fc.array(
  fc.oneof(
    fc.double({ min: 0, max: 20, noNaN: true }),
    fc.double({ min: 20, max: 2000, noNaN: true }),
  ),
  { minLength: 1, maxLength: 3000 },
);

function traceOf(mibps: number[], periodSeconds: number): DemandTrace {
  const n = mibps.length;
  return {
    periodSeconds,
    start: '2026-11-01T00:00:00.000Z',
    readBytes: new Float64Array(n),
    // All demand as writes: metered one for one.
    writeBytes: Float64Array.from(mibps, (m) => m * MiB * periodSeconds),
    metadataBytes: new Float64Array(n),
  };
}

describe('the Provisioned sizing rule', () => {
  it('never throttles more minutes than the tolerance on its own trace', () => {
    fc.assert(
      fc.property(
        demandMibps,
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.constantFrom(60, 300),
        fc.integer({ min: 0, max: 4096 }),
        (mibps, headroomPercent, tolerancePercent, period, sizeGiB) => {
          const trace = traceOf(mibps, period);
          const rule = { headroomPercent, tolerancePercent };
          const demand = Float64Array.from(mibps, (m) => m * MiB);
          const size = sizeProvisioned(demand, period, rule);
          expect(size).not.toBeNull();
          const outcome = simulateProvisioned(
            trace,
            {
              fileSystemId: 'fs-0123456789abcdef0',
              throughputMode: 'elastic',
              performanceMode: 'generalPurpose',
              sizeStandardBytes: sizeGiB * GiB,
            },
            priceTable('us-east-1'),
            size?.mibps ?? 0,
          );
          const toleranceMinutes =
            Math.floor((mibps.length * tolerancePercent) / 100) * (period / 60);
          expect(outcome.throttledMinutes).toBeLessThanOrEqual(
            toleranceMinutes,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds for the size the advice recommends, through advise()', () => {
    fc.assert(
      fc.property(demandMibps, (mibps) => {
        const trace = traceOf(mibps, 60);
        const advice = advise({
          trace,
          fileSystem: {
            fileSystemId: 'fs-0123456789abcdef0',
            throughputMode: 'elastic',
            performanceMode: 'generalPurpose',
            sizeStandardBytes: 20 * GiB,
          },
          prices: { table: priceTable('us-east-1'), origin: 'built-in' },
        });
        const provisioned = advice.modes.find((m) => m.mode === 'provisioned');
        expect(provisioned?.throttledMinutes).toBeLessThanOrEqual(
          advice.tolerance.minutes,
        );
        if (advice.recommendation.mode === 'provisioned') {
          expect(advice.recommendation.throttledMinutes).toBeLessThanOrEqual(
            advice.tolerance.minutes,
          );
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("the configuration's advisor section", () => {
  it('defaults to a weekly digest sized at the p99.9 plus 20%', async () => {
    const { parseConfig } = await import('../../shared/domain/config.ts');
    const config = parseConfig({
      fileSystems: [{ fileSystemId: 'fs-0123456789abcdef0' }],
    });
    expect(config.advisor).toEqual({
      schedule: 'rate(7 days)',
      days: 14,
      headroomPercent: 20,
      tolerancePercent: 0.1,
      minimumMonthlySavingUsd: 5,
      creditWarnPercent: 20,
      snoozeWeeks: 4,
    });
  });

  it('refuses a schedule EventBridge would not take, in one line', async () => {
    const { parseConfig } = await import('../../shared/domain/config.ts');
    expect(() =>
      parseConfig({
        fileSystems: [{ fileSystemId: 'fs-0123456789abcdef0' }],
        advisor: { schedule: 'weekly' },
      }),
    ).toThrow(
      /advisor\.schedule.*must be an EventBridge schedule expression: rate\(\.\.\.\) or cron\(\.\.\.\)/,
    );
  });
});

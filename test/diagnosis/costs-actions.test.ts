/**
 * The cost options and the action per verdict, from signals written by
 * hand (on top of a computed set, so every field exists). Prices are the
 * us-east-1 table: storage $0.30/GB-month, Elastic $0.03/GB read and
 * $0.06/GB written, Provisioned $6.00 per MiB/s-month (EFS pricing page,
 * 2026-11-01, shared/domain/pricing.ts).
 */
import { describe, expect, it } from 'vitest';
import { evidenceFromRecording } from '../../local/evidence.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import {
  actionFor,
  costOptions,
} from '../../shared/domain/diagnosis/engine.ts';
import {
  computeSignals,
  type Signals,
} from '../../shared/domain/diagnosis/signals.ts';
import { MAX_IO_NO_ELASTIC } from '../../shared/domain/efs-rules.ts';

const MiB = 1024 ** 2;
const CONTEXT = {
  region: 'us-east-1',
  windowStart: '2026-11-23T00:00:00.000Z',
  windowEnd: '2026-11-23T00:30:00.000Z',
};

let base: Signals | undefined;
async function signals(overrides: Partial<Signals>): Promise<Signals> {
  base ??= computeSignals(
    await evidenceFromRecording(
      simulateScenario('credits-exhausted', {
        end: new Date('2026-11-23T00:30:00Z'),
      }),
    ),
    CONTEXT,
  );
  return { ...base, ...overrides };
}

describe('costOptions', () => {
  it('offers no Elastic price for Max I/O, and says why', async () => {
    const s = await signals({ performanceMode: 'maxIO' });

    expect(costOptions(s, CONTEXT).costs[0]).toEqual({
      mode: 'elastic',
      monthlyUsd: null,
      available: false,
      basis: MAX_IO_NO_ELASTIC,
    });
  });

  it('says when read and write bytes were not available', async () => {
    const s = await signals({ readBytes: null, writeBytes: null });

    expect(costOptions(s, CONTEXT).costs[0]).toEqual({
      mode: 'elastic',
      monthlyUsd: null,
      basis: 'read and write bytes were not available',
    });
  });

  it('prices throughput alone when the size is unknown, and says so for Bursting', async () => {
    // 30 minutes, 1,440 windows a month: 1 GB read is 1,440 GB at $0.03 =
    // $43.20; 0.5 GB written plus 0.5 GB metadata is 1,440 GB at $0.06 =
    // $86.40; together $129.60.
    const s = await signals({
      windowMinutes: 30,
      sizeStandardBytes: null,
      readBytes: 1e9,
      writeBytes: 0.5e9,
      metadataBytes: 0.5e9,
      demandP95BytesPerSecond: null,
      demandBytesPerSecond: [],
    });

    const { costs } = costOptions(s, CONTEXT);

    expect(costs).toEqual([
      {
        mode: 'elastic',
        monthlyUsd: 129.6,
        basis:
          "1,440.0 GB read and 1,440.0 GB written a month at this window's rate, plus storage",
      },
      { mode: 'bursting', monthlyUsd: null, basis: 'size unknown' },
    ]);
  });

  it("caps Provisioned at EFS's 3,414 MiB/s and says what was wanted", async () => {
    // One period of 3,000 MiB/s: its p99.9 is 3,000 MiB/s, + 20% headroom
    // = 3,600 MiB/s wanted.
    const s = await signals({
      mode: 'bursting',
      demandP95BytesPerSecond: 3000 * MiB,
      demandBytesPerSecond: [3000 * MiB],
      demandCapped: false,
      baselineBytesPerSecond: MiB,
      sizeStandardBytes: null,
    });

    const provisioned = costOptions(s, CONTEXT).costs.find(
      (c) => c.mode === 'provisioned',
    );

    // The size unknown, nothing is entitled: 3,414 MiB/s * $6 = $20,484
    // (the 1 MiB/s minimum baseline is a performance floor, not billed
    // throughput).
    expect(provisioned).toEqual({
      mode: 'provisioned',
      provisionedMibps: 3414,
      monthlyUsd: 20484,
      basis:
        "p99.9 demand 3000.0 MiB/s + 20% headroom (3600 MiB/s wanted, above EFS's 3414 MiB/s Provisioned maximum); billed in full (the storage size, which entitles 50 KiB/s per GiB, is unknown)",
    });
  });

  it('provisions at least 1 MiB/s', async () => {
    const s = await signals({
      mode: 'bursting',
      demandP95BytesPerSecond: 1,
      demandBytesPerSecond: [1],
      baselineBytesPerSecond: 0,
      sizeStandardBytes: null,
    });

    expect(
      costOptions(s, CONTEXT).costs.find((c) => c.mode === 'provisioned')
        ?.provisionedMibps,
    ).toBe(1);
  });
});

describe('actionFor', () => {
  it.each([
    ['efs-burst-credits-exhausted', {}, 'switch-to-elastic'],
    ['efs-burst-credits-draining', {}, 'switch-to-elastic'],
    [
      'efs-burst-credits-exhausted',
      { performanceMode: 'maxIO' },
      'increase-provisioned-throughput',
    ],
    [
      'efs-provisioned-throughput-saturated',
      { mode: 'provisioned' },
      'increase-provisioned-throughput',
    ],
    ['efs-io-limit', { mode: 'bursting' }, 'switch-to-elastic'],
    ['efs-io-limit', { mode: 'provisioned' }, 'switch-to-elastic'],
    ['efs-io-limit', { mode: 'elastic' }, 'investigate'],
    ['efs-io-limit', { mode: 'bursting', oneZone: true }, 'investigate'],
    [
      'efs-io-limit',
      { mode: 'bursting', performanceMode: 'maxIO' },
      'investigate',
    ],
    ['clickhouse-merge-backlog', {}, 'tune-clickhouse-inserts'],
    ['no-storage-problem', {}, 'none'],
    ['clickhouse-unreachable', {}, 'investigate'],
    ['insufficient-evidence', {}, 'investigate'],
  ] as const)(
    'answers %s on %o with %s',
    async (verdict, overrides, action) => {
      const s = await signals({
        performanceMode: 'generalPurpose',
        oneZone: false,
        ...overrides,
      } as Partial<Signals>);

      expect(actionFor(verdict, s)).toBe(action);
    },
  );
});

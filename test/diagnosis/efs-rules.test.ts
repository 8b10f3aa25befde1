/**
 * The EFS rules as AWS states them, on hand-built evidence whose expected
 * numbers are worked out by hand in the comments.
 *
 * Sources: EFS user guide "Performance" (docs.aws.amazon.com/efs/latest/ug/
 * performance.html: burst rate, IOPS table), "Managing file system
 * throughput" (the 24 h wait), re:Post knowledge center
 * "efs-choosing-correct-throughput-mode" (Elastic only with General Purpose),
 * @aws-sdk/client-efs (ProvisionedThroughputInMibps: 1-3414 MiBps).
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../../functions/diagnose/core.ts';
import type { Evidence, Trigger } from '../../shared/domain/contracts.ts';
import { diagnose } from '../../shared/domain/diagnosis/engine.ts';
import { burstBytesPerSecondFor } from '../../shared/domain/efs-rules.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { testConfig } from '../fixtures/config.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;
const START = '2026-11-23T02:00:00.000Z';
const END = '2026-11-23T03:00:00.000Z';
const context = { region: 'us-east-1', windowStart: START, windowEnd: END };

const series = (values: (number | null)[]) => ({
  start: START,
  periodSeconds: 60,
  values,
});
const repeat = (a: number, n: number, b: number, m: number) => [
  ...Array.from({ length: n }, () => a),
  ...Array.from({ length: m }, () => b),
];

/**
 * Evidence of one file system over the window at 60 s periods, all of it
 * Standard-class storage, with Langfuse's `langfuseMetrics` and no
 * ClickHouse.
 */
function evidenceOf(
  fileSystem: {
    throughputMode: 'bursting' | 'provisioned' | 'elastic';
    performanceMode: 'generalPurpose' | 'maxIO';
    provisionedThroughputMibps?: number;
    sizeBytes: number;
  },
  metrics: Record<string, ReturnType<typeof series>>,
  langfuseMetrics: Record<string, ReturnType<typeof series>> = {},
): Evidence {
  return {
    efs: {
      source: 'efs',
      available: true,
      fileSystem: {
        fileSystemId: FS_ID,
        ...fileSystem,
        lifeCycleState: 'available',
        sizeStandardBytes: fileSystem.sizeBytes,
        tags: {},
      },
      periodSeconds: 60,
      metrics,
      missing: [],
    },
    langfuse: {
      source: 'langfuse',
      available: true,
      periodSeconds: 60,
      metrics: langfuseMetrics,
      missing: [],
    },
    clickhouse: {
      source: 'clickhouse',
      available: false,
      reason: 'no ClickHouse endpoint is configured',
    },
  };
}

/**
 * 60 one-minute periods. The first 30 burst at `burstBps` permitted while
 * moving `demandBps`; the last 30 have no credits and are held at the
 * baseline, moving exactly the baseline (100% utilization).
 */
function exhausted(options: {
  performanceMode: 'generalPurpose' | 'maxIO';
  sizeBytes: number;
  demandBps: number;
}): Evidence {
  const baseline = Math.max(MiB, (options.sizeBytes / GiB) * 50 * 1024);
  const burst = Math.max(100 * MiB, (options.sizeBytes / TiB) * 100 * MiB);
  const metered = repeat(options.demandBps * 60, 30, baseline * 60, 30);
  return evidenceOf(
    {
      throughputMode: 'bursting',
      performanceMode: options.performanceMode,
      sizeBytes: options.sizeBytes,
    },
    {
      burst_credit_balance: series(repeat(GiB, 30, 0, 30)),
      permitted_throughput: series(repeat(burst, 30, baseline, 30)),
      metered_io_bytes: series(metered),
      data_read_io_bytes: series(repeat(0, 30, 0, 30)),
      data_write_io_bytes: series(metered),
      metadata_io_bytes: series(repeat(0, 30, 0, 30)),
    },
    { langfuse_dropped_records: series(repeat(0, 35, 10, 25)) },
  );
}

/** 60 quiet periods (4 MiB/s of 100 MiB/s), 20 of them at 100% PercentIOLimit. */
function atIoLimit(
  throughputMode: 'bursting' | 'provisioned' | 'elastic',
): Evidence {
  const permitted = 100 * MiB;
  return evidenceOf(
    {
      throughputMode,
      performanceMode: 'generalPurpose',
      ...(throughputMode === 'provisioned'
        ? { provisionedThroughputMibps: 100 }
        : {}),
      sizeBytes: 60 * GiB,
    },
    {
      ...(throughputMode === 'bursting'
        ? { burst_credit_balance: series(repeat(TiB, 30, TiB, 30)) }
        : {}),
      permitted_throughput: series(repeat(permitted, 30, permitted, 30)),
      metered_io_bytes: series(repeat(4 * MiB * 60, 30, 4 * MiB * 60, 30)),
      percent_io_limit: series(repeat(40, 40, 100, 20)),
    },
  );
}

function trigger(policy: Trigger['policy']): Trigger {
  return {
    kind: 'alarm',
    fileSystemId: FS_ID,
    region: 'us-east-1',
    state: 'ALARM',
    triggeredAt: END,
    windowMinutes: 60,
    windowStart: START,
    windowEnd: END,
    dryRun: false,
    policy,
  };
}

describe('the burst rate', () => {
  it('is 100 MiB/s per TiB of Standard storage, at least 100 MiB/s', () => {
    // 0.5 TiB × 100 = 50 MiB/s, under the floor: 100 MiB/s.
    expect(burstBytesPerSecondFor(512 * GiB)).toBe(100 * MiB);
    // 1.5 TiB × 100 MiB/s per TiB = 150 MiB/s.
    expect(burstBytesPerSecondFor(1.5 * TiB)).toBe(150 * MiB);
    // The guide's table: 2,048 GiB bursts at 200 MiB/s.
    expect(burstBytesPerSecondFor(2 * TiB)).toBe(200 * MiB);
    // The guide's example: 10 TiB bursts at 1,000 MiB/s.
    expect(burstBytesPerSecondFor(10 * TiB)).toBe(1000 * MiB);
  });

  it('says the 200 MiB/s burst of a 2 TiB file system out of credits', () => {
    const evidence = exhausted({
      performanceMode: 'generalPurpose',
      sizeBytes: 2 * TiB,
      demandBps: 150 * MiB,
    });
    const { diagnosis } = diagnose(evidence, context);
    expect(diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    // Baseline 2,048 GiB × 50 KiB/s = 102,400 KiB/s = 100.0 MiB/s.
    expect(diagnosis.findings.join('\n')).toContain(
      'permitted throughput 100.0 MiB/s is the baseline of 2.0 TiB stored (50 KiB/s per GiB, 1 MiB/s floor), down from the 200.0 MiB/s burst',
    );
    expect(diagnosis.signals.burstBytesPerSecond).toBe(200 * MiB);
  });
});

describe('exhausted credits on Max I/O', () => {
  // 40 GiB: baseline 40 × 51,200 B/s = 2,048,000 B/s (1.953125 MiB/s).
  const evidence = exhausted({
    performanceMode: 'maxIO',
    sizeBytes: 40 * GiB,
    demandBps: 4 * MiB,
  });

  it('recommends Provisioned, sized from demand, never Elastic', () => {
    const { diagnosis, recommendation } = diagnose(evidence, context);
    expect(diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    expect(recommendation.action).toBe('increase-provisioned-throughput');
    const provisioned = recommendation.costs.find(
      (c) => c.mode === 'provisioned',
    );
    // Demand in the 30 unpinned periods is 4 MiB/s; its p99.9 (no period
    // of 30 may lie above) is 4 MiB/s, + 20% headroom = 4.8, rounded up to
    // 5 MiB/s.
    expect(provisioned?.provisionedMibps).toBe(5);
    // Billed above the baseline: (5 − 1.953125) MiB/s × $6 = $18.28125;
    // storage 40 GiB = 42.94967296 GB × $0.30 = $12.8849; total $31.17.
    expect(provisioned?.monthlyUsd).toBe(31.17);
    expect(recommendation.summary).toMatch(
      /to Provisioned throughput 5 MiB\/s: EFS offers Elastic throughput only with General Purpose performance mode/,
    );
    const caveats = recommendation.caveats.join('\n');
    expect(caveats).toMatch(/^not automated: /m);
    expect(caveats).toMatch(
      /after a switch to Provisioned or an increase of the provisioned amount, the mode cannot change again and the amount cannot decrease for 24 h/,
    );
    expect(JSON.stringify(recommendation)).not.toMatch(/switch-to-elastic/);
  });

  it('prices no Elastic for it: the mode is not offered', () => {
    const { recommendation } = diagnose(evidence, context);
    const elastic = recommendation.costs.find((c) => c.mode === 'elastic');
    expect(elastic).toMatchObject({ available: false, monthlyUsd: null });
    expect(elastic?.basis).toMatch(/only with General Purpose/);
  });

  it('gives the same evidence on General Purpose the switch to Elastic', () => {
    const gp = exhausted({
      performanceMode: 'generalPurpose',
      sizeBytes: 40 * GiB,
      demandBps: 4 * MiB,
    });
    expect(diagnose(gp, context).recommendation.action).toBe(
      'switch-to-elastic',
    );
  });

  it('is not automated, even under policy auto', () => {
    const { diagnosis, recommendation } = diagnose(evidence, context);
    for (const policy of ['auto', 'approve', 'off'] as const) {
      const decision = decide(
        trigger(policy),
        evidence,
        diagnosis,
        recommendation,
        testConfig(),
      );
      expect(decision.next).toBe('done');
      expect(decision.reason).toMatch(/for a person to do, whatever/);
    }
  });

  it('refuses a switch to Elastic that names a Max I/O file system', () => {
    const { diagnosis, recommendation } = diagnose(evidence, context);
    const decision = decide(
      trigger('auto'),
      evidence,
      diagnosis,
      { ...recommendation, action: 'switch-to-elastic' },
      testConfig(),
    );
    expect(decision).toMatchObject({ next: 'done' });
    expect(decision.reason).toMatch(/only with General Purpose/);
  });

  it("keeps the size within EFS's 1-3414 MiB/s Provisioned range", () => {
    // 4,000 MiB/s + 20% = 4,800 MiB/s wanted, over the 3,414 maximum.
    const big = exhausted({
      performanceMode: 'maxIO',
      sizeBytes: 40 * GiB,
      demandBps: 4000 * MiB,
    });
    const provisioned = diagnose(big, context).recommendation.costs.find(
      (c) => c.mode === 'provisioned',
    );
    expect(provisioned?.provisionedMibps).toBe(3414);
    expect(provisioned?.basis).toMatch(
      /4800 MiB\/s wanted, above EFS's 3414 MiB\/s Provisioned maximum/,
    );
  });
});

describe('the IO limit', () => {
  it.each([
    // EFS performance table, Regional General Purpose: Bursting 35,000
    // read / 7,000 write IOPS; Provisioned 55,000 / 25,000.
    ['bursting', /about 35,000 read and 7,000 write IOPS/],
    ['provisioned', /about 55,000 read and 25,000 write IOPS/],
  ] as const)(
    'on %s recommends Elastic with the IOPS figures',
    (mode, figures) => {
      const { diagnosis, recommendation } = diagnose(atIoLimit(mode), context);
      expect(diagnosis.verdict).toBe('efs-io-limit');
      expect(recommendation.action).toBe('switch-to-elastic');
      expect(recommendation.summary).toMatch(figures);
      expect(recommendation.summary).toMatch(
        /Elastic up to 900,000–2,500,000 read and 500,000 write IOPS/,
      );
      expect(recommendation.summary).not.toMatch(/Max I\/O/);
    },
  );

  it('stays investigate on Elastic, with no Max I/O advice', () => {
    const { diagnosis, recommendation } = diagnose(
      atIoLimit('elastic'),
      context,
    );
    expect(diagnosis.verdict).toBe('efs-io-limit');
    expect(recommendation.action).toBe('investigate');
    expect(recommendation.summary).not.toMatch(/Max I\/O/);
  });

  it('stays investigate on a One Zone file system, whose limit no mode raises', () => {
    // EFS performance table, One Zone row: 35,000 read / 7,000 write IOPS
    // in Elastic, Provisioned and Bursting alike.
    const evidence = atIoLimit('bursting');
    if (!evidence.efs.available) throw new Error('fixture');
    evidence.efs.fileSystem.availabilityZoneName = 'us-east-1a';

    const { diagnosis, recommendation } = diagnose(evidence, context);

    expect(diagnosis.verdict).toBe('efs-io-limit');
    expect(recommendation.action).toBe('investigate');
    expect(recommendation.summary).toMatch(
      /One Zone file system: 35,000 read and 7,000 write IOPS in every throughput mode/,
    );
  });
});

describe('the 24 h rule', () => {
  it("says EFS's wait as the guide has it and names burstguard's cap as its own", () => {
    const { recommendation } = diagnose(
      exhausted({
        performanceMode: 'generalPurpose',
        sizeBytes: 40 * GiB,
        demandBps: 4 * MiB,
      }),
      context,
    );
    expect(recommendation.action).toBe('switch-to-elastic');
    const caveats = recommendation.caveats.join('\n');
    expect(caveats).toMatch(
      /current user guide puts the 24 h wait only after a switch to Provisioned or an increase of it, older knowledge-center text after any mode change/,
    );
    expect(caveats).toMatch(/TooManyRequests, its "Wait until" time/);
    expect(caveats).toMatch(
      /burstguard's own limit, not AWS's: it makes at most one change per file system per 24 h/,
    );
  });
});

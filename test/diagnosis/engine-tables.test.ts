/**
 * The engine over a hand-written window, every figure worked out in the
 * comments: a Bursting file system of 400 GiB, 100 GiB of it in Standard
 * storage (the rest in Infrequent Access), out of credits and held at its
 * baseline for the whole 30-minute window, with no Langfuse signals.
 *
 * EFS user guide, "Performance": the Bursting baseline is 50 KiB/s per GiB
 * of Standard storage (1 MiB/s floor), the burst 100 MiB/s per TiB of
 * Standard storage (at least 100 MiB/s).
 */
import { describe, expect, it } from 'vitest';
import { evidenceFromRecording } from '../../local/evidence.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import type { Evidence, Series } from '../../shared/domain/contracts.ts';
import { findContradictions } from '../../shared/domain/diagnosis/contradictions.ts';
import { diagnose } from '../../shared/domain/diagnosis/engine.ts';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const WINDOW_START = '2026-11-23T03:00:00.000Z';
const WINDOW_END = '2026-11-23T03:30:00.000Z';
// 100 GiB * 50 KiB/s = 5,000 KiB/s = 5,120,000 B/s, shown as 4.9 MiB/s
// (5,120,000 / 1,048,576 = 4.88).
const BASELINE = 100 * 50 * 1024;

function series(values: (number | null)[]): Series {
  return { start: WINDOW_START, periodSeconds: 60, values };
}

/** The simulator's evidence, read once: the tests replace its numbers. */
let simulated: Promise<Evidence> | undefined;

async function exhaustedWindow(): Promise<Evidence> {
  simulated ??= evidenceFromRecording(
    simulateScenario('credits-exhausted', {
      end: new Date('2026-11-23T03:30:00Z'),
    }),
  );
  const base = structuredClone(await simulated);
  if (!base.efs.available) throw new Error('scenario has EFS evidence');
  return {
    ...base,
    efs: {
      ...base.efs,
      periodSeconds: 60,
      missing: [],
      fileSystem: {
        ...base.efs.fileSystem,
        throughputMode: 'bursting',
        sizeBytes: 400 * GiB,
        sizeStandardBytes: 100 * GiB,
      },
      metrics: {
        // Every minute metered exactly what was permitted: 100 percent.
        metered_io_bytes: series(Array<number>(30).fill(BASELINE * 60)),
        permitted_throughput: series(Array<number>(30).fill(BASELINE)),
        // From 2 GiB down to 1 GiB over the window. "Near zero" for this
        // file system is under 10 minutes of baseline: 600 s * 5,120,000
        // B/s = 2.86 GiB, so 1 GiB left is exhausted.
        burst_credit_balance: series(
          Array.from({ length: 30 }, (_, i) => 2 * GiB - (i * GiB) / 29),
        ),
      },
    },
    langfuse: {
      source: 'langfuse',
      available: false,
      reason: 'no Langfuse signals configured',
    },
    clickhouse: {
      source: 'clickhouse',
      available: false,
      reason: 'no ClickHouse endpoint configured',
    },
  } as Evidence;
}

const CONTEXT = {
  region: 'us-east-1',
  windowStart: WINDOW_START,
  windowEnd: WINDOW_END,
};

/** The exhausted window with other EFS numbers. */
async function windowWith(
  fileSystem: Record<string, unknown>,
  metrics: Record<string, Series>,
): Promise<Evidence> {
  const evidence = await exhaustedWindow();
  if (!evidence.efs.available) throw new Error('has EFS evidence');
  return {
    ...evidence,
    efs: {
      ...evidence.efs,
      fileSystem: { ...evidence.efs.fileSystem, ...fileSystem },
      metrics,
    },
  } as Evidence;
}

describe('diagnose over a hand-written exhausted window', () => {
  it('finds the credits exhausted, scoring every part of the evidence', async () => {
    const evidence = await exhaustedWindow();

    const { diagnosis } = diagnose(evidence, {
      region: 'us-east-1',
      windowStart: WINDOW_START,
      windowEnd: WINDOW_END,
    });

    expect(diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    const exhausted = diagnosis.ranked.find(
      (h) => h.verdict === 'efs-burst-credits-exhausted',
    );
    // 0.35 (credits near zero) + 0.35 * min(1, 30 pinned min / 15) + 0.15
    // (permitted at the baseline) + 0.15 * 0 (no Langfuse errors) = 0.85.
    expect(exhausted?.score).toBe(0.85);
    expect(exhausted?.evidenceFor).toEqual([
      'burst credits 1.0 GiB (down from 2.0 GiB in the window)',
      'throughput pinned at >= 95% of 4.9 MiB/s permitted for 30 min of 30 min (longest stretch 30 min, peak 100%)',
      // The baseline is of the 100 GiB in Standard storage, not the 400
      // GiB stored; the burst of 100 GiB is the 100 MiB/s minimum.
      'permitted throughput 4.9 MiB/s is the baseline of 100.0 GiB stored (50 KiB/s per GiB, 1 MiB/s floor), down from the 100.0 MiB/s burst (100 MiB/s per TiB of Standard storage, at least 100 MiB/s)',
    ]);
    expect(diagnosis.headline).toBe(
      `${evidence.efs.available ? `${evidence.efs.fileSystem.fileSystemId} (${evidence.efs.fileSystem.name})` : ''} ran out of burst credits: throughput held at 4.9 MiB/s and pinned for 30 min`,
    );
    // The baseline and burst are said once, by the evidence above: the
    // mode line does not repeat them.
    expect(diagnosis.findings).toContain(
      'bursting mode, 100.0 GiB in Standard storage',
    );
    expect(
      diagnosis.findings.filter((f) => f.includes('baseline')),
    ).toHaveLength(1);
    expect(diagnosis.signals).toMatchObject({
      sizeStandardBytes: 100 * GiB,
      baselineBytesPerSecond: BASELINE,
      burstBytesPerSecond: 100 * MiB,
      permittedBytesPerSecond: BASELINE,
      utilizationMaxPercent: 100,
      pinnedMinutes: 30,
      pinnedLongestMinutes: 30,
      creditBytes: GiB,
    });
  });

  it('does not call exhausted credits draining, and says why', async () => {
    const { diagnosis } = diagnose(await exhaustedWindow(), {
      region: 'us-east-1',
      windowStart: WINDOW_START,
      windowEnd: WINDOW_END,
    });

    const draining = diagnosis.ranked.find(
      (h) => h.verdict === 'efs-burst-credits-draining',
    );
    expect(draining?.score).toBe(0);
    expect(draining?.evidenceAgainst).toEqual([
      'credits are already exhausted (1.0 GiB)',
    ]);
    expect(diagnosis.gaps).toContain(
      'Langfuse signals: no Langfuse signals configured',
    );
  });
});

describe('diagnose, the other hypotheses on the exhausted window', () => {
  it('scores each and says why, with the confidence worked out', async () => {
    const { diagnosis } = diagnose(await exhaustedWindow(), CONTEXT);
    const h = (verdict: string) =>
      diagnosis.ranked.find((x) => x.verdict === verdict);

    expect(h('efs-provisioned-throughput-saturated')?.evidenceAgainst).toEqual([
      'the file system is in bursting mode, not provisioned',
    ]);
    expect(h('efs-io-limit')?.evidenceAgainst).toEqual([
      'no PercentIOLimit data',
    ]);
    expect(h('clickhouse-unreachable')?.evidenceAgainst).toEqual([
      'no ClickHouse endpoint is configured',
    ]);
    // Peak 100 percent: 0.75 * max(0, (95 - 100) / 45) = 0.
    expect(h('no-storage-problem')).toMatchObject({
      score: 0,
      evidenceFor: [
        'throughput peaked at 100% of permitted',
        'burst credits 1.0 GiB',
      ],
    });
    // 30 periods of data (>= 10): only the two unread sources count,
    // 0.1 each.
    expect(h('insufficient-evidence')).toMatchObject({
      score: 0.2,
      evidenceFor: ['could not read: Langfuse signals, ClickHouse'],
      evidenceAgainst: ['30 periods of throughput data'],
    });
    // Coverage 1 - 0.1 (Langfuse) - 0.1 (ClickHouse) = 0.8; the margin
    // (0.85 - 0.2) / 0.5 is over 1, so 1: 0.85 * (0.6 + 0.4) * 0.8 = 0.68.
    expect(diagnosis.confidence).toBe(0.68);
  });
});

describe('diagnose over a hand-written IO limit window', () => {
  it('finds the IO limit after 20 minutes at 100 percent of it, and advises Elastic', async () => {
    // Credits full and flat, throughput at 50 percent, PercentIOLimit at
    // 100 for the first 20 of 30 minutes, 50 after.
    const evidence = await windowWith(
      {},
      {
        metered_io_bytes: series(Array<number>(30).fill(BASELINE * 30)),
        permitted_throughput: series(Array<number>(30).fill(BASELINE)),
        burst_credit_balance: series(Array<number>(30).fill(2000 * GiB)),
        percent_io_limit: series([
          ...Array<number>(20).fill(100),
          ...Array<number>(10).fill(50),
        ]),
      },
    );

    const { diagnosis, recommendation } = diagnose(evidence, CONTEXT);

    expect(diagnosis.verdict).toBe('efs-io-limit');
    // 0.7 * min(1, 20 / 15) + 0.15 * (100 - 80) / 20 + 0 (no Langfuse
    // errors) = 0.85.
    expect(diagnosis.ranked[0]).toMatchObject({
      verdict: 'efs-io-limit',
      score: 0.85,
      evidenceFor: ['PercentIOLimit at or above 95% for 20 min (peak 100%)'],
    });
    expect(diagnosis.headline).toMatch(
      / is at the General Purpose IO limit for 20 min$/,
    );
    expect(recommendation.action).toBe('switch-to-elastic');
  });

  it('says the IO limit peaked below 95 percent when it never reached it', async () => {
    const evidence = await windowWith(
      {},
      {
        metered_io_bytes: series(Array<number>(30).fill(BASELINE * 30)),
        permitted_throughput: series(Array<number>(30).fill(BASELINE)),
        percent_io_limit: series(Array<number>(30).fill(90)),
      },
    );

    const { diagnosis } = diagnose(evidence, CONTEXT);
    const io = diagnosis.ranked.find((x) => x.verdict === 'efs-io-limit');

    // 0.15 * (90 - 80) / 20 = 0.075, rounded to 3 decimals.
    expect(io?.score).toBe(0.075);
    expect(io?.evidenceAgainst).toEqual(['PercentIOLimit peaked at 90%']);
  });
});

/**
 * Provisioned at 10 MiB/s, permitted 10 MiB/s, metered at 100 percent for
 * the first 20 minutes and 40 percent after.
 */
function provisionedPinnedWindow() {
  const permitted = 10 * MiB;
  return windowWith(
    { throughputMode: 'provisioned', provisionedThroughputMibps: 10 },
    {
      metered_io_bytes: series([
        ...Array<number>(20).fill(permitted * 60),
        ...Array<number>(10).fill(permitted * 60 * 0.4),
      ]),
      permitted_throughput: series(Array<number>(30).fill(permitted)),
    },
  );
}

describe('diagnose over a hand-written Provisioned window', () => {
  it('finds Provisioned throughput saturated after 20 pinned minutes', async () => {
    // Provisioned at 10 MiB/s, permitted 10 MiB/s, metered at 100 percent
    // for the first 20 minutes and 40 percent after.
    const evidence = await provisionedPinnedWindow();

    const { diagnosis, recommendation } = diagnose(evidence, CONTEXT);

    expect(diagnosis.verdict).toBe('efs-provisioned-throughput-saturated');
    // 0.6 * min(1, 20 / 15) + 0.2 (pinned at all) + 0 (no Langfuse) = 0.8.
    expect(diagnosis.ranked[0]).toMatchObject({
      score: 0.8,
      evidenceFor: [
        'throughput pinned at >= 95% of 10.0 MiB/s permitted for 20 min of 30 min (longest stretch 20 min, peak 100%); provisioned 10 MiB/s',
      ],
    });
    expect(diagnosis.headline).toMatch(
      / is pinned at its provisioned 10 MiB\/s for 20 min$/,
    );
    expect(recommendation.action).toBe('increase-provisioned-throughput');
    // Not Bursting: neither credit hypothesis applies.
    expect(
      diagnosis.ranked.find((x) => x.verdict === 'efs-burst-credits-exhausted')
        ?.evidenceAgainst,
    ).toEqual(['the file system is in provisioned mode, not bursting']);
    expect(
      diagnosis.ranked.find((x) => x.verdict === 'efs-burst-credits-draining')
        ?.evidenceAgainst,
    ).toEqual(['the file system is in provisioned mode']);
  });
});

describe('the cost options on the exhausted window', () => {
  it('prices the three modes from the window, scaled to a 30-day month', async () => {
    const base = await exhaustedWindow();
    if (!base.efs.available) throw new Error('has EFS evidence');
    // Reads 1e8 B and writes 5e7 B a minute: 3e9 and 1.5e9 B in the 30
    // minutes. A month is 43,200 minutes, 1,440 windows: 4,320 GB read and
    // 2,160 GB written (decimal GB, as EFS bills).
    const evidence = {
      ...base,
      efs: {
        ...base.efs,
        metrics: {
          ...base.efs.metrics,
          data_read_io_bytes: series(Array<number>(30).fill(1e8)),
          data_write_io_bytes: series(Array<number>(30).fill(5e7)),
        },
      },
    } as Evidence;

    const { recommendation } = diagnose(evidence, CONTEXT);

    // us-east-1: storage 100 GiB = 107.374 GB * $0.30 = $32.21; Elastic
    // 4,320 * $0.03 + 2,160 * $0.06 = $259.20, plus storage = $291.41.
    // Provisioned: every minute pinned, so demand is the whole window's,
    // 5,120,000 B/s = 4.883 MiB/s in every period, its p99.9; + 20% =
    // 5.86 MiB/s, rounded up to 6; the baseline's 4.883 MiB/s is included,
    // 1.117 MiB/s billed * $6 = $6.70, plus storage = $38.92.
    expect(recommendation.costs).toEqual([
      {
        mode: 'elastic',
        monthlyUsd: 291.41,
        basis:
          "4,320.0 GB read and 2,160.0 GB written a month at this window's rate, plus storage",
      },
      {
        mode: 'provisioned',
        provisionedMibps: 6,
        monthlyUsd: 38.92,
        basis:
          'p99.9 demand 4.9 MiB/s (capped by starvation: real demand is higher) + 20% headroom; billed above the 4.9 MiB/s the storage entitles (50 KiB/s per GiB), plus storage',
      },
      {
        mode: 'bursting',
        monthlyUsd: 32.21,
        basis:
          'storage only (107.4 GB); throughput limited to the baseline once credits run out',
      },
    ]);
    expect(recommendation.action).toBe('switch-to-elastic');
    expect(recommendation.summary).toMatch(
      / to Elastic throughput: no downtime, pay per GB moved, bursts to GiB\/s$/,
    );
    // $38.92 is under half of $291.41: the cheaper option is named.
    expect(recommendation.caveats).toContain(
      'at this load Provisioned 6 MiB/s would cost about $38.92/month against $291 for Elastic; Elastic is the fix that needs no sizing, Provisioned the cheaper one once the load is known',
    );
    expect(recommendation.priceTable).toBe(
      'us-east-1 prices of 2026-11-01 (aws.amazon.com/efs/pricing)',
    );
  });
});

describe('diagnose over a hand-written draining window', () => {
  it('forecasts the credits running out in 7 h 51 min and says starvation has not started', async () => {
    // Credits 500 GiB falling 1 GiB a minute to 471 GiB; permitted at the
    // 100 MiB/s burst, metered at half of it: never pinned.
    const burst = 100 * MiB;
    const evidence = await windowWith(
      {},
      {
        metered_io_bytes: series(Array<number>(30).fill(burst * 30)),
        permitted_throughput: series(Array<number>(30).fill(burst)),
        burst_credit_balance: series(
          Array.from({ length: 30 }, (_, i) => (500 - i) * GiB),
        ),
      },
    );

    const { diagnosis } = diagnose(evidence, CONTEXT);

    expect(diagnosis.verdict).toBe('efs-burst-credits-draining');
    // 471 min to zero: 0.45 + 0.45 * (1 - 471 / 1,440) + 0.1 * 0 (median
    // utilization 50 percent adds nothing) = 0.7528, shown as 0.753.
    // Falling 1 GiB a minute is 17.07 MiB/s; 471 min is 7 h 51 min.
    expect(diagnosis.ranked[0]).toMatchObject({
      verdict: 'efs-burst-credits-draining',
      score: 0.753,
      evidenceFor: [
        'burst credits 471.0 GiB, falling 17.1 MiB/s; forecast to run out in 7 h 51 min',
        'no starvation yet: throughput not pinned',
      ],
    });
    expect(diagnosis.headline).toMatch(
      / burst credits run out in about 7 h 51 min$/,
    );
    const exhausted = diagnosis.ranked.find(
      (h) => h.verdict === 'efs-burst-credits-exhausted',
    );
    expect(exhausted?.evidenceAgainst).toEqual([
      'burst credits 471.0 GiB (down from 500.0 GiB in the window)',
      'throughput never pinned: peak 50% of permitted',
    ]);
    // Healthy: 0.75 * min(1, (95 - 50) / 45) = 0.75, times 0.3 for credits
    // running out within a day = 0.225.
    const healthy = diagnosis.ranked.find(
      (h) => h.verdict === 'no-storage-problem',
    );
    expect(healthy?.score).toBe(0.225);
    // Second best 0.225: margin (0.7528 - 0.225) / 0.5 > 1, so 1; coverage
    // 0.8 (no Langfuse, no ClickHouse): 0.7528 * 0.8 = 0.60.
    expect(diagnosis.confidence).toBe(0.6);
  });
});

describe('contradictions at their edges', () => {
  /** `n` minutes at `value`, the rest of the 30 null. */
  const minutes = (n: number, value: number) =>
    series([
      ...Array<number>(n).fill(value),
      ...Array<null>(30 - n).fill(null),
    ]);

  it('finds credits with permitted throughput at the baseline for 5 minutes, not 4', async () => {
    // 500 GiB of credits is far above "clearly above zero" (the larger of
    // 1 GiB and 600 s at 4.9 MiB/s, 2.86 GiB); the baseline with its 10
    // percent tolerance is 5,632,000 B/s.
    const at = (n: number, permitted: number) =>
      windowWith(
        {},
        {
          burst_credit_balance: minutes(n, 500 * GiB),
          permitted_throughput: minutes(n, permitted),
        },
      );

    const five = findContradictions(await at(5, BASELINE * 1.1));
    const four = findContradictions(await at(4, BASELINE));
    const aboveTolerance = findContradictions(await at(5, BASELINE * 1.1 + 1));

    expect(five.map((c) => c.detail)).toEqual([
      'BurstCreditBalance at least 500.0 GiB while PermittedThroughput was at most 5.4 MiB/s, the Bursting baseline of 100.0 GiB stored (4.9 MiB/s, 1 MiB/s floor), for 5 min: with credits it should be allowed the 100.0 MiB/s burst',
    ]);
    expect(four).toEqual([]);
    expect(aboveTolerance).toEqual([]);
  });

  it('finds Bursting permitted above 110 percent of its burst rate for 5 minutes', async () => {
    // The burst of 100 GiB of Standard storage is the 100 MiB/s minimum;
    // with 10 percent tolerance, 110 MiB/s is still Bursting.
    const above = await windowWith(
      {},
      { permitted_throughput: minutes(5, 111 * MiB) },
    );
    const atTolerance = await windowWith(
      {},
      { permitted_throughput: minutes(5, 110 * MiB) },
    );

    expect(findContradictions(above).map((c) => c.detail)).toEqual([
      'DescribeFileSystems says Bursting, yet PermittedThroughput reached 111.0 MiB/s in 5 min of the window, above the 100.0 MiB/s burst rate',
    ]);
    expect(findContradictions(atTolerance)).toEqual([]);
  });

  it('finds Provisioned permitted under 90 percent of its setting for 5 minutes', async () => {
    const provisioned = {
      throughputMode: 'provisioned',
      provisionedThroughputMibps: 10,
    };
    const below = await windowWith(provisioned, {
      permitted_throughput: minutes(5, 8.9 * MiB),
    });
    const atTolerance = await windowWith(provisioned, {
      permitted_throughput: minutes(5, 9 * MiB),
    });

    expect(findContradictions(below).map((c) => c.detail)).toEqual([
      'DescribeFileSystems says Provisioned at 10 MiB/s, yet PermittedThroughput was as low as 8.9 MiB/s in 5 min of the window',
    ]);
    expect(findContradictions(atTolerance)).toEqual([]);
  });
});

describe('the Langfuse line of a finding', () => {
  /** The exhausted window with Langfuse signals, pinned from `pinnedFrom`. */
  async function withLangfuse(
    pinnedFrom: number,
    dropped: (number | null)[],
    timeouts: (number | null)[],
  ) {
    const evidence = await exhaustedWindow();
    const fresh = await evidenceFromRecording(
      simulateScenario('credits-exhausted', {
        end: new Date('2026-11-23T03:30:00Z'),
      }),
    );
    if (!evidence.efs.available || !fresh.langfuse.available) {
      throw new Error('scenario has EFS and Langfuse evidence');
    }
    return {
      ...evidence,
      efs: {
        ...evidence.efs,
        metrics: {
          ...evidence.efs.metrics,
          // Half throughput before `pinnedFrom`, all of it after.
          metered_io_bytes: series(
            Array.from({ length: 30 }, (_, i) =>
              i < pinnedFrom ? BASELINE * 30 : BASELINE * 60,
            ),
          ),
        },
      },
      langfuse: {
        ...fresh.langfuse,
        periodSeconds: 60,
        droppedRecordsCount: undefined,
        metrics: {
          langfuse_dropped_records: series(dropped),
          langfuse_clickhouse_timeouts: series(timeouts),
        },
      },
    } as Evidence;
  }

  it('counts drops and timeouts and says they started 10 min after throughput was pinned', async () => {
    // Pinned from minute 0; 100 records dropped a minute from minute 10
    // (20 minutes: 2,000) and 5 timeouts at minute 12. The first error is
    // at minute 10: 10 min after the first pinned minute.
    const evidence = await withLangfuse(
      0,
      [...Array<number>(10).fill(0), ...Array<number>(20).fill(100)],
      [...Array<number>(12).fill(0), 5, ...Array<number>(17).fill(0)],
    );

    const { diagnosis } = diagnose(evidence, CONTEXT);
    const exhausted = diagnosis.ranked.find(
      (h) => h.verdict === 'efs-burst-credits-exhausted',
    );

    expect(exhausted?.evidenceFor).toContain(
      '2,000 Langfuse records dropped (from log metric filters) and 5 ClickHouse write timeouts in 30 min, starting 10 min after throughput was pinned',
    );
    // 0.85 as before, plus 0.15 for Langfuse errors: 1.
    expect(exhausted?.score).toBe(1);
    expect(diagnosis.signals.droppedRecords).toBe(2000);
    expect(diagnosis.signals.clickhouseTimeouts).toBe(5);
    expect(diagnosis.signals.langfuseLagMinutes).toBe(10);
  });

  it('says when the errors started before throughput was pinned, and leaves out a count that is zero', async () => {
    // Pinned from minute 20; timeouts only, 3 a minute from minute 5 to
    // 29: 25 minutes, 75 timeouts, starting 15 min before the pinning.
    const evidence = await withLangfuse(20, Array<number>(30).fill(0), [
      ...Array<number>(5).fill(0),
      ...Array<number>(25).fill(3),
    ]);

    const { diagnosis } = diagnose(evidence, CONTEXT);
    const exhausted = diagnosis.ranked.find(
      (h) => h.verdict === 'efs-burst-credits-exhausted',
    );

    expect(exhausted?.evidenceFor).toContain(
      '75 ClickHouse write timeouts in 30 min, starting 15 min before throughput was pinned',
    );
  });

  it('has no Langfuse line when Langfuse logged nothing', async () => {
    const evidence = await withLangfuse(
      0,
      Array<number>(30).fill(0),
      Array<number>(30).fill(0),
    );

    const { diagnosis } = diagnose(evidence, CONTEXT);
    const exhausted = diagnosis.ranked.find(
      (h) => h.verdict === 'efs-burst-credits-exhausted',
    );

    expect(exhausted?.score).toBe(0.85);
    expect(exhausted?.evidenceFor.join(' ')).not.toContain('Langfuse');
  });
});

describe('diagnose, what each hypothesis says against itself', () => {
  const against = (
    diagnosis: ReturnType<typeof diagnose>['diagnosis'],
    verdict: string,
  ) => diagnosis.ranked.find((h) => h.verdict === verdict)?.evidenceAgainst;

  it('says EFS could not be read, and calls the evidence too little, when no source answered', async () => {
    const evidence = {
      ...(await exhaustedWindow()),
      efs: { source: 'efs', available: false, reason: 'AccessDenied' },
    } as Evidence;

    const { diagnosis } = diagnose(evidence, CONTEXT);

    expect(diagnosis.verdict).toBe('insufficient-evidence');
    expect(diagnosis.headline).toBe('too little data to say what is wrong');
    // No EFS: 0.55, plus 0.1 for each of the three unread sources = 0.85.
    expect(diagnosis.ranked[0]).toMatchObject({
      score: 0.85,
      evidenceFor: ['could not read: EFS, Langfuse signals, ClickHouse'],
    });
    expect(against(diagnosis, 'efs-burst-credits-exhausted')).toEqual([
      'EFS could not be read',
    ]);
    expect(against(diagnosis, 'efs-burst-credits-draining')).toEqual([
      'EFS could not be read',
    ]);
    expect(against(diagnosis, 'efs-provisioned-throughput-saturated')).toEqual([
      'EFS could not be read',
    ]);
    expect(against(diagnosis, 'no-storage-problem')).toEqual([
      'not enough EFS data to clear storage',
    ]);
    expect(diagnosis.gaps).toContain('EFS: AccessDenied');
  });

  it('says PercentIOLimit does not exist for Max I/O', async () => {
    const evidence = await windowWith(
      { performanceMode: 'maxIO' },
      {
        metered_io_bytes: series(Array<number>(30).fill(BASELINE * 60)),
        permitted_throughput: series(Array<number>(30).fill(BASELINE)),
        percent_io_limit: series(Array<number>(30).fill(100)),
      },
    );

    const { diagnosis } = diagnose(evidence, CONTEXT);

    expect(against(diagnosis, 'efs-io-limit')).toEqual([
      'PercentIOLimit is reported only for General Purpose file systems; this one is Max I/O',
    ]);
  });

  it('says a Provisioned file system never pinned peaked below its setting', async () => {
    const permitted = 10 * MiB;
    const evidence = await windowWith(
      { throughputMode: 'provisioned', provisionedThroughputMibps: 10 },
      {
        metered_io_bytes: series(Array<number>(30).fill(permitted * 60 * 0.4)),
        permitted_throughput: series(Array<number>(30).fill(permitted)),
      },
    );

    const { diagnosis } = diagnose(evidence, CONTEXT);

    expect(against(diagnosis, 'efs-provisioned-throughput-saturated')).toEqual([
      'throughput peaked at 40% of the provisioned 10 MiB/s',
    ]);
  });

  it('says credits that do not fall, or are not there, are not draining', async () => {
    const flat = await windowWith(
      {},
      {
        metered_io_bytes: series(Array<number>(30).fill(BASELINE * 30)),
        permitted_throughput: series(Array<number>(30).fill(100 * MiB)),
        burst_credit_balance: series(Array<number>(30).fill(500 * GiB)),
      },
    );
    const none = await windowWith(
      {},
      {
        metered_io_bytes: series(Array<number>(30).fill(BASELINE * 30)),
        permitted_throughput: series(Array<number>(30).fill(100 * MiB)),
      },
    );

    expect(
      against(diagnose(flat, CONTEXT).diagnosis, 'efs-burst-credits-draining'),
    ).toEqual(['credits are not falling (500.0 GiB)']);
    expect(
      against(diagnose(none, CONTEXT).diagnosis, 'efs-burst-credits-draining'),
    ).toEqual(['no burst credit data']);
  });
});

describe('diagnose, findings and advice on hand-written windows', () => {
  it('averages the IO of the window in its findings', async () => {
    const evidence = await exhaustedWindow();
    if (!evidence.efs.available) throw new Error('has EFS evidence');
    evidence.efs.metrics.data_read_io_bytes = series(
      Array<number>(30).fill(1e8),
    );
    evidence.efs.metrics.data_write_io_bytes = series(
      Array<number>(30).fill(5e7),
    );

    const { diagnosis } = diagnose(evidence, CONTEXT);

    // 30 * 1e8 B over 1,800 s = 1,666,667 B/s = 1.6 MiB/s; writes
    // 833,333 B/s = 814 KiB/s; no metadata: 0 KiB/s.
    expect(diagnosis.findings).toContain(
      'IO in the window: reads 1.6 MiB/s, writes 814 KiB/s, metadata 0 KiB/s on average',
    );
  });

  it('advises raising a pinned Provisioned setting by the sizing headroom, and prices it', async () => {
    const evidence = await provisionedPinnedWindow();

    const { recommendation } = diagnose(evidence, CONTEXT);

    // Unpinned demand 4 MiB/s + 20% = 4.8, rounded up to 5; pinned at 10,
    // so 10 + 20% = 12 wins. Billed 12 - 4.883 (baseline of 100 GiB) =
    // 7.117 MiB/s * $6 = $42.70, plus $32.21 of storage = $74.92.
    expect(recommendation.action).toBe('increase-provisioned-throughput');
    expect(recommendation.summary).toMatch(
      /^raise provisioned throughput of .+ to about 12 MiB\/s, or switch to Elastic$/,
    );
    expect(recommendation.costs.find((c) => c.mode === 'provisioned')).toEqual({
      mode: 'provisioned',
      provisionedMibps: 12,
      monthlyUsd: 74.92,
      basis:
        'pinned at the provisioned 10 MiB/s, so demand is above it: that + 20%, or p99.9 demand 4.0 MiB/s when not pinned + 20% headroom; billed above the 4.9 MiB/s the storage entitles (50 KiB/s per GiB), plus storage',
    });
  });

  it('finds no storage problem at a 40 percent peak with steady credits, and changes nothing', async () => {
    const evidence = await windowWith(
      {},
      {
        metered_io_bytes: series(Array<number>(30).fill(100 * MiB * 60 * 0.4)),
        permitted_throughput: series(Array<number>(30).fill(100 * MiB)),
        burst_credit_balance: series(Array<number>(30).fill(2000 * GiB)),
      },
    );

    const { diagnosis, recommendation } = diagnose(evidence, CONTEXT);

    // 0.75 * min(1, (95 - 40) / 45) = 0.75; credits flat, no IO limit.
    expect(diagnosis.ranked[0]).toMatchObject({
      verdict: 'no-storage-problem',
      score: 0.75,
      evidenceFor: [
        'throughput peaked at 40% of permitted',
        // 2,000 GiB is 1.95 TiB: the largest unit with one decimal.
        'burst credits 2.0 TiB',
      ],
    });
    expect(diagnosis.headline).toMatch(/ storage and ClickHouse look healthy$/);
    expect(recommendation).toMatchObject({
      action: 'none',
      summary: 'nothing to change',
    });
  });

  it('advises Elastic for the IO limit with the IOPS of each mode', async () => {
    const evidence = await windowWith(
      {},
      {
        metered_io_bytes: series(Array<number>(30).fill(BASELINE * 30)),
        permitted_throughput: series(Array<number>(30).fill(BASELINE)),
        burst_credit_balance: series(Array<number>(30).fill(2000 * GiB)),
        percent_io_limit: series(Array<number>(30).fill(100)),
      },
    );

    const { recommendation } = diagnose(evidence, CONTEXT);

    // The EFS performance table's figures for Regional General Purpose
    // file systems: Bursting 35,000 read and 7,000 write IOPS; Elastic up to
    // 900,000-2,500,000 read and 500,000 write, 250,000 and 50,000 by
    // default.
    expect(recommendation.summary).toMatch(
      / to Elastic throughput to raise its IOPS limit: in General Purpose mode bursting throughput allows about 35,000 read and 7,000 write IOPS, Elastic up to 900,000–2,500,000 read and 500,000 write IOPS \(250,000 and 50,000 by default, more on request; EFS performance table\), and PercentIOLimit measures the limit of the current mode$/,
    );
  });
});

describe('diagnose over a hand-written ClickHouse backlog', () => {
  it('finds merges falling behind while storage has headroom', async () => {
    const healthyStorage = await windowWith(
      {},
      {
        metered_io_bytes: series(Array<number>(30).fill(100 * MiB * 60 * 0.4)),
        permitted_throughput: series(Array<number>(30).fill(100 * MiB)),
        burst_credit_balance: series(Array<number>(30).fill(2000 * GiB)),
      },
    );
    const backlog = await evidenceFromRecording(
      simulateScenario('merge-backlog', {
        end: new Date('2026-11-23T03:30:00Z'),
      }),
    );
    if (!backlog.clickhouse.available) throw new Error('has ClickHouse');
    const evidence = {
      ...healthyStorage,
      clickhouse: {
        ...backlog.clickhouse,
        elapsedMs: 1234,
        summary: {
          ...backlog.clickhouse.summary,
          maxPartsInPartition: 550,
          maxPartsTable: 'observations',
          partsToDelayInsert: null,
          partsToThrowInsert: 3000,
          delayedInserts: 12,
          rejectedInserts: 0,
          newPartsPerMinute: 30,
          mergePartsPerMinute: 6,
        },
      },
    } as Evidence;

    const { diagnosis, recommendation } = diagnose(evidence, CONTEXT);

    // Parts (550 - 100) / (1,000 default delay - 100) = 0.5; delayed
    // inserts: 1; merges lag (30 - 6) / 30 = 0.8. 0.55 * 0.5 + 0.3 * 1 +
    // 0.15 * 0.8 = 0.695, storage not starved.
    expect(diagnosis.verdict).toBe('clickhouse-merge-backlog');
    expect(diagnosis.ranked[0]).toMatchObject({
      score: 0.695,
      evidenceFor: [
        'max 550 active parts in one partition of observations (inserts slow down at 1,000, fail at 3,000)',
        '12 delayed and 0 rejected inserts since the server started',
        '30.0 new parts/min against 6.0 merges/min',
      ],
    });
    expect(diagnosis.headline).toBe(
      'ClickHouse merges are falling behind inserts while storage has headroom',
    );
    expect(recommendation.action).toBe('tune-clickhouse-inserts');
    // Healthy storage would score 0.75 (peak 40 percent), halved for 550
    // parts and times 0.6 for delayed inserts: 0.225.
    const healthy = diagnosis.ranked.find(
      (h) => h.verdict === 'no-storage-problem',
    );
    expect(healthy?.score).toBe(0.225);
    expect(healthy?.evidenceAgainst).toContain(
      'ClickHouse: max 550 active parts in one partition of observations (inserts slow down at 1,000, fail at 3,000)',
    );
    expect(
      diagnosis.ranked.find((h) => h.verdict === 'clickhouse-unreachable')
        ?.evidenceAgainst,
    ).toEqual(['ClickHouse answered in 1,234 ms']);
  });
});

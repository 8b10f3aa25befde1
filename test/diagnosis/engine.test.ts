import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../local/scenarios.ts';
import {
  type Evidence,
  evidenceSchema,
  type Series,
} from '../../shared/domain/contracts.ts';
import { diagnose } from '../../shared/domain/diagnosis/engine.ts';
import {
  forecastExhaustion,
  preflightCheck,
} from '../../shared/domain/diagnosis/forecast.ts';
import { baselineFor } from '../../shared/domain/diagnosis/signals.ts';
import { priceTable } from '../../shared/domain/pricing.ts';
import { scenarioEvidence } from '../fixtures/scenarios.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

const EXPECTED: Record<(typeof SCENARIOS)[number], string> = {
  'credits-exhausted': 'efs-burst-credits-exhausted',
  'credits-draining': 'efs-burst-credits-draining',
  'provisioned-saturated': 'efs-provisioned-throughput-saturated',
  'io-limit': 'efs-io-limit',
  'maxio-credits-exhausted': 'efs-burst-credits-exhausted',
  'io-limit-bursting': 'efs-io-limit',
  'credits-exhausted-2tib': 'efs-burst-credits-exhausted',
  'merge-backlog': 'clickhouse-merge-backlog',
  'clickhouse-unreachable': 'clickhouse-unreachable',
  'healthy-blip': 'no-storage-problem',
  'elastic-headroom': 'no-storage-problem',
  'too-little-data': 'insufficient-evidence',
  // The engine scores it as exhausted; the contradiction keeps auto from
  // acting on it (test/diagnosis/contradictions.test.ts).
  'credits-contradictory': 'efs-burst-credits-exhausted',
  // Replication falling behind on three replicas is the starved storage's
  // symptom, not a verdict of its own.
  'eks-replicas': 'efs-burst-credits-exhausted',
};

describe('diagnose', () => {
  it.each(SCENARIOS)('gives the %s scenario its verdict', async (name) => {
    const { evidence, context } = await scenarioEvidence(name);
    const { diagnosis } = diagnose(evidence, context);
    expect(diagnosis.verdict).toBe(EXPECTED[name]);
    expect(diagnosis.ranked[0]?.verdict).toBe(EXPECTED[name]);
    expect(diagnosis.ranked).toHaveLength(8);
    // Every runner-up says what speaks against it.
    for (const h of diagnosis.ranked.slice(1)) {
      expect(h.evidenceAgainst.length, h.verdict).toBeGreaterThan(0);
    }
  });

  it('explains the seed incident with numbers and units', async () => {
    const { evidence, context } = await scenarioEvidence('credits-exhausted');
    const { diagnosis, recommendation } = diagnose(evidence, context);
    expect(diagnosis.confidence).toBeGreaterThan(0.8);
    const text = diagnosis.findings.join('\n');
    expect(text).toMatch(/burst credits 0 B/);
    expect(text).toMatch(/pinned at >= 95% of 1\.0 MiB\/s permitted for \d+ h/);
    expect(text).toMatch(/baseline of 3\.6 GiB stored/);
    expect(text).toMatch(/[\d,]+ Langfuse records dropped/);
    expect(recommendation.action).toBe('switch-to-elastic');
    expect(recommendation.caveats.join(' ')).toMatch(/24 h/);
    expect(recommendation.costs.map((c) => c.mode)).toEqual([
      'elastic',
      'provisioned',
      'bursting',
    ]);
    expect(recommendation.priceTable).toMatch(
      /us-east-1 prices of \d{4}-\d{2}-\d{2}/,
    );
  });

  it('does not blame EFS for too many parts on healthy storage', async () => {
    const { evidence, context } = await scenarioEvidence('merge-backlog');
    const { diagnosis, recommendation } = diagnose(evidence, context);
    expect(diagnosis.verdict).toBe('clickhouse-merge-backlog');
    expect(diagnosis.verdict.startsWith('efs-')).toBe(false);
    expect(recommendation.action).toBe('tune-clickhouse-inserts');
    expect(recommendation.action).not.toBe('switch-to-elastic');
    expect(diagnosis.findings.join(' ')).toMatch(/1,680 active parts/);
  });

  it('lowers confidence when sources are missing', async () => {
    const { evidence, context } = await scenarioEvidence('credits-exhausted');
    const full = diagnose(evidence, context).diagnosis.confidence;
    const partial = diagnose(
      {
        ...evidence,
        langfuse: { source: 'langfuse', available: false, reason: 'throttled' },
        clickhouse: {
          source: 'clickhouse',
          available: false,
          reason: 'unreachable after 5 s',
        },
      },
      context,
    ).diagnosis;
    expect(partial.verdict).toBe('efs-burst-credits-exhausted');
    expect(partial.confidence).toBeLessThan(full);
    expect(partial.gaps).toHaveLength(2);
  });

  it('never throws and keeps confidence in 0..1 on arbitrary evidence', async () => {
    const { evidence: base } = await scenarioEvidence('credits-exhausted');
    const series = fc.record({
      start: fc.constant('2026-11-23T00:12:00.000Z'),
      periodSeconds: fc.constantFrom(60, 300),
      values: fc.array(
        fc.option(fc.double({ min: -1e15, max: 1e15, noNaN: true }), {
          nil: null,
        }),
        { maxLength: 60 },
      ),
    });
    const metrics = fc.dictionary(
      fc.constantFrom(
        'burst_credit_balance',
        'permitted_throughput',
        'metered_io_bytes',
        'data_read_io_bytes',
        'data_write_io_bytes',
        'metadata_io_bytes',
        'percent_io_limit',
      ),
      series,
    );
    const efs = fc.oneof(
      fc.record({
        source: fc.constant('efs'),
        available: fc.constant(false),
        reason: fc.string(),
      }),
      fc.record({
        source: fc.constant('efs'),
        available: fc.constant(true),
        fileSystem: fc.record({
          fileSystemId: fc.constant('fs-0123456789abcdef0'),
          throughputMode: fc.constantFrom('bursting', 'provisioned', 'elastic'),
          performanceMode: fc.constantFrom('generalPurpose', 'maxIO'),
          provisionedThroughputMibps: fc.option(
            fc.integer({ min: 1, max: 3414 }),
            { nil: undefined },
          ),
          lifeCycleState: fc.constant('available'),
          sizeBytes: fc.double({ min: 0, max: 1e14, noNaN: true }),
          sizeStandardBytes: fc.double({ min: 0, max: 1e14, noNaN: true }),
          tags: fc.constant({}),
        }),
        periodSeconds: fc.constantFrom(60, 300),
        metrics,
        missing: fc.array(fc.string(), { maxLength: 3 }),
      }),
    );
    const clickhouse = fc.oneof(
      fc.constant(base.clickhouse),
      fc.record({
        source: fc.constant('clickhouse'),
        available: fc.constant(false),
        reason: fc.string(),
      }),
    );
    fc.assert(
      fc.property(efs, clickhouse, (efsEvidence, chEvidence) => {
        const evidence = evidenceSchema.parse({
          efs: efsEvidence,
          langfuse: base.langfuse,
          clickhouse: chEvidence,
        }) as Evidence;
        const { diagnosis } = diagnose(evidence, {
          region: 'eu-west-1',
          windowStart: '2026-11-23T00:12:00.000Z',
          windowEnd: '2026-11-23T03:12:00.000Z',
        });
        expect(diagnosis.confidence).toBeGreaterThanOrEqual(0);
        expect(diagnosis.confidence).toBeLessThanOrEqual(1);
        for (const h of diagnosis.ranked) {
          expect(h.score).toBeGreaterThanOrEqual(0);
          expect(h.score).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never lowers the exhaustion score when starvation evidence grows', async () => {
    const { evidence, context } = await scenarioEvidence('credits-exhausted');
    if (!evidence.efs.available) throw new Error('expected EFS evidence');
    const efs = evidence.efs;
    const score = (pinnedSlots: number, credit: number) => {
      const permitted = efs.metrics.permitted_throughput as Series;
      const metered = structuredClone(efs.metrics.metered_io_bytes as Series);
      const credits = structuredClone(
        efs.metrics.burst_credit_balance as Series,
      );
      metered.values = metered.values.map((_, i) =>
        i >= metered.values.length - pinnedSlots
          ? (permitted.values[i] ?? MiB) * 60
          : 0.2 * MiB * 60,
      );
      credits.values[credits.values.length - 1] = credit;
      const modified = {
        ...evidence,
        efs: {
          ...efs,
          metrics: {
            ...efs.metrics,
            metered_io_bytes: metered,
            burst_credit_balance: credits,
          },
        },
      };
      return (
        diagnose(modified, context).diagnosis.ranked.find(
          (h) => h.verdict === 'efs-burst-credits-exhausted',
        )?.score ?? 0
      );
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 170 }),
        fc.integer({ min: 0, max: 10 }),
        fc.double({ min: 0, max: 10 * GiB, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (pinned, more, credit, fraction) => {
          // More pinned minutes, and fewer credits, never score lower.
          expect(
            score(pinned + more, credit * fraction),
          ).toBeGreaterThanOrEqual(score(pinned, credit));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('forecastExhaustion', () => {
  it('lands within 10% of the true time to zero on a noisy draining series', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 50, max: 2000, noNaN: true }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (minutesToZero, seed) => {
          let s = seed;
          const noise = () => {
            s = (s * 1103515245 + 12345) % 2147483648;
            return s / 2147483648 - 0.5;
          };
          const slope = (500 * GiB) / (minutesToZero + 180);
          const latest = slope * minutesToZero;
          const values = Array.from({ length: 180 }, (_, i) => {
            const exact = latest + slope * (179 - i);
            return exact + noise() * 0.02 * exact;
          });
          const f = forecastExhaustion({
            start: '2026-11-23T00:00:00.000Z',
            periodSeconds: 60,
            values,
          });
          expect(f.minutesToZero).not.toBeNull();
          expect(
            Math.abs((f.minutesToZero ?? 0) - minutesToZero) / minutesToZero,
          ).toBeLessThan(0.1);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('resists a few wild datapoints that would fool a two-point fit', () => {
    const values = Array.from({ length: 120 }, (_, i) => 1000 * GiB - i * GiB);
    values[119] = 2000 * GiB;
    values[0] = 0;
    const f = forecastExhaustion({
      start: '2026-11-23T00:00:00.000Z',
      periodSeconds: 60,
      values,
    });
    expect(f.slopeBytesPerMinute).toBeCloseTo(-GiB, -6);
  });

  it('says nothing is running out when credits are steady or rising', () => {
    const values = Array.from({ length: 60 }, (_, i) => 100 * GiB + i * MiB);
    expect(
      forecastExhaustion({
        start: '2026-11-23T00:00:00.000Z',
        periodSeconds: 60,
        values,
      }).minutesToZero,
    ).toBeNull();
  });
});

describe('preflightCheck', () => {
  it('warns only for the file system that runs out within the horizon', () => {
    const draining = Array.from({ length: 120 }, (_, i) => 200 * GiB - i * GiB);
    const steady = Array.from({ length: 120 }, () => 2000 * GiB);
    const results = preflightCheck(
      [
        {
          fileSystemId: 'fs-0000000000000000a',
          credits: {
            start: '2026-11-23T00:00:00.000Z',
            periodSeconds: 60,
            values: draining,
          },
        },
        {
          fileSystemId: 'fs-0000000000000000b',
          credits: {
            start: '2026-11-23T00:00:00.000Z',
            periodSeconds: 60,
            values: steady,
          },
        },
      ],
      240,
    );
    expect(results.map((r) => r.warn)).toEqual([true, false]);
    expect(results[0]?.message).toMatch(
      /burst credits 81.0 GiB, forecast to run out in 81 min/,
    );
  });
});

describe('the baseline and the prices', () => {
  it('applies the 1 MiB/s floor below 20 GiB and 50 KiB/s per GiB above', () => {
    expect(baselineFor(3.6 * GiB)).toBe(MiB);
    expect(baselineFor(100 * GiB)).toBe(100 * 50 * 1024);
  });

  it('keeps a dated table for each required region and takes overrides', () => {
    for (const region of [
      'us-east-1',
      'us-west-2',
      'eu-west-1',
      'ap-northeast-1',
    ]) {
      const table = priceTable(region);
      expect(table.fallback).toBe(false);
      expect(table.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(priceTable('us-east-1').elasticReadUsdPerGb).toBe(0.03);
    expect(priceTable('us-east-1').elasticWriteUsdPerGb).toBe(0.06);
    expect(
      priceTable('us-east-1', { elasticReadUsdPerGb: 0.02 }).source,
    ).toMatch(/overrides/);
    expect(priceTable('sa-east-1').fallback).toBe(true);
  });
});

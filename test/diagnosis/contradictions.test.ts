/**
 * Contradictions between sources, each rule against the EFS documentation
 * it rests on: "When a file system has a positive burst credit balance, it
 * can burst" (EFS user guide, "Performance", managing burst credits;
 * awsdocs/amazon-efs-user-guide doc_source/performance.md); Bursting
 * permits at most 100 MiB/s per TiB of Standard storage, at least 100 MiB/s
 * (same page, bursting table); PermittedThroughput in Provisioned mode is
 * the provisioned amount or more when the storage allows more (EFS user
 * guide, CloudWatch metrics for Amazon EFS).
 */
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../local/scenarios.ts';
import {
  diagnosisSchema,
  type Evidence,
  type Series,
} from '../../shared/domain/contracts.ts';
import {
  CONTRADICTION_MIN_PERIODS,
  CONTRADICTIONS,
  findContradictions,
} from '../../shared/domain/diagnosis/contradictions.ts';
import { diagnose } from '../../shared/domain/diagnosis/engine.ts';
import { scenarioEvidence } from '../fixtures/scenarios.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

/** The evidence with one EFS series' values replaced. */
function withSeries(
  evidence: Evidence,
  id: 'burst_credit_balance' | 'permitted_throughput',
  value: (old: number | null, i: number) => number | null,
): Evidence {
  const copy = structuredClone(evidence);
  if (!copy.efs.available) throw new Error('EFS evidence expected');
  const series = copy.efs.metrics[id] as Series;
  series.values = series.values.map((v, i) => value(v, i));
  return copy;
}

const ids = (evidence: Evidence) =>
  findContradictions(evidence).map((c) => c.id);

describe('contradictions between sources', () => {
  it('names each rule once and cites the EFS documentation in its reason', () => {
    const names = CONTRADICTIONS.map((r) => r.id);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([
      'credits-but-permitted-at-baseline',
      'bursting-above-burst-rate',
      'provisioned-permitted-below-setting',
    ]);
    for (const rule of CONTRADICTIONS) {
      expect(rule.why, rule.id).toMatch(/EFS user guide/);
    }
  });

  it('finds none in any consistent built-in incident', async () => {
    for (const name of SCENARIOS.filter((n) => n !== 'credits-contradictory')) {
      const { evidence } = await scenarioEvidence(name);
      expect(ids(evidence), name).toEqual([]);
    }
  });

  it('finds 1.8 TiB of credits with permitted throughput at the 1 MiB/s floor', async () => {
    const { evidence, context } = await scenarioEvidence(
      'credits-contradictory',
    );
    const { diagnosis } = diagnose(evidence, context);
    // Scored as exhausted, as before contradictions were looked for...
    expect(diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    expect(diagnosis.confidence).toBeLessThan(0.8);
    // ...and now listed, with the numbers, in the diagnosis output.
    expect(diagnosis.contradictions).toHaveLength(1);
    const [found] = diagnosis.contradictions ?? [];
    expect(found?.id).toBe('credits-but-permitted-at-baseline');
    expect(found?.detail).toMatch(
      /BurstCreditBalance at least 1\.8 TiB while PermittedThroughput was at most 1\.0 MiB\/s/,
    );
    expect(found?.detail).toMatch(/the 100\.0 MiB\/s burst/);
    expect(found?.why).toMatch(/positive burst credit balance, it can burst/);
    expect(diagnosisSchema.parse(diagnosis).contradictions).toEqual(
      diagnosis.contradictions,
    );
  });

  it('lets a real exhaustion overlap its credits for a few periods', async () => {
    // Credits and permitted throughput are separate metrics: at the
    // moment credits run out they may be a period or two apart.
    const { evidence } = await scenarioEvidence('credits-exhausted');
    const overlap = CONTRADICTION_MIN_PERIODS - 1;
    const skewed = withSeries(evidence, 'burst_credit_balance', (v, i) =>
      i >= 100 && i < 100 + overlap ? 2 * TiB : v,
    );
    expect(ids(skewed)).toEqual([]);
    const longer = withSeries(evidence, 'burst_credit_balance', (v, i) =>
      i >= 100 && i < 100 + overlap + 1 ? 2 * TiB : v,
    );
    expect(ids(longer)).toEqual(['credits-but-permitted-at-baseline']);
  });

  it('does not call a balance near zero "above zero"', async () => {
    // 0.5 GiB is above the engine's exhaustion threshold yet not clearly
    // above zero for a 3.6 GiB file system (1 GiB or ten minutes of
    // baseline): no contradiction.
    const { evidence } = await scenarioEvidence('credits-contradictory');
    const small = withSeries(evidence, 'burst_credit_balance', () => 0.5 * GiB);
    expect(ids(small)).toEqual([]);
  });

  it('finds Bursting permitted above its burst rate', async () => {
    const { evidence } = await scenarioEvidence('healthy-blip');
    expect(ids(evidence)).toEqual([]);
    // 3 GiB/s is what an Elastic file system reports as permitted.
    const elastic = withSeries(evidence, 'permitted_throughput', () => 3 * GiB);
    expect(ids(elastic)).toEqual(['bursting-above-burst-rate']);
  });

  it('finds Provisioned permitted below its setting', async () => {
    const { evidence } = await scenarioEvidence('provisioned-saturated');
    expect(ids(evidence)).toEqual([]);
    // Above the 8 MiB/s setting is allowed (the storage may permit more).
    const more = withSeries(evidence, 'permitted_throughput', () => 20 * MiB);
    expect(ids(more)).toEqual([]);
    const less = withSeries(evidence, 'permitted_throughput', () => 1 * MiB);
    expect(ids(less)).toEqual(['provisioned-permitted-below-setting']);
  });

  it('finds nothing when EFS could not be read', () => {
    expect(
      findContradictions({
        efs: { source: 'efs', available: false, reason: 'throttled' },
        langfuse: { source: 'langfuse', available: false, reason: 'x' },
        clickhouse: { source: 'clickhouse', available: false, reason: 'x' },
      }),
    ).toEqual([]);
  });
});

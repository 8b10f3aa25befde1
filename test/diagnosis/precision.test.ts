/**
 * The collectors keep bytes and counts whole and percents to 0.01, so every
 * state stays under Step Functions' 256 KB. This checks that the engine
 * needs no more: for every built-in scenario, the values CloudWatch could
 * have answered before rounding (anything within half a unit) give the same
 * diagnosis and costs.
 */
import { describe, expect, it } from 'vitest';
import {
  evidenceFromRecording,
  triggerForRecording,
} from '../../local/evidence.ts';
import { SCENARIOS, simulateScenario } from '../../local/scenarios.ts';
import type { Evidence, Series } from '../../shared/domain/contracts.ts';
import { diagnose } from '../../shared/domain/diagnosis/engine.ts';

const END = new Date('2026-11-23T03:12:00Z');

/** A deterministic offset in (-half, +half) for slot `i` of series `k`. */
const jitter = (half: number, k: number, i: number) =>
  half * 0.999 * Math.sin(12.9898 * (i + 1) + 78.233 * (k + 1));

/** The evidence with every value moved by less than its rounding step. */
function unrounded(evidence: Evidence): Evidence {
  const copy = structuredClone(evidence);
  if (!copy.efs.available) return copy;
  let k = 0;
  for (const [id, series] of Object.entries(copy.efs.metrics) as [
    string,
    Series,
  ][]) {
    const half =
      id === 'percent_io_limit' || id === 'client_connections' ? 0.005 : 0.5;
    k++;
    series.values = series.values.map((v, i) =>
      v === null ? null : Math.max(0, v + jitter(half, k, i)),
    );
  }
  return copy;
}

describe('diagnosis on rounded series', () => {
  it.each(SCENARIOS)(
    'diagnoses %s as it would at full precision',
    async (name) => {
      // Prepare
      const recording = simulateScenario(name, { end: END });
      const rounded = await evidenceFromRecording(recording);
      const t = triggerForRecording(recording);
      const context = {
        region: 'us-east-1',
        windowStart: t.windowStart,
        windowEnd: t.windowEnd,
      };

      // Act
      const a = diagnose(rounded, context);
      const b = diagnose(unrounded(rounded), context);

      // Assess
      expect(a.diagnosis.verdict).toBe(b.diagnosis.verdict);
      expect(a.recommendation.action).toBe(b.recommendation.action);
      expect(a.diagnosis.confidence).toBeCloseTo(b.diagnosis.confidence, 3);
      expect(a.diagnosis.findings).toEqual(b.diagnosis.findings);
      const costs = (r: typeof a) =>
        r.recommendation.costs.map((c) => c.monthlyUsd ?? 0);
      for (const [i, usd] of costs(a).entries()) {
        const other = costs(b)[i] ?? 0;
        expect(Math.abs(usd - other)).toBeLessThanOrEqual(
          Math.max(0.01, Math.abs(other) * 0.001),
        );
      }
    },
  );
});

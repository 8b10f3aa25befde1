/**
 * Which dropped-record count the engine reads: the exact one from Langfuse's
 * log lines (Logs Insights) when the collector got it, else the metric
 * filters' line count and Langfuse's own counter; and that it says which.
 */
import { describe, expect, it } from 'vitest';
import {
  evidenceFromRecording,
  triggerForRecording,
} from '../../local/evidence.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import type { Evidence } from '../../shared/domain/contracts.ts';
import { diagnose } from '../../shared/domain/diagnosis/engine.ts';
import { computeSignals } from '../../shared/domain/diagnosis/signals.ts';

const END = new Date('2026-11-23T03:12:00Z');

async function seedIncident() {
  const recording = simulateScenario('credits-exhausted', { end: END });
  const evidence = await evidenceFromRecording(recording);
  const t = triggerForRecording(recording);
  if (!evidence.langfuse.available) throw new Error('expected Langfuse');
  return {
    evidence,
    langfuse: evidence.langfuse,
    context: {
      region: 'us-east-1',
      windowStart: t.windowStart,
      windowEnd: t.windowEnd,
    },
  };
}

describe('dropped-record counts in the diagnosis', () => {
  it('reads the exact count when Logs Insights gave one, and says so', async () => {
    // Prepare: each v3.148 batch line the filter counted once held 40
    // records.
    const { evidence, langfuse, context } = await seedIncident();
    const filter = langfuse.metrics.langfuse_dropped_records;
    if (!filter) throw new Error('expected the filter series');
    const exactValues = filter.values.map((v) => (v ?? 0) * 40);
    const exact: Evidence = {
      ...evidence,
      langfuse: {
        ...langfuse,
        droppedRecordsCount: {
          source: 'logs-insights',
          series: { ...filter, values: exactValues },
          bytesScanned: 5e8,
        },
      },
    };
    const expected = exactValues.reduce((a, b) => a + b, 0);

    // Act
    const signals = computeSignals(exact, context);
    const { diagnosis } = diagnose(exact, context);

    // Assess
    expect(expected).toBeGreaterThan(0);
    expect(signals.droppedRecords).toBe(expected);
    expect(signals.droppedRecordsSource).toBe('logs-insights');
    expect(diagnosis.signals.droppedRecords).toBe(expected);
    expect(diagnosis.findings.join('\n')).toContain(
      `${expected.toLocaleString('en-US')} Langfuse records dropped (counted exactly in its logs)`,
    );
    expect(diagnosis.verdict).toBe('efs-burst-credits-exhausted');
  });

  it('falls back to the metric filters, and says so', async () => {
    // Prepare
    const { evidence, langfuse, context } = await seedIncident();
    const fallback: Evidence = {
      ...evidence,
      langfuse: {
        ...langfuse,
        droppedRecordsCount: {
          source: 'metric-filter',
          note: 'Logs Insights: query still Running after 12 s; stopped it',
        },
      },
    };

    // Act
    const signals = computeSignals(fallback, context);
    const { diagnosis } = diagnose(fallback, context);

    // Assess: the filters' own sum, as before Logs Insights existed.
    const lines = (langfuse.metrics.langfuse_dropped_records?.values ?? [])
      .map((v) => v ?? 0)
      .reduce((a, b) => a + b, 0);
    expect(signals.droppedRecords).toBeGreaterThanOrEqual(lines);
    expect(signals.droppedRecordsSource).toBe('metric-filter');
    expect(diagnosis.findings.join('\n')).toMatch(
      /[\d,]+ Langfuse records dropped \(from log metric filters\)/,
    );
  });
});

/**
 * The diagnosis engine over 15 days of 1-minute data: every metric series of
 * the recording format (9 EFS, 2 Langfuse) plus ClickHouse's summary.
 */

import { evidenceFromRecording } from '../local/evidence.ts';
import { simulateScenario } from '../local/scenarios.ts';
import type { Evidence, Series } from '../shared/domain/contracts.ts';
import {
  EFS_METRIC_IDS,
  LANGFUSE_METRIC_IDS,
} from '../shared/domain/contracts.ts';
import { diagnose } from '../shared/domain/diagnosis/engine.ts';
import { type Figure, median } from './figures.ts';

const MINUTES = 15 * 24 * 60;
const RUNS = 25;

function noisySeries(start: Date, base: number, seed: number): Series {
  let s = seed;
  const values = Array.from({ length: MINUTES }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return base * (0.8 + 0.4 * (s / 2147483648));
  });
  return { start: start.toISOString(), periodSeconds: 60, values };
}

export async function benchDiagnosis(): Promise<Figure[]> {
  const end = new Date('2026-11-23T03:12:00Z');
  const start = new Date(end.getTime() - MINUTES * 60_000);
  const seed = await evidenceFromRecording(
    simulateScenario('credits-exhausted', { end }),
  );
  if (!seed.efs.available || !seed.langfuse.available) {
    throw new Error('the seed scenario lost its evidence');
  }
  const efsMetrics: Record<string, Series> = {};
  EFS_METRIC_IDS.forEach((id, i) => {
    efsMetrics[id] = noisySeries(start, 1e6 * (i + 1), i + 1);
  });
  const lfMetrics: Record<string, Series> = {};
  LANGFUSE_METRIC_IDS.forEach((id, i) => {
    lfMetrics[id] = noisySeries(start, 5, 100 + i);
  });
  const evidence: Evidence = {
    efs: { ...seed.efs, periodSeconds: 60, metrics: efsMetrics },
    langfuse: { ...seed.langfuse, periodSeconds: 60, metrics: lfMetrics },
    clickhouse: seed.clickhouse,
  };
  const context = {
    region: 'us-east-1',
    windowStart: start.toISOString(),
    windowEnd: end.toISOString(),
  };
  const series = EFS_METRIC_IDS.length + LANGFUSE_METRIC_IDS.length;
  diagnose(evidence, context);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    diagnose(evidence, context);
    times.push(performance.now() - t);
  }
  return [
    {
      figure: `diagnosis: 15 days of 1-minute data, ${series} series (median of ${RUNS})`,
      value: Math.round(median(times) * 100) / 100,
      unit: 'ms',
      budget: '<= 25 ms',
    },
  ];
}

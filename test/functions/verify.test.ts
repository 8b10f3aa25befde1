import { describe, expect, it } from 'vitest';
import { verifyRemediation } from '../../functions/verify/core.ts';
import { configForRecording } from '../../local/evidence.ts';
import {
  recordingEfsPort,
  recordingMetricsPort,
} from '../../local/recorded-ports.ts';
import {
  simulateAfterSwitch,
  simulateScenario,
} from '../../local/scenarios.ts';
import type { MetricDataResult } from '../../shared/domain/aws-shapes.ts';
import type { AfterRemediate } from '../../shared/domain/contracts.ts';
import type { MetricsPort } from '../../shared/domain/ports.ts';
import { afterSwitch } from '../fixtures/states.ts';

const END = new Date('2026-11-23T03:12:00Z');
const recording = simulateScenario('credits-exhausted', { end: END });
const FS = recording.meta.fileSystemId;

function state(): AfterRemediate {
  return afterSwitch(FS, END);
}

/** The recording's metrics, and `later` after the change. */
function metrics(later: MetricDataResult[]): MetricsPort {
  const recorded = recordingMetricsPort(recording);
  return {
    async getMetricData(request) {
      const before = await recorded.getMetricData(request);
      return request.queries.map((q) => {
        const a = before.find((r) => r.Id === q.id);
        const b = later.find((r) => r.Id === q.id);
        return {
          Id: q.id,
          Timestamps: [...(a?.Timestamps ?? []), ...(b?.Timestamps ?? [])],
          Values: [...(a?.Values ?? []), ...(b?.Values ?? [])],
        };
      });
    },
  };
}

async function check(options: {
  minutesAfter: number;
  later: MetricDataResult[];
  mode?: 'elastic' | 'bursting';
  lifeCycleState?: string;
}) {
  const efs = recordingEfsPort(recording);
  if (options.mode !== 'bursting') {
    await efs.updateFileSystem({ FileSystemId: FS, ThroughputMode: 'elastic' });
  }
  return verifyRemediation(state(), {
    efs: {
      ...efs,
      async describeFileSystem(id) {
        const d = await efs.describeFileSystem(id);
        return {
          ...d,
          LifeCycleState: options.lifeCycleState ?? d.LifeCycleState,
        };
      },
    },
    metrics: metrics(options.later),
    clock: {
      now: () => new Date(END.getTime() + options.minutesAfter * 60_000),
    },
    config: configForRecording(recording),
  });
}

describe('verifyRemediation', () => {
  it('says the switch worked when throughput has headroom and Langfuse stops failing', async () => {
    const later = simulateAfterSwitch('credits-exhausted', {
      from: END,
      minutes: 10,
    });
    const v = await check({ minutesAfter: 10, later });
    expect(v.verdict).toBe('worked');
    expect(v.utilizationBeforePercent).toBeGreaterThanOrEqual(95);
    expect(v.utilizationAfterPercent).toBeLessThan(5);
    expect(v.langfuseErrorsAfter).toBe(0);
    expect(v.langfuseErrorsBefore).toBeGreaterThan(0);
    expect(v.summary).toMatch(
      /elastic since 03:12 UTC: throughput at [\d.]+% of permitted \(was 100% before\)/,
    );
  });

  it('says it did not work when Langfuse keeps failing after the switch', async () => {
    const later = simulateAfterSwitch('credits-exhausted', {
      from: END,
      minutes: 10,
    }).map((r) =>
      r.Id === 'langfuse_dropped_records'
        ? {
            ...r,
            Timestamps: [new Date(END.getTime() + 7 * 60_000).toISOString()],
            Values: [40],
          }
        : r,
    );
    const v = await check({ minutesAfter: 10, later });
    expect(v.verdict).toBe('not-working');
    expect(v.summary).toMatch(/Langfuse still fails to write/);
  });

  it('says it is too early without metrics since the change', async () => {
    const v = await check({ minutesAfter: 1, later: [] });
    expect(v.verdict).toBe('not-yet');
  });

  it('says it did not work when the mode did not change, and waits while updating', async () => {
    const stuck = await check({
      minutesAfter: 10,
      later: [],
      mode: 'bursting',
    });
    expect(stuck).toMatchObject({
      verdict: 'not-working',
      throughputMode: 'bursting',
    });
    const updating = await check({
      minutesAfter: 10,
      later: [],
      mode: 'bursting',
      lifeCycleState: 'updating',
    });
    expect(updating.verdict).toBe('not-yet');
  });
});

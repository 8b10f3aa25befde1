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
import type { Evidence, Series } from '../../shared/contracts.ts';
import { diagnose } from '../../shared/diagnosis/engine.ts';
import { evidenceFromRecording } from '../../shared/evidence.ts';
import { simulateScenario } from '../../shared/simulator/scenarios.ts';

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

async function exhaustedWindow(): Promise<Evidence> {
  const base = await evidenceFromRecording(
    simulateScenario('credits-exhausted', {
      end: new Date('2026-11-23T03:30:00Z'),
    }),
  );
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
    expect(diagnosis.findings).toContain(
      'bursting mode, 100.0 GiB in Standard storage: baseline 4.9 MiB/s, burst 100.0 MiB/s while credits last',
    );
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

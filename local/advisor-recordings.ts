/**
 * Simulated 14-day recordings (format v1, 1-minute periods) for the
 * throughput-mode advisor: generated on demand, never committed. Each is a
 * Langfuse ClickHouse load as EFS would meter it:
 *
 * - `steady-elastic`: a steady ~5 MiB/s on Elastic (Provisioned is far
 *   cheaper);
 * - `spiky-elastic`: ~1 MiB/s with a daily 15-minute burst near 200 MiB/s
 *   on Elastic (Provisioned at the p99.9 costs more than Elastic's bill);
 * - `bursting-worst-day`: Bursting, 100 GiB stored, 0.75 MiB/s metered
 *   with 30 minutes a day at 94 MiB/s the baseline refills, and on day 9
 *   360 minutes that take the credits down to about 13%.
 * - `bursting-early-worst-day`: Bursting, 100 GiB stored, 4.4 MiB/s metered
 *   (under the 4.88 MiB/s baseline) with no noise, and on the first day
 *   300 minutes at 90 MiB/s that take the balance down to about 30%; every
 *   later day refills it. Start to end the balance fell; day by day it
 *   rises.
 *
 * The Bursting recordings have no noise: their demand is constant over
 * runs of minutes, so their credit balance is computed here in closed form
 * from the rates AWS states (EFS user guide, "Amazon EFS performance":
 * credits accrue at the baseline, 50 KiB/s per GiB and at least 1 MiB/s,
 * while below it and are spent above it, capped at 2.1 TiB; while credits
 * last, throughput up to 100 MiB/s; at zero, the baseline). Over a run at
 * a constant demand the balance is a straight line in time, b0 + (baseline
 * − served) × t, held at the cap or run out at T = b0 / (served −
 * baseline): a different form from the advisor's period-by-period
 * simulator, and the tests check both against hand-worked checkpoints.
 */
import { rng } from './random.ts';
import type { Recording } from './recording-format.ts';
import { fileSystemDescription, oneMinuteMeta } from './scenarios.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

export const ADVISOR_RECORDINGS = [
  'steady-elastic',
  'spiky-elastic',
  'bursting-worst-day',
  'bursting-early-worst-day',
] as const;
export type AdvisorRecordingName = (typeof ADVISOR_RECORDINGS)[number];

type Minute = { readBps: number; writeBps: number; metadataBps: number };

type Spec = {
  mode: 'bursting' | 'provisioned' | 'elastic';
  provisionedMibps?: number;
  sizeBytes: number;
  /** Demand of minute `i` (from the start) and day `day`. */
  demand: (i: number, minuteOfDay: number, day: number) => Minute;
};

const SPECS: Record<AdvisorRecordingName, (noise: () => number) => Spec> = {
  'steady-elastic': (noise) => ({
    mode: 'elastic',
    sizeBytes: 50 * GiB,
    demand: () => {
      const f = 0.9 + 0.2 * noise();
      return {
        readBps: 1.5 * MiB * f,
        writeBps: 3.5 * MiB * f,
        metadataBps: 0.1 * MiB * f,
      };
    },
  }),
  'spiky-elastic': (noise) => ({
    mode: 'elastic',
    sizeBytes: 50 * GiB,
    demand: (_i, minuteOfDay) => {
      // 02:00-02:15 UTC every day: a batch near 200 MiB/s, mostly writes.
      const burst = minuteOfDay >= 120 && minuteOfDay < 135;
      const f = 0.9 + 0.2 * noise();
      return burst
        ? {
            readBps: 30 * MiB * f,
            writeBps: 188 * MiB * f,
            metadataBps: 2 * MiB * f,
          }
        : {
            readBps: 0.3 * MiB * f,
            writeBps: 0.7 * MiB * f,
            metadataBps: 0.05 * MiB * f,
          };
    },
  }),
  'bursting-worst-day': () => ({
    mode: 'bursting',
    sizeBytes: 100 * GiB,
    demand: (_i, minuteOfDay, day) => {
      // 30 minutes of bursts a day at 94 MiB/s (under 95% of the 100 MiB/s
      // burst rate, so not read as capped); on day 9, 360 minutes.
      const burstMinutes = day === 9 ? 360 : 30;
      const burst = minuteOfDay >= 600 && minuteOfDay < 600 + burstMinutes;
      return burst
        ? { readBps: 0, writeBps: 94 * MiB, metadataBps: 0 }
        : { readBps: 0.3 * MiB, writeBps: 0.6 * MiB, metadataBps: 0.05 * MiB };
    },
  }),
  'bursting-early-worst-day': () => ({
    mode: 'bursting',
    sizeBytes: 100 * GiB,
    demand: (_i, minuteOfDay, day) =>
      day === 0 && minuteOfDay >= 600 && minuteOfDay < 900
        ? { readBps: 0, writeBps: 90 * MiB, metadataBps: 0 }
        : { readBps: 0.9 * MiB, writeBps: 4 * MiB, metadataBps: 0.1 * MiB },
  }),
};

/**
 * The credit balance over runs of minutes at a constant demand, in closed
 * form: a run starts at balance b0 and demand w; served is min(w, burst)
 * while credits last, and the balance moves at baseline − served per
 * second: up to the cap when that is positive, down to zero at T = b0 /
 * (served − baseline) when negative, after which the baseline is served.
 */
class CreditLine {
  private b0: number;
  private runWanted = Number.NaN;
  private elapsed = 0;
  balance: number;

  constructor(
    private readonly max: number,
    initial = max,
  ) {
    this.b0 = initial;
    this.balance = initial;
  }

  /** One minute at `wanted` bytes/s: the bytes/s served over it. */
  minute(wanted: number, baseline: number, burst: number): number {
    if (wanted !== this.runWanted) {
      this.runWanted = wanted;
      this.b0 = this.balance;
      this.elapsed = 0;
    }
    const t0 = this.elapsed;
    const t1 = t0 + 60;
    this.elapsed = t1;
    const fast = Math.min(wanted, burst);
    const rate = baseline - fast;
    if (rate >= 0) {
      this.balance = Math.min(this.max, this.b0 + rate * t1);
      return fast;
    }
    // Seconds into the run when the credits are gone.
    const empty = this.b0 / -rate;
    this.balance = Math.max(0, this.b0 + rate * t1);
    const atFast = Math.min(60, Math.max(0, empty - t0));
    return (fast * atFast + Math.min(wanted, baseline) * (60 - atFast)) / 60;
  }
}

/**
 * A 14-day (or `days`) recording ending at `end` (whole minutes), for
 * `burstguard advise --recording` and the advisor's tests.
 */
export function advisorRecording(
  name: AdvisorRecordingName,
  options: { end?: Date; days?: number; fileSystemId?: string } = {},
): Recording {
  const days = options.days ?? 14;
  const end = new Date(
    Math.floor(
      (options.end ?? new Date('2026-11-23T00:00:00Z')).getTime() / 60_000,
    ) * 60_000,
  );
  const minutes = days * 1440;
  const start = new Date(end.getTime() - minutes * 60_000);
  const fileSystemId = options.fileSystemId ?? 'fs-0ad715e0000000001';
  const region = 'us-east-1';
  const noise = rng(0xad5 + name.length);
  const spec = SPECS[name](noise);
  const baseline = Math.max(MiB, (spec.sizeBytes / GiB) * 50 * KiB);
  const burst = Math.max(100 * MiB, (spec.sizeBytes / TiB) * 100 * MiB);
  const maxCredits = 2.1 * TiB * Math.max(1, spec.sizeBytes / TiB);
  const credits = spec.mode === 'bursting' ? new CreditLine(maxCredits) : null;
  const ts: string[] = [];
  const series: Record<string, number[]> = {
    data_read_io_bytes: [],
    data_write_io_bytes: [],
    metadata_io_bytes: [],
    metered_io_bytes: [],
    total_io_bytes: [],
    permitted_throughput: [],
    burst_credit_balance: [],
  };
  const push = (id: string, v: number) => series[id]?.push(Math.round(v));
  for (let i = 0; i < minutes; i++) {
    const t = new Date(start.getTime() + i * 60_000);
    const minuteOfDay = t.getUTCHours() * 60 + t.getUTCMinutes();
    const day = Math.floor(i / 1440);
    const d = spec.demand(i, minuteOfDay, day);
    const wanted = d.readBps / 3 + d.writeBps + d.metadataBps;
    let permitted = 3 * GiB;
    let served = 1;
    if (credits) {
      permitted = credits.balance > 0 ? burst : baseline;
      served = credits.minute(wanted, baseline, burst) / Math.max(wanted, 1);
    }
    ts.push(t.toISOString());
    push('data_read_io_bytes', d.readBps * served * 60);
    push('data_write_io_bytes', d.writeBps * served * 60);
    push('metadata_io_bytes', d.metadataBps * served * 60);
    push('metered_io_bytes', wanted * served * 60);
    push(
      'total_io_bytes',
      (d.readBps + d.writeBps + d.metadataBps) * served * 60,
    );
    push('permitted_throughput', permitted);
    if (credits) push('burst_credit_balance', credits.balance);
  }
  const MetricDataResults = Object.entries(series)
    .filter(([, values]) => values.length > 0)
    .map(([Id, values]) => ({
      Id,
      Label: Id,
      Timestamps: ts,
      Values: values,
      StatusCode: 'Complete' as const,
    }));
  return {
    meta: oneMinuteMeta({ fileSystemId, region, start, end }),
    trigger: { fileSystemId, reason: `advisor recording ${name}` },
    describeFileSystems: {
      FileSystems: [
        fileSystemDescription({
          fileSystemId,
          region,
          sizeBytes: spec.sizeBytes,
          mode: spec.mode,
          provisionedMibps: spec.provisionedMibps,
          createdAt: new Date(start.getTime() - 200 * 86_400_000),
        }),
      ],
    },
    metricData: { MetricDataResults, Messages: [] },
    clickhouse: {
      error: 'not captured: the advisor reads EFS metrics only',
      results: {},
    },
  } as Recording;
}

/**
 * Simulated 14-day recordings (format v1, 1-minute periods) for the
 * throughput-mode advisor: generated on demand, never committed. Each is a
 * Langfuse ClickHouse load as EFS would meter it:
 *
 * - `steady-elastic`: a steady ~5 MiB/s on Elastic (Provisioned is far
 *   cheaper);
 * - `spiky-elastic`: ~1 MiB/s with a daily 15-minute burst near 200 MiB/s
 *   on Elastic (Provisioned at the p99.9 costs more than Elastic's bill);
 * - `bursting-worst-day`: Bursting, 100 GiB stored, short daily bursts
 *   the baseline refills, and one day of long bursts that takes the
 *   credits down to about 10%.
 * - `bursting-early-worst-day`: Bursting, 100 GiB stored, 4.4 MiB/s metered
 *   (under the 4.88 MiB/s baseline) with no noise, and on the first day
 *   300 minutes at 90 MiB/s that take the balance down to about 30%; every
 *   later day refills it. Start to end the balance fell; day by day it
 *   rises.
 *
 * The Bursting credits are replayed here with their own loop, written from
 * the EFS user guide's rules (accrue at the baseline, spend above it, cap
 * at 2.1 TiB, burst at 100 MiB/s), independently of the advisor's
 * simulator, so the recording is evidence the advisor is checked against.
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
  'bursting-worst-day': (noise) => ({
    mode: 'bursting',
    sizeBytes: 100 * GiB,
    demand: (_i, minuteOfDay, day) => {
      // 30 minutes of bursts a day; on day 9, 360 minutes.
      const burstMinutes = day === 9 ? 360 : 30;
      const burst = minuteOfDay >= 600 && minuteOfDay < 600 + burstMinutes;
      const f = 0.95 + 0.1 * noise();
      return burst
        ? { readBps: 0, writeBps: 95 * MiB, metadataBps: 0 }
        : {
            readBps: 0.3 * MiB * f,
            writeBps: 0.6 * MiB * f,
            metadataBps: 0.05 * MiB * f,
          };
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
  let credits = maxCredits;
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
    if (spec.mode === 'bursting') {
      permitted = credits > 0 ? burst : baseline;
      const allowed = Math.min(
        burst,
        Math.max(baseline, baseline + credits / 60),
      );
      served = Math.min(1, allowed / Math.max(wanted, 1));
      credits = Math.min(
        maxCredits,
        Math.max(0, credits + (baseline - wanted * served) * 60),
      );
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
    if (spec.mode === 'bursting') push('burst_credit_balance', credits);
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

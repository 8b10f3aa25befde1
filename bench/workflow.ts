/**
 * The workflow's critical path: with every remote call (incident store,
 * EFS, CloudWatch, ClickHouse, Slack) taking 100 ms, how long from the alarm
 * event to the Slack finding, in round trips; and how many state
 * transitions an incident costs without remediation.
 */

import { configForRecording } from '../local/evidence.ts';
import { createMemoryIncidentStore } from '../local/memory-incident-store.ts';
import {
  recordingClickHousePort,
  recordingEfsPort,
  recordingMetricsPort,
} from '../local/recorded-ports.ts';
import { simulateScenario } from '../local/scenarios.ts';
import { runLocal } from '../local/state-machine-runner.ts';
import { type Figure, median } from './figures.ts';

const REMOTE_MS = 100;
const RUNS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Call = { key: string; start: number; end: number };

/**
 * Sequential round trips before the first Slack post completes: a call
 * that starts after every earlier call has finished begins a new one.
 */
function roundTripsToFirstPost(calls: Call[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  let trips = 0;
  let waveEnd = Number.NEGATIVE_INFINITY;
  for (const call of sorted) {
    if (call.start >= waveEnd) {
      trips++;
      waveEnd = call.end;
    } else {
      waveEnd = Math.max(waveEnd, call.end);
    }
    if (call.key === 'postMessage') return trips;
  }
  return Number.NaN;
}

/** Every method of a port, 100 ms slower; each call is recorded. */
function slow<T extends object>(port: T, calls: Call[]): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(port) as (keyof T & string)[]) {
    const value = port[key];
    out[key] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            const call = { key, start: performance.now(), end: 0 };
            calls.push(call);
            await sleep(REMOTE_MS);
            try {
              return await (value as (...a: unknown[]) => unknown).apply(
                port,
                args,
              );
            } finally {
              call.end = performance.now();
            }
          }
        : value;
  }
  return out as T;
}

export async function benchWorkflow(): Promise<Figure[]> {
  const recording = simulateScenario('credits-exhausted');
  const roundTrips: number[] = [];
  const latencies: number[] = [];
  let transitions = 0;
  for (let i = 0; i < RUNS; i++) {
    const calls: Call[] = [];
    const slackPort = slow(
      {
        async postMessage() {
          return { channel: 'C0', ts: '1.000001' };
        },
      },
      calls,
    );
    const clickhouse = slow(recordingClickHousePort(recording), calls);
    const result = await runLocal(recording.trigger, {
      config: configForRecording(recording, { policy: 'off' }),
      clock: { now: () => new Date(recording.meta.end) },
      efs: slow(recordingEfsPort(recording), calls),
      metrics: slow(recordingMetricsPort(recording), calls),
      clickhouseFor: () => clickhouse,
      slack: slackPort,
      store: slow(createMemoryIncidentStore(), calls),
    });
    if (result.status !== 'SUCCEEDED') throw new Error(result.error);
    transitions = result.transitions;
    roundTrips.push(roundTripsToFirstPost(calls));
    const first = Math.min(...calls.map((c) => c.start));
    const post = calls.find((c) => c.key === 'postMessage');
    if (post) latencies.push(post.end - first);
  }
  return [
    {
      figure: `alarm to Slack finding: sequential remote round trips (${REMOTE_MS} ms each)`,
      value: median(roundTrips),
      unit: 'RTT',
      budget: '<= 3 RTT',
    },
    {
      figure: `alarm to Slack finding: first remote call to posted (median of ${RUNS})`,
      value: Math.round(median(latencies)),
      unit: 'ms',
      budget: 'context',
    },
    {
      figure: 'state transitions per incident without remediation',
      value: transitions,
      unit: 'n',
      budget: '<= 20 n',
    },
  ];
}

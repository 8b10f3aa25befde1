/**
 * Fault injection: every Task state of the deployed definition (found by
 * walking buildDefinition's output, Parallel branches included, so a state
 * added later is covered without editing this file) meets every fault, and
 * the local state machine (aws-local-stepfunctions, the real handlers) must
 * keep the invariants:
 *
 * - no UpdateFileSystem without a thread message saying so;
 * - never two UpdateFileSystem calls for one file system within the lock;
 * - no incident left open that no message told of;
 * - every failure named in the thread (Slack's own failure in the
 *   execution output, where the finding stays when Slack is down).
 *
 * The faults, as each step's Lambda or port fails in AWS:
 * - throw: the function throws at once (Lambda reports its errorType);
 * - timeout: the function did its work, then ran past the Task's
 *   TimeoutSeconds, so Step Functions reports States.Timeout and the result
 *   is lost (Step Functions developer guide, "error handling");
 * - throttling: the first invocation is throttled by Lambda
 *   (Lambda.TooManyRequestsException, which the Task's Retry covers), then
 *   every port throttles: the AWS SDK's ThrottlingException (EFS, DynamoDB,
 *   CloudWatch Logs), CloudWatch's Throttling, Slack's `ratelimited` answer
 *   (Slack API docs, "rate limits"), ClickHouse's TOO_MANY_SIMULTANEOUS_QUERIES;
 * - partial data: CloudWatch GetMetricData answers StatusCode PartialData
 *   with only the older half of each series (CloudWatch API reference,
 *   MetricDataResult StatusCode).
 */
import { describe, expect, it } from 'vitest';
import { createMemoryIncidentStore } from '../../shared/adapters/memory-incident-store.ts';
import {
  recordingClickHousePort,
  recordingEfsPort,
  recordingMetricsPort,
} from '../../shared/adapters/recording.ts';
import type { SlackMessage } from '../../shared/contracts.ts';
import { configForRecording } from '../../shared/evidence.ts';
import type {
  AlarmsPort,
  ClickHousePort,
  EfsPort,
  IncidentStore,
  MetricsPort,
  SlackPort,
} from '../../shared/ports.ts';
import type { Recording } from '../../shared/recording.ts';
import { simulateScenario } from '../../shared/simulator/scenarios.ts';
import {
  buildDefinition,
  placeholderArns,
  type TaskStateName,
} from '../../workflows/definition.ts';
import {
  type LocalPorts,
  type LocalTaskHandlers,
  localHandlers,
  type RunEvent,
  type RunResult,
  runLocal,
} from '../../workflows/local-runner.ts';

const END = new Date('2026-11-23T03:12:00Z');
const APPROVER = 'U0LOCAL';
const FAULTS = ['throw', 'timeout', 'throttling', 'partial-data'] as const;
type Fault = (typeof FAULTS)[number];
type Flow = 'alarm' | 'resolve';

type State = { Type: string; Branches?: { States: Record<string, State> }[] };

/** Every Task state of a definition, inside Parallel branches too. */
function taskStates(states: Record<string, State>): string[] {
  return Object.entries(states).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [name] : []),
    ...(state.Branches ?? []).flatMap((b) => taskStates(b.States)),
  ]);
}

const TASKS = taskStates(
  buildDefinition(placeholderArns()).States as Record<string, State>,
) as TaskStateName[];

/** An error as an SDK or the Slack client raises it. */
function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/** What a case saw: calls, messages, errors raised on purpose. */
type World = {
  recording: Recording;
  ports: LocalPorts & {
    efs: EfsPort & { calls: unknown[] };
    store: IncidentStore;
  };
  posted: SlackMessage[];
  /** Errors the fault raised, by a text the thread must show. */
  raised: { marks: string[]; slack: boolean }[];
  fired: boolean;
};

function world(): World {
  const recording = simulateScenario('credits-exhausted', { end: END });
  const posted: SlackMessage[] = [];
  let ts = 0;
  const slack: SlackPort = {
    async postMessage(message) {
      posted.push(message);
      ts += 1;
      return {
        channel: message.channel,
        ts: `1763867520.${String(ts).padStart(6, '0')}`,
      };
    },
  };
  const alarms: AlarmsPort = {
    async alarmStates(names) {
      return Object.fromEntries(names.map((n) => [n, 'OK' as const]));
    },
  };
  return {
    recording,
    posted,
    raised: [],
    fired: false,
    ports: {
      config: configForRecording(recording, { policy: 'approve' }),
      clock: { now: () => END },
      efs: recordingEfsPort(recording),
      metrics: recordingMetricsPort(recording),
      clickhouseFor: () => recordingClickHousePort(recording),
      slack,
      store: createMemoryIncidentStore(),
      alarms,
      approver: async () => ({ approved: true, by: APPROVER }),
    },
  };
}

/** Ports that all throttle, each the way its service does. */
function throttled(w: World): LocalPorts {
  const hit = (name: string, message: string, slack = false) => {
    w.fired = true;
    w.raised.push({ marks: [name, message], slack });
    return named(name, message);
  };
  const efs: EfsPort = {
    async describeFileSystem() {
      throw hit('ThrottlingException', 'Rate exceeded (EFS)');
    },
    async updateFileSystem() {
      throw hit('ThrottlingException', 'Rate exceeded (EFS)');
    },
  };
  const metrics: MetricsPort = {
    ...w.ports.metrics,
    async getMetricData() {
      throw hit('Throttling', 'Rate exceeded (GetMetricData)');
    },
  };
  const clickhouse: ClickHousePort = {
    async snapshot() {
      throw hit(
        'SourceUnavailableError',
        'Code: 202. DB::Exception: Too many simultaneous queries. (TOO_MANY_SIMULTANEOUS_QUERIES)',
      );
    },
  };
  const store = new Proxy(w.ports.store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return async () => {
        throw hit(
          'ThrottlingException',
          'Rate of requests exceeds the allowed throughput (DynamoDB)',
        );
      };
    },
  });
  return {
    ...w.ports,
    efs,
    metrics,
    clickhouseFor: () => clickhouse,
    store,
    slack: {
      async postMessage() {
        throw hit(
          'SlackDeliveryError',
          'slack chat.postMessage: ratelimited',
          true,
        );
      },
    },
    alarms: {
      async alarmStates() {
        throw hit('Throttling', 'Rate exceeded (DescribeAlarms)');
      },
    },
  };
}

/** CloudWatch answering PartialData: the older half of each series. */
function partial(w: World): LocalPorts {
  const base = w.ports.metrics;
  return {
    ...w.ports,
    metrics: {
      ...base,
      async getMetricData(request) {
        w.fired = true;
        const full = await base.getMetricData(request);
        return full.map((r) => {
          const keep = Math.floor((r.Timestamps?.length ?? 0) / 2);
          return {
            ...r,
            StatusCode: 'PartialData',
            Timestamps: (r.Timestamps ?? []).slice(-keep || Infinity),
            Values: (r.Values ?? []).slice(-keep || Infinity),
          };
        });
      },
    },
  };
}

/** The handlers of a run with `fault` injected into `state`. */
function inject(
  w: World,
  state: TaskStateName,
  fault: Fault,
): (handlers: LocalTaskHandlers) => LocalTaskHandlers {
  return (handlers) => {
    const real = handlers[state];
    let wrapped: (input: unknown) => Promise<unknown>;
    if (fault === 'throw') {
      wrapped = async () => {
        w.fired = true;
        const message =
          "Cannot read properties of undefined (reading 'fileSystemId')";
        w.raised.push({ marks: ['TypeError', message], slack: false });
        throw named('TypeError', message);
      };
    } else if (fault === 'timeout') {
      wrapped = async (input) => {
        await real(input).catch(() => undefined);
        w.fired = true;
        w.raised.push({
          // RequestApproval's timeout is the hour nobody answered in.
          marks: ['States.Timeout', 'nobody approved within 1 h'],
          slack: false,
        });
        throw named('States.Timeout', 'Task timed out');
      };
    } else if (fault === 'throttling') {
      const slow = localHandlers(throttled(w))[state];
      let first = true;
      wrapped = async (input) => {
        if (first) {
          first = false;
          w.fired = true;
          throw named('Lambda.TooManyRequestsException', 'Rate Exceeded.');
        }
        return slow(input);
      };
    } else {
      wrapped = localHandlers(partial(w))[state];
    }
    return { ...handlers, [state]: wrapped };
  };
}

/** The input of a flow; the resolve flow starts with an open incident. */
async function start(w: World, flow: Flow): Promise<unknown> {
  const event = structuredClone(w.recording.trigger) as {
    detail: {
      alarmName: string;
      state: Record<string, unknown>;
      previousState?: Record<string, unknown>;
    };
  };
  if (flow === 'alarm') return event;
  const fileSystemId = w.recording.meta.fileSystemId;
  await w.ports.store.openOrJoin({
    fileSystemId,
    incidentId: 'seeded-incident',
    at: new Date(END.getTime() - 3600_000).toISOString(),
    alarmName: event.detail.alarmName,
  });
  await w.ports.store.setThread({
    fileSystemId,
    incidentId: 'seeded-incident',
    channel: w.ports.config.slackChannel,
    threadTs: '1763860000.000001',
  });
  event.detail.state = { ...event.detail.state, value: 'OK' };
  event.detail.previousState = { value: 'ALARM', reason: 'Threshold Crossed' };
  return event;
}

/** Messages the run posted, and those it kept when Slack did not take them. */
function messages(w: World, events: RunEvent[]): string[] {
  const held: SlackMessage[] = [];
  for (const e of events) {
    if (e.type !== 'exited' || e.stateType !== 'Task') continue;
    const out = e.output as Record<string, unknown> | undefined;
    for (const key of [
      'notification',
      'outcomeNotification',
      'failureNotification',
    ]) {
      const n = out?.[key] as
        | { delivered?: boolean; messages?: SlackMessage[] }
        | undefined;
      if (n?.delivered === false) held.push(...(n.messages ?? []));
    }
  }
  return [...w.posted, ...held].map(
    (m) => `${m.text}\n${JSON.stringify(m.blocks)}`,
  );
}

const SAYS_CALLED =
  /Called: `UpdateFileSystem|may have called `UpdateFileSystem/;

/** The invariants of one finished case; each broken one, as a sentence. */
async function broken(
  w: World,
  events: RunEvent[],
  result: RunResult,
): Promise<string[]> {
  const out: string[] = [];
  const texts = messages(w, events);
  const calls = w.ports.efs.calls.length;
  if (calls > 0 && !texts.some((t) => SAYS_CALLED.test(t))) {
    out.push('UpdateFileSystem was called and no message says so');
  }
  if (calls > 1) {
    out.push(`${calls} UpdateFileSystem calls within the lock`);
  }
  const incident = await w.ports.store.current(w.recording.meta.fileSystemId);
  if (
    incident?.status === 'open' &&
    !texts.some(
      (t) =>
        t.includes(incident.incidentId) || t.includes('failed at OpenIncident'),
    )
  ) {
    out.push(`incident ${incident.incidentId} left open and untold`);
  }
  const output = JSON.stringify(
    result.status === 'SUCCEEDED' ? result.output : result,
  );
  // Ports failing together (DescribeFileSystems and GetMetricData run at
  // once) fail the step with one error: one of them must be named.
  const seen = (error: World['raised'][number], t: string) =>
    error.marks.some((m) => t.includes(m));
  if (
    w.raised.length > 0 &&
    !w.raised.some(
      (error) =>
        texts.some((t) => seen(error, t)) ||
        (error.slack && seen(error, output)),
    )
  ) {
    out.push(
      `failure ${w.raised.map((e) => e.marks[0]).join(', ')} not named in the thread`,
    );
  }
  return out;
}

async function runCase(state: TaskStateName, fault: Fault, flow: Flow) {
  const w = world();
  const input = await start(w, flow);
  const events: RunEvent[] = [];
  const result = await runLocal(input, w.ports, {
    onEvent: (e) => events.push(e),
    wrapHandlers: inject(w, state, fault),
  });
  return { w, events, result, broken: await broken(w, events, result) };
}

describe('fault injection', () => {
  it('finds the Task states inside Parallel branches as well', () => {
    expect(TASKS).toContain('Remediate');
    expect(TASKS).toContain('CollectClickHouse');
    expect(TASKS).toContain('NotifyFailure');
  });

  it('keeps every invariant for every Task state and fault', async () => {
    // The flow that reaches each state: a clean run of each says.
    const reached: Record<Flow, Set<string>> = {
      alarm: new Set(),
      resolve: new Set(),
    };
    for (const flow of ['alarm', 'resolve'] as const) {
      const w = world();
      const events: RunEvent[] = [];
      const result = await runLocal(await start(w, flow), w.ports, {
        onEvent: (e) => events.push(e),
      });
      expect(result.status).toBe('SUCCEEDED');
      for (const e of events)
        if (e.type === 'entered') reached[flow].add(e.state);
    }
    const failures: string[] = [];
    let cases = 0;
    let held = 0;
    let fired = 0;
    for (const state of TASKS) {
      const flow: Flow =
        reached.resolve.has(state) && !reached.alarm.has(state)
          ? 'resolve'
          : 'alarm';
      for (const fault of FAULTS) {
        const c = await runCase(state, fault, flow);
        cases += 1;
        if (c.w.fired) fired += 1;
        if (c.broken.length === 0) held += 1;
        else failures.push(`${state} × ${fault}: ${c.broken.join('; ')}`);
      }
    }
    console.log(
      `fault injection: ${cases} cases, ${held} held (${TASKS.length} Task states × ${FAULTS.length} faults; the fault fired in ${fired})`,
    );
    expect(failures).toEqual([]);
    expect(cases).toBe(TASKS.length * FAULTS.length);
  }, 120_000);

  it('tells the thread when Remediate times out after switching', async () => {
    const c = await runCase('Remediate', 'timeout', 'alarm');
    expect(c.w.ports.efs.calls).toHaveLength(1);
    expect(c.broken).toEqual([]);
    expect(c.result).toMatchObject({
      status: 'FAILED',
      error: 'States.Timeout',
    });
  });
});

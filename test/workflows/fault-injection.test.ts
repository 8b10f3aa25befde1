/**
 * Fault injection: every Task state of the deployed definition (found by
 * walking buildDefinition's output, Parallel branches included, so a state
 * added later is covered without editing this file) meets every fault that
 * applies to it, and the local state machine (aws-local-stepfunctions, the
 * real handlers) must keep the invariants:
 *
 * - no UpdateFileSystem without a thread message saying so;
 * - never two UpdateFileSystem calls for one file system within the lock;
 * - no incident left open that no message told of;
 * - every failure named in the thread (Slack's own failure in the
 *   execution output, where the finding stays when Slack is down);
 * - when NotifyFailure itself fails, the failure it was to tell stays in
 *   the execution output and the structured log.
 *
 * Each state runs in the first flow that reaches it: an alarm that is
 * diagnosed and remediated; an OK resolving an open incident; a second
 * alarm joining an open incident that has a thread (NotifyJoined); an OK
 * whose quiet-period check cannot read the alarms (NotifyCheckFailed); and
 * a run a first fault (Diagnose throwing) drives onto the failure path
 * (EndFailedRun, NotifyFailure).
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
 * - partial data, each port the way it can be partial: CloudWatch
 *   GetMetricData answers StatusCode PartialData with only the older half
 *   of each series (CloudWatch API reference, MetricDataResult StatusCode);
 *   a Logs Insights query ends with status Timeout, its results partial
 *   (CloudWatch Logs API reference, GetQueryResults `status`), which the
 *   adapter raises; ClickHouse answers some snapshot queries and not others
 *   (TIMEOUT_EXCEEDED, code 159, when a query runs past max_execution_time);
 * - fatal: EFS answers FileSystemNotFound (404) for the file system
 *   (EFS API reference, DescribeFileSystems and UpdateFileSystem errors).
 *
 * Partial data and fatal apply only where the state reads such a port; a
 * case counts only when its fault fired, and the suite says how many were
 * left out and asserts that the ports it knows of fired.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { configForRecording } from '../../local/evidence.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import {
  recordingClickHousePort,
  recordingLogsInsightsPort,
} from '../../local/recorded-ports.ts';
import type { Recording } from '../../local/recording-format.ts';
import { portsAfterSwitch } from '../../local/run-recording.ts';
import {
  simulateAfterSwitch,
  simulateScenario,
} from '../../local/scenarios.ts';
import {
  type LocalPorts,
  type LocalTaskHandlers,
  localHandlers,
  type RunEvent,
  type RunResult,
  runLocal,
} from '../../local/state-machine-runner.ts';
import type { SlackMessage } from '../../shared/domain/contracts.ts';
import {
  FileSystemNotFoundError,
  SourceUnavailableError,
} from '../../shared/domain/errors.ts';
import type {
  AlarmsPort,
  ClickHousePort,
  EfsPort,
  IncidentStore,
  LogsInsightsPort,
  MetricsPort,
  SlackPort,
} from '../../shared/domain/ports.ts';
import { DROPPED_RECORDS_FIELD } from '../../shared/domain/sources/langfuse-logs.ts';
import {
  buildDefinition,
  placeholderArns,
  type TaskStateName,
} from '../../workflows/definition.ts';

const END = new Date('2026-11-23T03:12:00Z');
const APPROVER = 'U0LOCAL';
const FAULTS = [
  'throw',
  'timeout',
  'throttling',
  'partial-data',
  'fatal',
] as const;
type Fault = (typeof FAULTS)[number];
const FLOWS = ['alarm', 'resolve', 'join', 'check-failed', 'failure'] as const;
type Flow = (typeof FLOWS)[number];

/** The first fault of the failure flow, and how the thread names it. */
const DRIVER = {
  state: 'Diagnose' as TaskStateName,
  name: 'RangeError',
  message: 'diagnosis driven to fail on purpose',
};

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

/**
 * A Logs Insights answer for the dropped-records query, counted from the
 * recording's own metric-filter series, shaped like GetQueryResults
 * (CloudWatch Logs API reference: rows of `{field, value}`, times printed
 * `YYYY-MM-DD HH:MM:SS.sss` in UTC).
 */
function withLogsInsights(recording: Recording): Recording {
  const series = recording.metricData.MetricDataResults?.find(
    (r) => r.Id === 'langfuse_dropped_records',
  );
  const bin = `bin(${recording.meta.periodSeconds / 60}m)`;
  const results = (series?.Timestamps ?? []).map((t, i) => [
    {
      field: bin,
      value: new Date(t).toISOString().replace('T', ' ').replace('Z', ''),
    },
    { field: DROPPED_RECORDS_FIELD, value: String(series?.Values?.[i] ?? 0) },
  ]);
  return {
    ...recording,
    meta: { ...recording.meta, langfuseLogGroups: ['/ecs/langfuse-worker'] },
    logsInsights: { status: 'Complete', results },
  };
}

/** What a case saw: calls, messages, errors raised on purpose, the log. */
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
  /** The structured log lines of every step, as Lambda would print them. */
  log: string[];
};

function world(): World {
  const recording = withLogsInsights(
    simulateScenario('credits-exhausted', { end: END }),
  );
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
  const base = configForRecording(recording, { policy: 'approve' });
  // The file system's Langfuse events can be replayed: a switch that
  // worked starts the recovery (StartRecovery).
  const config = {
    ...base,
    fileSystems: base.fileSystems.map((f) => ({
      ...f,
      recovery: {
        eventsBucket: 'langfuse-events',
        eventsPrefix: '',
        langfuseUrl: 'https://langfuse.example.com',
        langfuseInVpc: false,
        policy: 'approve' as const,
      },
    })),
  };
  return {
    recording,
    posted,
    raised: [],
    fired: false,
    log: [],
    ports: {
      config,
      // After the switch, CloudWatch shows it working, so Verify says so
      // and StartRecovery runs too.
      ...portsAfterSwitch(recording, {
        afterSwitch: (from, minutes) =>
          simulateAfterSwitch('credits-exhausted', { from, minutes }),
      }),
      logsInsights: recordingLogsInsightsPort(recording) as LogsInsightsPort,
      clickhouseFor: () => recordingClickHousePort(recording),
      slack,
      store: createMemoryIncidentStore(),
      alarms,
      // The first round runs out unanswered (EscalateApproval reminds the
      // approvers); the second is answered.
      approver: async (state) =>
        state.approvalRound ? { approved: true, by: APPROVER } : undefined,
      startRecovery: async (input) => ({
        executionArn: `arn:aws:states:us-east-1:123456789012:execution:burstguard-recovery:${input.incidentId ?? 'manual'}`,
      }),
    },
  };
}

/**
 * A Powertools logger whose lines go to `lines`: the JSON Lambda would
 * write to CloudWatch Logs, kept instead of printed.
 */
function capturingLogger(lines: string[]) {
  return (serviceName: string) => {
    const logger = new Logger({ serviceName, logLevel: 'INFO' });
    const keep = (line: unknown) => {
      lines.push(String(line));
    };
    (logger as unknown as { console: unknown }).console = {
      debug: keep,
      info: keep,
      warn: keep,
      error: keep,
      log: keep,
      trace: keep,
    };
    return logger;
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
    logsInsights: {
      async query() {
        throw hit('ThrottlingException', 'Rate exceeded (StartQuery)');
      },
    },
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

/** Each port that has a notion of partial data answering partly. */
function partial(w: World): LocalPorts {
  const base = w.ports.metrics;
  const clickhouse = w.ports.clickhouseFor(w.recording.meta.fileSystemId);
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
    // The adapter turns a query that ended Timeout into this error
    // (shared/adapters/aws-logs-insights.ts).
    logsInsights: {
      async query() {
        w.fired = true;
        throw new SourceUnavailableError(
          'Logs Insights query 12ab3456-12ab-123a-789e-1234567890ab ended Timeout',
        );
      },
    },
    clickhouseFor: () => ({
      async snapshot(window) {
        w.fired = true;
        const full = await (clickhouse as ClickHousePort).snapshot(window);
        const names = Object.keys(
          full.results,
        ) as (keyof typeof full.results)[];
        const results = { ...full.results };
        for (const name of names.filter((_, i) => i % 2 === 1)) {
          results[name] = {
            ok: false,
            reason:
              'Code: 159. DB::Exception: Timeout exceeded: elapsed 5.000123 seconds, maximum: 5. (TIMEOUT_EXCEEDED)',
          };
        }
        return { ...full, results };
      },
    }),
  };
}

/** EFS answering FileSystemNotFound, as the SDK adapter raises it. */
function notFound(w: World): LocalPorts {
  const gone = () => {
    w.fired = true;
    const id = w.recording.meta.fileSystemId;
    const message = `file system ${id} does not exist (FileSystemNotFound)`;
    w.raised.push({
      marks: ['FileSystemNotFoundError', message],
      slack: false,
    });
    return new FileSystemNotFoundError(message);
  };
  return {
    ...w.ports,
    efs: {
      async describeFileSystem() {
        throw gone();
      },
      async updateFileSystem() {
        throw gone();
      },
    },
  };
}

/** The handlers of a run with `fault` injected into `state`. */
function inject(
  w: World,
  state: TaskStateName,
  fault: Fault,
  log: (serviceName: string) => Logger,
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
      const slow = localHandlers(throttled(w), { logger: log })[state];
      let first = true;
      wrapped = async (input) => {
        if (first) {
          first = false;
          w.fired = true;
          throw named('Lambda.TooManyRequestsException', 'Rate Exceeded.');
        }
        return slow(input);
      };
    } else if (fault === 'partial-data') {
      wrapped = localHandlers(partial(w), { logger: log })[state];
    } else {
      wrapped = localHandlers(notFound(w), { logger: log })[state];
    }
    return { ...handlers, [state]: wrapped };
  };
}

/** The first fault of the failure flow: Diagnose throws. */
function drive(
  handlers: LocalTaskHandlers,
  flow: Flow,
  target: TaskStateName,
): LocalTaskHandlers {
  if (flow !== 'failure' || target === DRIVER.state) return handlers;
  return {
    ...handlers,
    [DRIVER.state]: async () => {
      throw named(DRIVER.name, DRIVER.message);
    },
  };
}

/** Opens the incident the resolve, join and check flows find open. */
async function seedIncident(w: World, alarmName: string): Promise<void> {
  const fileSystemId = w.recording.meta.fileSystemId;
  await w.ports.store.openOrJoin({
    fileSystemId,
    incidentId: 'seeded-incident',
    at: new Date(END.getTime() - 3600_000).toISOString(),
    alarmName,
  });
  await w.ports.store.setThread({
    fileSystemId,
    incidentId: 'seeded-incident',
    channel: w.ports.config.slackChannel,
    threadTs: '1763860000.000001',
  });
}

/** The input of a flow, with the world made ready for it. */
async function start(w: World, flow: Flow): Promise<unknown> {
  const event = structuredClone(w.recording.trigger) as {
    detail: {
      alarmName: string;
      state: Record<string, unknown>;
      previousState?: Record<string, unknown>;
    };
  };
  if (flow === 'alarm' || flow === 'failure') return event;
  await seedIncident(w, event.detail.alarmName);
  // A second ALARM joins the open incident: one line in its thread.
  if (flow === 'join') return event;
  if (flow === 'check-failed') {
    // DescribeAlarms fails when the quiet period is over.
    w.ports.alarms = {
      async alarmStates() {
        throw named('Throttling', 'Rate exceeded (DescribeAlarms)');
      },
    };
  }
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
      'approvalRound',
      'switchNotification',
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
  state: TaskStateName,
  flow: Flow,
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
  // An open incident is told when it has a thread (this run's or an
  // earlier one's) or a message of this run names it; when NotifyFailure
  // itself failed, the structured log must name it instead.
  const incident = await w.ports.store.current(w.recording.meta.fileSystemId);
  const toldOf = (id: string) =>
    texts.some((t) => t.includes(id) || t.includes('failed at OpenIncident'));
  if (
    incident?.status === 'open' &&
    !incident.slackThreadTs &&
    !toldOf(incident.incidentId) &&
    !(
      state === 'NotifyFailure' &&
      w.log.some((line) => line.includes(incident.incidentId))
    )
  ) {
    out.push(`incident ${incident.incidentId} left open and untold`);
  }
  const output = JSON.stringify(
    result.status === 'SUCCEEDED' ? result.output : result,
  );
  if (flow === 'failure' && state !== DRIVER.state) {
    const driverMarks = [DRIVER.name, DRIVER.message];
    if (state === 'NotifyFailure') {
      // The message that was to tell it failed: the finding stays in the
      // execution output and the structured log.
      if (
        !(
          result.status === 'FAILED' &&
          result.error === DRIVER.name &&
          result.message.includes(DRIVER.message)
        )
      ) {
        out.push(`the execution output lost ${DRIVER.name}: ${output}`);
      }
      if (!w.log.some((line) => driverMarks.every((m) => line.includes(m)))) {
        out.push(`the structured log lost ${DRIVER.name}`);
      }
      return out;
    }
    if (!texts.some((t) => driverMarks.every((m) => t.includes(m)))) {
      out.push(`the first failure ${DRIVER.name} not named in the thread`);
    }
  }
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
  const log = capturingLogger(w.log);
  const result = await runLocal(input, w.ports, {
    onEvent: (e) => events.push(e),
    logger: log,
    wrapHandlers: (handlers) =>
      inject(w, state, fault, log)(drive(handlers, flow, state)),
  });
  return {
    w,
    events,
    result,
    broken: await broken(w, events, result, state, flow),
  };
}

/** The states each flow reaches when no fault but its own is injected. */
async function reachedByFlow(): Promise<Record<Flow, Set<string>>> {
  const reached = {} as Record<Flow, Set<string>>;
  for (const flow of FLOWS) {
    const w = world();
    const events: RunEvent[] = [];
    await runLocal(await start(w, flow), w.ports, {
      onEvent: (e) => events.push(e),
      wrapHandlers: (handlers) => drive(handlers, flow, 'Normalize'),
    });
    reached[flow] = new Set(
      events.flatMap((e) => (e.type === 'entered' ? [e.state] : [])),
    );
  }
  return reached;
}

describe('fault injection', () => {
  it('finds the Task states inside Parallel branches as well', () => {
    expect(TASKS).toContain('Remediate');
    expect(TASKS).toContain('CollectClickHouse');
    expect(TASKS).toContain('NotifyFailure');
  });

  it('reaches every Task state in one of its flows', async () => {
    // Act
    const reached = await reachedByFlow();

    // Assess
    expect(TASKS.filter((t) => !FLOWS.some((f) => reached[f].has(t)))).toEqual(
      [],
    );
    expect(reached.join.has('NotifyJoined')).toBe(true);
    expect(reached['check-failed'].has('NotifyCheckFailed')).toBe(true);
    expect(reached.failure.has('NotifyFailure')).toBe(true);
    expect(reached.alarm.has('NotifyFailure')).toBe(false);
  });

  it('keeps every invariant for every Task state and fault that fired', async () => {
    // Prepare: the first flow that reaches each state runs its cases.
    const reached = await reachedByFlow();
    const failures: string[] = [];
    const fired: Record<Fault, string[]> = {
      throw: [],
      timeout: [],
      throttling: [],
      'partial-data': [],
      fatal: [],
    };
    let cases = 0;
    let held = 0;
    let skipped = 0;

    // Act
    for (const state of TASKS) {
      const flow = FLOWS.find((f) => reached[f].has(state)) as Flow;
      for (const fault of FAULTS) {
        const c = await runCase(state, fault, flow);
        if (!c.w.fired) {
          // The state reads no port with this notion (partial data, a
          // file system not found): not a case.
          skipped += 1;
          continue;
        }
        cases += 1;
        fired[fault].push(state);
        if (c.broken.length === 0) held += 1;
        else
          failures.push(
            `${state} × ${fault} (${flow}): ${c.broken.join('; ')}`,
          );
      }
    }
    const firedCount = Object.values(fired).flat().length;
    console.log(
      `fault injection: ${cases} cases, ${firedCount} fired, ${held} held (${TASKS.length} Task states × ${FAULTS.length} faults; ${skipped} left out where the state reads no port the fault applies to)`,
    );

    // Assess
    expect(failures).toEqual([]);
    expect(firedCount).toBe(cases);
    expect(held).toBe(cases);
    // Throw, timeout and throttling apply to every state.
    for (const fault of ['throw', 'timeout', 'throttling'] as const) {
      expect(fired[fault], fault).toEqual(TASKS);
    }
    // Partial data and fatal reach the states that read such ports.
    expect(fired['partial-data']).toEqual(
      expect.arrayContaining([
        'CollectEfs',
        'CollectLangfuse',
        'CollectClickHouse',
        'Verify',
      ]),
    );
    expect(fired.fatal).toEqual(
      expect.arrayContaining(['CollectEfs', 'Remediate', 'Verify']),
    );
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

  it('keeps the first failure in the output and the log when NotifyFailure throws', async () => {
    // Act
    const c = await runCase('NotifyFailure', 'throw', 'failure');

    // Assess
    expect(c.w.posted).toEqual([]);
    expect(c.result).toMatchObject({
      status: 'FAILED',
      error: DRIVER.name,
      message: DRIVER.message,
    });
    const logged = c.w.log
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.message === 'the run failed');
    expect(logged).toMatchObject({
      level: 'ERROR',
      failedState: DRIVER.state,
      error: DRIVER.name,
      cause: DRIVER.message,
    });
    expect(c.broken).toEqual([]);
  });

  it('tells the thread that the file system does not exist when CollectEfs hears so', async () => {
    // Act
    const c = await runCase('CollectEfs', 'fatal', 'alarm');

    // Assess
    expect(c.result).toMatchObject({
      status: 'FAILED',
      error: 'FileSystemNotFoundError',
    });
    expect(c.w.posted).toHaveLength(1);
    expect(c.w.posted[0]?.text).toContain('failed at Gather');
    expect(c.broken).toEqual([]);
  });
});

/**
 * The incident lifecycle end to end: the real state machine run locally
 * (aws-local-stepfunctions) with the real handlers, the DynamoDB incident
 * store on dynalite, the real Slack client against the loopback Slack
 * double, and CloudWatch DescribeAlarms answered with the alarm states each
 * scenario dictates. Alarm events are shaped like the CloudWatch user
 * guide's "CloudWatch alarm state change events" (cloudwatch-and-eventbridge),
 * `detail.previousState` included.
 */
import { describe, expect, it } from 'vitest';
import {
  type PreflightReport,
  runPreflight,
} from '../../functions/preflight/core.ts';
import type { Recording } from '../../local/recording-format.ts';
import {
  type LocalPorts,
  type RunEvent,
  type RunResult,
  runLocal,
} from '../../local/state-machine-runner.ts';
import {
  type Incident,
  incidentSchema,
} from '../../shared/domain/contracts.ts';
import type {
  AlarmStateValue,
  AlarmsPort,
  IncidentStore,
} from '../../shared/domain/ports.ts';
import { APPROVE_ACTION_ID } from '../../shared/domain/slack/interaction.ts';
import { SCENARIO_END, seedIncident } from '../fixtures/scenarios.ts';
import {
  alarmStatesOf,
  doubleSlackPort,
  recordedRunPorts,
  useDynamoStores,
  useSlackDouble,
} from '../support/local-run.ts';

const CREDITS = 'burstguard-prod-burst-credits-low';
const DROPPED = 'burstguard-prod-langfuse-dropped-records';
const MINUTE_MS = 60_000;

const stores = useDynamoStores('lifecycle');
const slack = useSlackDouble();

type Scenario = {
  recording: Recording;
  ports: LocalPorts & { store: IncidentStore };
  /** Alarm states CloudWatch answers DescribeAlarms with, by name. */
  cloudwatch: Record<string, AlarmStateValue>;
  /** Runs before DescribeAlarms answers: what happens during the wait. */
  duringWait: Array<() => Promise<void>>;
  describeCalls: string[][];
  /** Makes DescribeAlarms fail, as a throttled or denied call would. */
  failDescribe(error: Error | undefined): void;
  /** The hourly preflight with the same ports (its incident check). */
  preflight(): Promise<PreflightReport>;
  /** The clock's minutes after the recording's end. */
  setMinute(minute: number): void;
  /** An alarm state change event at a minute after the recording's end. */
  event(
    alarmName: string,
    state: 'ALARM' | 'OK',
    minute: number,
    previousState?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA',
  ): unknown;
  run(input: unknown, onEvent?: (event: RunEvent) => void): Promise<RunResult>;
};

async function scenario(): Promise<Scenario> {
  const recording = seedIncident();
  const store = await stores.store();
  let nowMs = SCENARIO_END.getTime();
  const cloudwatch: Record<string, AlarmStateValue> = {};
  const duringWait: Array<() => Promise<void>> = [];
  const describeCalls: string[][] = [];
  let describeError: Error | undefined;
  const alarms: AlarmsPort = {
    async alarmStates(names) {
      describeCalls.push([...names]);
      if (describeError) throw describeError;
      const hook = duringWait.shift();
      if (hook) await hook();
      return alarmStatesOf(cloudwatch, names);
    },
  };
  const ports: Scenario['ports'] = {
    ...recordedRunPorts(recording, {
      policy: 'approve',
      // The Langfuse alarm names its file system through the configuration.
      alarmNames: [CREDITS, DROPPED],
      now: () => new Date(nowMs),
      slack: doubleSlackPort(slack, 'xoxb-lifecycle'),
    }),
    store,
    alarms,
  };
  const base = recording.trigger as {
    detail: Record<string, unknown> & { state: Record<string, unknown> };
  };
  return {
    recording,
    ports,
    cloudwatch,
    duringWait,
    describeCalls,
    failDescribe(error) {
      describeError = error;
    },
    preflight() {
      return runPreflight(
        {
          metrics: ports.metrics,
          slack: ports.slack,
          clock: ports.clock,
          config: ports.config,
          incidents: { store: ports.store, alarms },
        },
        ports.config.preflight,
      );
    },
    setMinute(minute) {
      nowMs = SCENARIO_END.getTime() + minute * MINUTE_MS;
    },
    event(alarmName, state, minute, previousState) {
      const event = structuredClone(base);
      const at = new Date(SCENARIO_END.getTime() + minute * MINUTE_MS);
      event.detail.alarmName = alarmName;
      event.detail.state = {
        ...event.detail.state,
        value: state,
        timestamp: at.toISOString().replace('Z', '+0000'),
      };
      event.detail.previousState = {
        value: previousState ?? (state === 'OK' ? 'ALARM' : 'OK'),
        reason: 'Threshold Crossed',
        timestamp: new Date(at.getTime() - MINUTE_MS)
          .toISOString()
          .replace('Z', '+0000'),
      };
      return event;
    },
    async run(input, onEvent) {
      const result = await runLocal(input, ports, { onEvent });
      if (result.status !== 'SUCCEEDED') {
        throw new Error(`${result.error}: ${result.message}`);
      }
      return result;
    },
  };
}

/** What the Slack double saw, counted the way a person sees the channel. */
function channel() {
  const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
  const blocks = (body: Record<string, unknown>) =>
    (body.blocks as Array<{
      type: string;
      elements?: { action_id?: string }[];
    }>) ?? [];
  return {
    roots: posts.filter((c) => c.body.thread_ts === undefined),
    approvalCards: posts.filter((c) =>
      blocks(c.body).some(
        (b) =>
          b.type === 'actions' &&
          b.elements?.some((e) => e.action_id === APPROVE_ACTION_ID),
      ),
    ),
    resolved: posts.filter((c) => String(c.body.text).includes('Resolved:')),
    threads: new Set(
      posts.map((c) => (c.body.thread_ts as string | undefined) ?? 'root'),
    ),
  };
}

/** How many of each kind of post the channel holds, and in how many threads. */
function countsOf(seen: ReturnType<typeof channel>) {
  return {
    roots: seen.roots.length,
    approvalCards: seen.approvalCards.length,
    resolved: seen.resolved.length,
    threads: seen.threads.size,
  };
}

function incidentOf(result: RunResult): Incident {
  if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
  return incidentSchema.parse(result.output.incident);
}

/** Langfuse's alarm fires `minute` minutes after the recording's end. */
async function langfuseAlarmAt(s: Scenario, minute: number): Promise<Incident> {
  s.setMinute(minute);
  return incidentOf(await s.run(s.event(DROPPED, 'ALARM', minute)));
}

describe('the incident lifecycle on DynamoDB', () => {
  it('keeps ALARM, OK, ALARM within minutes as one incident, thread and approval card', async () => {
    // Prepare
    const s = await scenario();
    const first = incidentOf(await s.run(s.event(CREDITS, 'ALARM', 0)));
    let realarm: Incident | undefined;
    // The alarm comes back 3 minutes in, while the OK's run waits.
    s.duringWait.push(async () => {
      s.setMinute(3);
      realarm = incidentOf(await s.run(s.event(CREDITS, 'ALARM', 3)));
      s.cloudwatch[CREDITS] = 'ALARM';
    });
    s.cloudwatch[CREDITS] = 'OK';

    // Act
    s.setMinute(1);
    const ok = incidentOf(await s.run(s.event(CREDITS, 'OK', 1)));

    // Assess
    expect(first).toMatchObject({ next: 'diagnose', alarmNames: [CREDITS] });
    expect(realarm).toMatchObject({
      next: 'joined',
      incidentId: first.incidentId,
    });
    expect(ok).toMatchObject({
      next: 'still-alarming',
      incidentId: first.incidentId,
      alarmStates: { [CREDITS]: 'ALARM' },
    });
    const seen = channel();
    expect(countsOf(seen)).toEqual({
      roots: 1,
      approvalCards: 1,
      resolved: 0,
      threads: 2,
    });
    expect(await s.ports.store.current(first.fileSystemId)).toMatchObject({
      status: 'open',
      incidentId: first.incidentId,
      triggers: 2,
    });
  });

  it('does not resolve when the alarm re-alarmed during the wait, even if OK again at the read', async () => {
    // Prepare
    const s = await scenario();
    const first = incidentOf(await s.run(s.event(CREDITS, 'ALARM', 0)));
    s.cloudwatch[CREDITS] = 'OK';
    s.duringWait.push(async () => {
      // ALARM at minute 3 joins; the alarm is OK again by the read.
      s.setMinute(3);
      await s.run(s.event(CREDITS, 'ALARM', 3));
    });

    // Act
    s.setMinute(1);
    const firstOk = incidentOf(await s.run(s.event(CREDITS, 'OK', 1)));
    s.setMinute(20);
    const secondOk = incidentOf(await s.run(s.event(CREDITS, 'OK', 5)));

    // Assess: the first check found the incident changed; the second,
    // started by the later OK, resolves it once, in its thread.
    expect(firstOk).toMatchObject({ next: 'ignored' });
    expect(firstOk.reason).toMatch(/changed during the quiet period/);
    expect(secondOk).toMatchObject({
      next: 'resolved',
      incidentId: first.incidentId,
    });
    const seen = channel();
    expect(countsOf(seen)).toEqual({
      roots: 1,
      approvalCards: 1,
      resolved: 1,
      threads: 2,
    });
    expect(seen.resolved[0]?.body.thread_ts).toBe(
      seen.approvalCards[0]?.body.thread_ts,
    );
  });

  it('keeps one incident, thread and card when of two alarms one recovers', async () => {
    // Prepare
    const s = await scenario();
    const first = incidentOf(await s.run(s.event(CREDITS, 'ALARM', 0)));
    s.setMinute(2);
    const joined = incidentOf(await s.run(s.event(DROPPED, 'ALARM', 2)));
    s.cloudwatch[CREDITS] = 'ALARM';
    s.cloudwatch[DROPPED] = 'OK';

    // Act
    s.setMinute(20);
    const ok = incidentOf(await s.run(s.event(DROPPED, 'OK', 5)));

    // Assess
    expect(joined).toMatchObject({
      next: 'joined',
      incidentId: first.incidentId,
      alarmNames: [CREDITS, DROPPED].sort(),
    });
    expect(ok).toMatchObject({
      next: 'still-alarming',
      alarmStates: { [CREDITS]: 'ALARM', [DROPPED]: 'OK' },
    });
    expect(s.describeCalls).toEqual([[CREDITS, DROPPED].sort()]);
    const seen = channel();
    expect(countsOf(seen)).toMatchObject({
      roots: 1,
      approvalCards: 1,
      resolved: 0,
    });
    expect((await s.ports.store.current(first.fileSystemId))?.status).toBe(
      'open',
    );
  });

  it('never resolves on an OK that follows INSUFFICIENT_DATA', async () => {
    // Prepare
    const s = await scenario();
    const first = incidentOf(await s.run(s.event(CREDITS, 'ALARM', 0)));
    s.cloudwatch[CREDITS] = 'OK';

    // Act
    s.setMinute(30);
    const ok = incidentOf(
      await s.run(s.event(CREDITS, 'OK', 30, 'INSUFFICIENT_DATA')),
    );

    // Assess
    expect(ok).toMatchObject({ next: 'ignored' });
    expect(ok.reason).toMatch(/INSUFFICIENT_DATA/);
    expect(s.describeCalls).toEqual([]);
    expect(channel().resolved).toHaveLength(0);
    expect(await s.ports.store.current(first.fileSystemId)).toMatchObject({
      status: 'open',
    });
  });

  it('ignores an OK from an alarm that never joined the incident', async () => {
    // Prepare
    const s = await scenario();
    await s.run(s.event(CREDITS, 'ALARM', 0));
    s.cloudwatch[CREDITS] = 'OK';
    s.cloudwatch[DROPPED] = 'OK';

    // Act
    const ok = incidentOf(await s.run(s.event(DROPPED, 'OK', 4)));

    // Assess
    expect(ok.next).toBe('ignored');
    expect(ok.reason).toMatch(/never joined/);
    expect(s.describeCalls).toEqual([]);
  });

  it('resolves exactly once when every alarm stays OK through the quiet period', async () => {
    // Prepare
    const s = await scenario();
    const first = incidentOf(await s.run(s.event(CREDITS, 'ALARM', 0)));
    await s.run(s.event(DROPPED, 'ALARM', 1));
    s.cloudwatch[CREDITS] = 'OK';
    s.cloudwatch[DROPPED] = 'OK';
    // Both OKs wait side by side: neither reads CloudWatch before the
    // other has started its wait.
    let arrived = 0;
    let release: () => void = () => undefined;
    const bothWaiting = new Promise<void>((done) => {
      release = done;
    });
    const barrier = async () => {
      arrived += 1;
      if (arrived === 2) release();
      await bothWaiting;
    };
    s.duringWait.push(barrier, barrier);
    const quietSeconds: unknown[] = [];
    const onEvent = (event: RunEvent) => {
      if (event.type === 'exited' && event.state === 'OpenIncident') {
        quietSeconds.push(
          (event.output as { incident: Incident }).incident.quietSeconds,
        );
      }
    };

    // Act
    s.setMinute(25);
    const results = await Promise.all([
      s.run(s.event(CREDITS, 'OK', 6), onEvent),
      s.run(s.event(DROPPED, 'OK', 7), onEvent),
    ]);

    // Assess
    const nexts = results.map((r) => incidentOf(r).next).sort();
    expect(nexts).toEqual(['ignored', 'resolved']);
    expect(quietSeconds).toEqual([900, 900]);
    const seen = channel();
    expect(countsOf(seen)).toEqual({
      roots: 1,
      approvalCards: 1,
      resolved: 1,
      threads: 2,
    });
    expect(seen.resolved[0]?.body.thread_ts).toBe(
      seen.approvalCards[0]?.body.thread_ts,
    );
    expect(await s.ports.store.current(first.fileSystemId)).toMatchObject({
      status: 'resolved',
      incidentId: first.incidentId,
    });
    expect(seen.resolved[0]?.body.text).toContain(
      `All 2 alarms of the incident (${CREDITS}, ${DROPPED}) stayed OK for 15 min.`,
    );
  });

  it('opens a new incident, thread and card for an alarm after the resolve', async () => {
    // Prepare
    const s = await scenario();
    const first = incidentOf(await s.run(s.event(CREDITS, 'ALARM', 0)));
    s.cloudwatch[CREDITS] = 'OK';
    s.setMinute(20);
    await s.run(s.event(CREDITS, 'OK', 2));

    // Act
    s.setMinute(60);
    const next = incidentOf(await s.run(s.event(CREDITS, 'ALARM', 60)));

    // Assess
    expect(next.next).toBe('diagnose');
    expect(next.incidentId).not.toBe(first.incidentId);
    const seen = channel();
    expect(countsOf(seen)).toMatchObject({
      roots: 2,
      approvalCards: 2,
      resolved: 1,
    });
  });

  it('keeps a manual start working, and resolves it once an alarm that joined it stays OK', async () => {
    // Prepare: a manual run, and while it waits for its approval the
    // credits alarm fires and joins (CloudWatch sends ALARM before it can
    // send an OK whose previous state is ALARM).
    const s = await scenario();
    let joined: Incident | undefined;
    s.ports.approver = async () => {
      s.setMinute(2);
      joined = incidentOf(await s.run(s.event(CREDITS, 'ALARM', 2)));
      return { approved: false, by: 'U0ONCALL' };
    };
    const manual = await s.run({
      fileSystemId: s.recording.meta.fileSystemId,
      at: SCENARIO_END.toISOString(),
    });
    s.ports.approver = undefined;
    s.cloudwatch[CREDITS] = 'OK';

    // Act
    s.setMinute(20);
    const ok = incidentOf(await s.run(s.event(CREDITS, 'OK', 5)));

    // Assess: the alarm that joined kept the manual incident open past its
    // run; its OK, after the quiet period, resolves it.
    const opened = incidentOf(manual);
    expect(opened).toMatchObject({ next: 'diagnose' });
    expect(opened.alarmNames).toBeUndefined();
    expect(manual.status === 'SUCCEEDED' && manual.output.closed).toMatchObject(
      { next: 'ignored' },
    );
    expect(joined).toMatchObject({
      next: 'joined',
      incidentId: opened.incidentId,
      alarmNames: [CREDITS],
    });
    expect(ok).toMatchObject({
      next: 'resolved',
      incidentId: opened.incidentId,
      alarmStates: { [CREDITS]: 'OK' },
    });
    const seen = channel();
    expect(countsOf(seen)).toMatchObject({
      roots: 1,
      approvalCards: 1,
      resolved: 1,
    });
  });
});

/** The text of every message posted into the first incident's thread. */
function threadTexts(): string[] {
  const posts = slack.calls.filter((c) => c.method === 'chat.postMessage');
  const thread = posts.find((c) => c.body.thread_ts !== undefined)?.body
    .thread_ts;
  return posts
    .filter((c) => thread !== undefined && c.body.thread_ts === thread)
    .map((c) => String(c.body.text));
}

const DAY_MINUTES = 24 * 60;

describe('how an incident ends', () => {
  it('ends a manual dry run with its run, so a real ALARM three days later gets its own diagnosis, thread and card', async () => {
    // Prepare: the manual run three days before the recorded incident.
    const s = await scenario();
    s.setMinute(-3 * DAY_MINUTES);
    const manual = await s.run({
      fileSystemId: s.recording.meta.fileSystemId,
      dryRun: true,
      at: new Date(
        SCENARIO_END.getTime() - 3 * DAY_MINUTES * MINUTE_MS,
      ).toISOString(),
    });
    const before = channel();

    // Act
    s.setMinute(0);
    const alarmRun = await s.run(s.event(CREDITS, 'ALARM', 0));

    // Assess
    expect(manual.status === 'SUCCEEDED' && manual.output.closed).toMatchObject(
      { next: 'resolved', incidentId: incidentOf(manual).incidentId },
    );
    const alarm = incidentOf(alarmRun);
    expect(alarm.next).toBe('diagnose');
    expect(alarm.incidentId).not.toBe(incidentOf(manual).incidentId);
    expect(
      alarmRun.status === 'SUCCEEDED' && alarmRun.output.result,
    ).toMatchObject({
      diagnosis: { verdict: 'efs-burst-credits-exhausted' },
    });
    const seen = channel();
    expect(before.roots).toHaveLength(1);
    expect(seen.roots).toHaveLength(2);
    expect(seen.approvalCards).toHaveLength(before.approvalCards.length + 1);
  });

  it.each([
    ['Decide off', 'off' as const, undefined],
    ['a declined approval', 'approve' as const, false],
    ['an approved dry run (NotifyOutcome)', 'approve' as const, true],
  ])(
    'closes a manual incident at the end of its run after %s',
    async (_, policy, approved) => {
      // Prepare
      const s = await scenario();
      if (approved !== undefined) {
        s.ports.approver = async () => ({ approved, by: 'U0ONCALL' });
      }
      const states: string[] = [];

      // Act
      const run = await s.run(
        { fileSystemId: s.recording.meta.fileSystemId, dryRun: true, policy },
        (event) => {
          if (event.type === 'entered') states.push(event.state);
        },
      );

      // Assess
      const incident = incidentOf(run);
      expect(states.slice(-2)).toEqual(['Done', 'Finished']);
      expect(await s.ports.store.current(incident.fileSystemId)).toMatchObject({
        status: 'resolved',
        incidentId: incident.incidentId,
      });
    },
  );

  it('does not close an alarm incident at the end of its run', async () => {
    // Prepare
    const s = await scenario();

    // Act
    const run = await s.run(s.event(CREDITS, 'ALARM', 0));

    // Assess
    expect(run.status === 'SUCCEEDED' && run.output.closed).toMatchObject({
      next: 'ignored',
    });
    expect(
      (await s.ports.store.current(incidentOf(run).fileSystemId))?.status,
    ).toBe('open');
  });

  it('opens a new incident for an ALARM when the open one is idle past incidentIdleHours with every alarm OK', async () => {
    // Prepare: the credits alarm's OK never reached us; CloudWatch has it
    // OK now.
    const s = await scenario();
    const first = incidentOf(await s.run(s.event(CREDITS, 'ALARM', 0)));
    s.cloudwatch[CREDITS] = 'OK';
    s.cloudwatch[DROPPED] = 'ALARM';

    // Act
    const next = await langfuseAlarmAt(s, 25 * 60);

    // Assess
    expect(next.next).toBe('diagnose');
    expect(next.incidentId).not.toBe(first.incidentId);
    expect(next.alarmNames).toEqual([DROPPED]);
    expect(next.reason).toMatch(/idle for more than 24 h/);
    expect(s.describeCalls).toEqual([[CREDITS]]);
    expect(channel().roots).toHaveLength(2);
  });

  it.each([
    ['an idle incident whose alarm still reads ALARM', 25 * 60, 'ALARM', 1],
    [
      'an incident active within incidentIdleHours without reading CloudWatch',
      23 * 60,
      'OK',
      0,
    ],
  ] as const)('joins %s', async (_title, minute, credits, describeCount) => {
    // Prepare
    const s = await scenario();
    const first = incidentOf(await s.run(s.event(CREDITS, 'ALARM', 0)));
    s.cloudwatch[CREDITS] = credits;

    // Act
    const next = await langfuseAlarmAt(s, minute);

    // Assess: CloudWatch is read only for an incident idle past 24 h.
    expect(next).toMatchObject({
      next: 'joined',
      incidentId: first.incidentId,
    });
    expect(s.describeCalls).toEqual(Array(describeCount).fill([CREDITS]));
    expect(channel().roots).toHaveLength(1);
  });
});

describe('a trigger that joins an open incident', () => {
  it('posts one line in the thread for a manual start, with its note escaped', async () => {
    // Prepare
    const s = await scenario();
    await s.run(s.event(CREDITS, 'ALARM', 0));
    const before = channel();

    // Act
    s.setMinute(5);
    const joined = incidentOf(
      await s.run({
        fileSystemId: s.recording.meta.fileSystemId,
        note: 'checking <!channel> & co',
      }),
    );

    // Assess
    expect(joined.next).toBe('joined');
    const after = channel();
    expect(after.roots).toHaveLength(before.roots.length);
    expect(after.approvalCards).toHaveLength(1);
    expect(threadTexts().at(-1)).toBe(
      ':heavy_plus_sign: a manual run (checking &lt;!channel&gt; &amp; co) joined this incident; the diagnosis above stands.',
    );
  });

  it('posts one line in the thread for an alarm, with its name and reason', async () => {
    // Prepare
    const s = await scenario();
    await s.run(s.event(CREDITS, 'ALARM', 0));
    const event = s.event(DROPPED, 'ALARM', 2) as {
      detail: { state: { reason: string } };
    };
    event.detail.state.reason =
      'Threshold Crossed: 1 datapoint [3.0 (23/11/26 03:13:00)] was >= 1.0';

    // Act
    s.setMinute(2);
    await s.run(event);

    // Assess
    const seen = channel();
    expect(seen.roots).toHaveLength(1);
    expect(seen.approvalCards).toHaveLength(1);
    expect(threadTexts().at(-1)).toBe(
      `:heavy_plus_sign: ${DROPPED} (Threshold Crossed: 1 datapoint [3.0 (23/11/26 03:13:00)] was &gt;= 1.0) joined this incident; the diagnosis above stands.`,
    );
  });
});

describe('an incident whose OK starts no check', () => {
  it('is resolved by the hourly preflight after ALARM, INSUFFICIENT_DATA, OK', async () => {
    // Prepare: the OK follows INSUFFICIENT_DATA (the rule never delivers
    // INSUFFICIENT_DATA itself), so its run ignores it.
    const s = await scenario();
    const first = incidentOf(await s.run(s.event(CREDITS, 'ALARM', 0)));
    s.setMinute(30);
    const ok = incidentOf(
      await s.run(s.event(CREDITS, 'OK', 30, 'INSUFFICIENT_DATA')),
    );
    s.cloudwatch[CREDITS] = 'OK';

    // Act
    s.setMinute(60);
    const report = await s.preflight();

    // Assess
    expect(ok.next).toBe('ignored');
    expect(report.incidents).toMatchObject([
      { incidentId: first.incidentId, outcome: 'resolved', posted: true },
    ]);
    expect(await s.ports.store.current(first.fileSystemId)).toMatchObject({
      status: 'resolved',
      incidentId: first.incidentId,
    });
    const texts = threadTexts();
    expect(texts.at(-1)).toMatch(
      new RegExp(
        `^:large_green_circle: Resolved: ${CREDITS} reads OK on ${first.fileSystemId}, with nothing new for 60 min; 60 min after the incident opened\\.`,
      ),
    );
    expect(channel().resolved).toHaveLength(1);
  });

  it('says in the thread that the check could not be made, and the preflight resolves it later', async () => {
    // Prepare
    const s = await scenario();
    const first = incidentOf(await s.run(s.event(CREDITS, 'ALARM', 0)));
    s.cloudwatch[CREDITS] = 'OK';
    const throttled = new Error('Rate exceeded');
    throttled.name = 'Throttling';
    s.failDescribe(throttled);

    // Act
    s.setMinute(20);
    const check = await s.run(s.event(CREDITS, 'OK', 5));
    const stillOpen = await s.ports.store.current(first.fileSystemId);
    s.failDescribe(undefined);
    s.setMinute(80);
    const report = await s.preflight();

    // Assess
    expect(check.status).toBe('SUCCEEDED');
    expect(stillOpen?.status).toBe('open');
    const texts = threadTexts();
    expect(texts).toContain(
      `:warning: ${CREDITS} went OK, but the quiet-period check could not be made (Throttling: Rate exceeded). Incident ${first.incidentId} stays open; the hourly preflight checks its alarms again within the hour and resolves it here if they are all OK.`,
    );
    expect(report.incidents?.[0]).toMatchObject({
      outcome: 'resolved',
      posted: true,
    });
    expect(channel().resolved).toHaveLength(1);
  });

  it('leaves an incident alone while its alarm reads ALARM or it is within the quiet period', async () => {
    // Prepare
    const s = await scenario();
    await s.run(s.event(CREDITS, 'ALARM', 0));
    s.cloudwatch[CREDITS] = 'ALARM';

    // Act
    s.setMinute(5);
    const early = await s.preflight();
    s.setMinute(60);
    const alarming = await s.preflight();

    // Assess
    expect(early.incidents?.[0]?.outcome).toBe('waiting');
    expect(alarming.incidents?.[0]?.outcome).toBe('still-alarming');
    expect(channel().resolved).toHaveLength(0);
  });
});

describe('the Resolved message', () => {
  it('says the approval card above is still open and approving still switches', async () => {
    // Prepare: nobody answered the card (it is open for an hour).
    const s = await scenario();
    await s.run(s.event(CREDITS, 'ALARM', 0));
    s.cloudwatch[CREDITS] = 'OK';

    // Act
    s.setMinute(20);
    await s.run(s.event(CREDITS, 'OK', 3));

    // Assess
    const [resolved] = channel().resolved;
    expect(String(resolved?.body.text)).toContain(
      // 04:12 UTC as a Slack date, with its plain fallback.
      'The approval card above is still open until it expires at <!date^1795407120^{date_short_pretty} {time}|2026-11-23 04:12 UTC>: approving it will still switch the file system.',
    );
  });

  it('says nothing of an approval once it was answered', async () => {
    // Prepare
    const s = await scenario();
    s.ports.approver = async () => ({ approved: false, by: 'U0ONCALL' });
    await s.run(s.event(CREDITS, 'ALARM', 0));
    s.ports.approver = undefined;
    s.cloudwatch[CREDITS] = 'OK';

    // Act
    s.setMinute(20);
    await s.run(s.event(CREDITS, 'OK', 3));

    // Assess
    const [resolved] = channel().resolved;
    expect(String(resolved?.body.text)).not.toContain('approval card');
  });
});

import { describe, expect, it } from 'vitest';
import { configForRecording } from '../../local/evidence.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import {
  recordingClickHousePort,
  recordingEfsPort,
  recordingMetricsPort,
} from '../../local/recorded-ports.ts';
import type { Recording } from '../../local/recording-format.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import { type LocalPorts, runLocal } from '../../local/state-machine-runner.ts';
import type { SlackMessage } from '../../shared/domain/contracts.ts';
import {
  afterNotifySchema,
  afterRemediateSchema,
} from '../../shared/domain/contracts.ts';
import { SlackDeliveryError } from '../../shared/domain/errors.ts';
import type { IncidentStore, SlackPort } from '../../shared/domain/ports.ts';
import { SCENARIO_END, seedIncident } from '../fixtures/scenarios.ts';

function slackDouble(fail = false): SlackPort & { posted: SlackMessage[] } {
  const posted: SlackMessage[] = [];
  return {
    posted,
    async postMessage(message) {
      if (fail) throw new SlackDeliveryError('Slack answered HTTP 500');
      posted.push(message);
      return {
        channel: 'C0INCIDENT',
        ts: `1763867568.${String(posted.length).padStart(6, '0')}`,
      };
    },
  };
}

function ports(
  recording: Recording,
  overrides: Partial<LocalPorts> & { policy?: 'off' | 'approve' | 'auto' } = {},
): LocalPorts & {
  slack: ReturnType<typeof slackDouble>;
  store: IncidentStore;
} {
  const { policy, ...rest } = overrides;
  return {
    config: configForRecording(recording, policy ? { policy } : {}),
    clock: { now: () => new Date(recording.meta.end) },
    efs: recordingEfsPort(recording),
    metrics: recordingMetricsPort(recording),
    clickhouseFor: () => recordingClickHousePort(recording),
    slack: slackDouble(),
    store: createMemoryIncidentStore(),
    ...rest,
  } as LocalPorts & {
    slack: ReturnType<typeof slackDouble>;
    store: IncidentStore;
  };
}

describe('the state machine, run locally with the real handlers', () => {
  it('diagnoses the seed incident and posts the numbers to Slack', async () => {
    // Prepare
    const recording = seedIncident();
    const p = ports(recording, { policy: 'off' });
    // Act
    const result = await runLocal(recording.trigger, p);
    // Assess
    if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
    const state = afterNotifySchema.parse(result.output);
    expect(state.result.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
    expect(state.result.recommendation.action).toBe('switch-to-elastic');
    expect(state.result.decision.next).toBe('done');
    const text = JSON.stringify(p.slack.posted[0]?.blocks);
    expect(text).toContain(recording.meta.fileSystemId);
    expect(text).toMatch(/1\.0 MiB\/s permitted for \d+ h/);
    expect(text).toMatch(/[\d,]+ Langfuse records dropped/);
    expect(result.transitions).toBeLessThanOrEqual(20);
  });

  it('asks for approval, switches to elastic and reports it in the thread', async () => {
    const recording = seedIncident();
    const p = ports(recording, {
      approver: async () => ({ approved: true, by: 'U0LOCAL' }),
    });
    const result = await runLocal(recording.trigger, p);
    if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
    const state = afterRemediateSchema.parse(result.output);
    expect(state.remediation).toMatchObject({
      status: 'applied',
      approvedBy: 'U0LOCAL',
    });
    // The finding, the card, "switching now", the outcome.
    expect(p.slack.posted).toHaveLength(4);
    const thread = p.slack.posted[0] && state.notification.threadTs;
    expect(p.slack.posted[1]?.threadTs).toBe(thread);
    expect(p.slack.posted[2]?.threadTs).toBe(thread);
    expect(p.slack.posted[2]?.text).toContain('Switching now');
    expect(p.slack.posted[3]?.threadTs).toBe(thread);
    const described = await p.efs.describeFileSystem(
      recording.meta.fileSystemId,
    );
    expect(described.ThroughputMode).toBe('elastic');
  });

  it('does not change anything when nobody approves', async () => {
    const recording = seedIncident();
    const p = ports(recording);
    const result = await runLocal(recording.trigger, p);
    if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
    expect(afterRemediateSchema.parse(result.output).remediation.status).toBe(
      'not-attempted',
    );
    const described = await p.efs.describeFileSystem(
      recording.meta.fileSystemId,
    );
    expect(described.ThroughputMode).toBe('bursting');
  });

  it('prints the call on a dry run from the console input', async () => {
    const recording = seedIncident();
    const result = await runLocal(
      {
        fileSystemId: recording.meta.fileSystemId,
        windowMinutes: 180,
        dryRun: true,
      },
      ports(recording),
    );
    if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
    const { remediation } = afterRemediateSchema.parse(result.output);
    expect(remediation).toMatchObject({
      status: 'dry-run',
      call: {
        FileSystemId: recording.meta.fileSystemId,
        ThroughputMode: 'elastic',
      },
    });
  });

  it('goes on without ClickHouse and says so', async () => {
    const recording = simulateScenario('clickhouse-unreachable', {
      end: SCENARIO_END,
    });
    const result = await runLocal(recording.trigger, ports(recording));
    if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
    const state = afterNotifySchema.parse(result.output);
    expect(state.result.diagnosis.verdict).toBe('clickhouse-unreachable');
    expect(state.result.diagnosis.gaps.join(' ')).toContain(
      'unreachable after 5 s',
    );
  });

  it('turns a crashed collector into unavailable evidence and goes on', async () => {
    const recording = seedIncident();
    const p = ports(recording, {
      clickhouseFor: () => ({
        snapshot: () => {
          throw new TypeError('socket hang up');
        },
      }),
    });
    // The collector itself catches source errors; make the Lambda crash.
    p.clickhouseFor = () => {
      throw new RangeError('out of memory');
    };
    const result = await runLocal(recording.trigger, p);
    if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
    const state = afterNotifySchema.parse(result.output);
    expect(state.gathered[2]).toMatchObject({
      source: 'clickhouse',
      caught: { Error: 'RangeError' },
    });
    expect(state.result.diagnosis.gaps.join(' ')).toContain(
      'RangeError: out of memory',
    );
    expect(state.result.diagnosis.verdict).toBe('efs-burst-credits-exhausted');
  });

  it('keeps the finding in the output when Slack is down', async () => {
    const recording = seedIncident();
    const result = await runLocal(
      recording.trigger,
      ports(recording, { policy: 'off', slack: slackDouble(true) }),
    );
    if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
    const state = afterNotifySchema.parse(result.output);
    expect(state.notification).toMatchObject({
      delivered: false,
      error: 'Slack answered HTTP 500',
    });
    expect(state.notification.messages[0]?.text).toContain(
      'EFS burst credits exhausted',
    );
  });

  it('joins a second alarm to the open incident instead of diagnosing again, with one line in its thread', async () => {
    const recording = seedIncident();
    const p = ports(recording, { policy: 'off' });
    await runLocal(recording.trigger, p);
    const second = await runLocal(recording.trigger, p);
    if (second.status !== 'SUCCEEDED') throw new Error(second.cause);
    expect((second.output.incident as { next: string }).next).toBe('joined');
    expect(second.output.result).toBeUndefined();
    // The join is one line in the incident's thread, no second finding.
    expect(p.slack.posted).toHaveLength(2);
    expect(p.slack.posted[1]?.threadTs).toBe('1763867568.000001');
    expect(p.slack.posted[1]?.text).toMatch(
      /joined this incident; the diagnosis above stands\.$/,
    );
    expect(second.transitions).toBeLessThanOrEqual(5);
  });

  it('resolves the incident in the same thread when the alarm is OK again', async () => {
    const recording = seedIncident();
    const p = ports(recording, { policy: 'off' });
    await runLocal(recording.trigger, p);
    const ok = structuredClone(recording.trigger) as {
      detail: { state: { value: string; timestamp: string } };
    };
    ok.detail.state.value = 'OK';
    ok.detail.state.timestamp = '2026-11-23T04:02:00.000+0000';
    // After the quiet period CloudWatch still says OK.
    p.alarms = {
      async alarmStates(names) {
        return Object.fromEntries(names.map((name) => [name, 'OK' as const]));
      },
    };
    const result = await runLocal(ok, p);
    if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
    expect(p.slack.posted).toHaveLength(2);
    expect(p.slack.posted[1]?.threadTs).toBe('1763867568.000001');
    expect(p.slack.posted[1]?.text).toMatch(
      /Resolved: .* 50 min after the incident opened/,
    );
  });

  it.each([
    [
      'not JSON',
      '{"detail-type": "CloudWatch Alarm',
      'InvalidTriggerError',
      /trigger is not JSON/,
    ],
    [
      'a wrong detail-type',
      {
        source: 'aws.ec2',
        'detail-type': 'EC2 Instance State-change Notification',
        detail: {},
      },
      'InvalidTriggerError',
      /detail-type: expected "CloudWatch Alarm State Change"/,
    ],
    [
      'a missing alarm name',
      (() => {
        const t = structuredClone(seedIncident().trigger) as {
          detail: Record<string, unknown>;
        };
        delete t.detail.alarmName;
        return t;
      })(),
      'InvalidTriggerError',
      /detail\.alarmName/,
    ],
    [
      'an unknown file system',
      { fileSystemId: 'fs-00000000000000099' },
      'UnknownFileSystemError',
      /fs-00000000000000099 is not configured/,
    ],
  ])(
    'ends the run with a clear error for %s',
    async (_, trigger, error, message) => {
      const recording = seedIncident();
      const p = ports(recording);
      const result = await runLocal(trigger, p);
      expect(result.status).toBe('FAILED');
      if (result.status !== 'FAILED') return;
      expect(result.error).toBe(error);
      expect(result.message).toMatch(message);
      expect(p.slack.posted).toHaveLength(0);
    },
  );

  it('ends the run when EFS says the file system does not exist', async () => {
    const recording = seedIncident();
    recording.describeFileSystems.FileSystems = [];
    const result = await runLocal(recording.trigger, ports(recording));
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'FileSystemNotFoundError',
    });
    if (result.status === 'FAILED')
      expect(result.message).toMatch(/does not exist/);
  });
});

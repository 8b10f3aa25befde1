import { describe, expect, it } from 'vitest';
import { normalizeTrigger } from '../../functions/normalize/core.ts';
import { triggerSchema } from '../../shared/domain/contracts.ts';
import {
  InvalidTriggerError,
  UnknownFileSystemError,
} from '../../shared/domain/errors.ts';
import {
  FS_ID,
  logPatternAlarm,
  metricMathAlarm,
  OTHER_FS_ID,
  singleMetricAlarm,
} from '../fixtures/alarm-events.ts';
import { testConfig } from '../fixtures/config.ts';

const now = new Date('2026-11-23T03:15:00Z');
const ports = { config: testConfig(), now: () => now };

describe('normalizeTrigger', () => {
  it('reads the file system from a single-metric alarm dimension', () => {
    // Act
    const trigger = normalizeTrigger(singleMetricAlarm(), ports);
    // Assess
    expect(triggerSchema.parse(trigger)).toEqual(trigger);
    expect(trigger).toMatchObject({
      kind: 'alarm',
      fileSystemId: FS_ID,
      state: 'ALARM',
      alarmName: 'burstguard-prod-burst-credits-low',
      alarmMetric: 'BurstCreditBalance',
      policy: 'approve',
      dryRun: false,
      windowMinutes: 180,
    });
    // The window ends at the alarm's state change, written with +0000.
    expect(trigger.windowEnd).toBe('2026-11-23T03:12:48.554Z');
    expect(trigger.windowStart).toBe('2026-11-23T00:12:48.554Z');
  });

  it('finds the file system inside a metric-math alarm', () => {
    const trigger = normalizeTrigger(metricMathAlarm(), ports);
    expect(trigger.fileSystemId).toBe(FS_ID);
    expect(trigger.alarmMetric).toBe('MeteredIOBytes+PermittedThroughput');
  });

  it('maps a log-pattern alarm through the configured alarm names', () => {
    const trigger = normalizeTrigger(logPatternAlarm(), ports);
    expect(trigger.fileSystemId).toBe(FS_ID);
  });

  it('maps a log-pattern alarm through its file system tag', () => {
    const event = logPatternAlarm('some-other-alarm', {
      'burstguard:file-system-id': OTHER_FS_ID,
    });
    const trigger = normalizeTrigger(event, ports);
    expect(trigger.fileSystemId).toBe(OTHER_FS_ID);
    expect(trigger.policy).toBe('off');
  });

  it('turns an OK alarm into a resolving trigger', () => {
    const trigger = normalizeTrigger(singleMetricAlarm({ state: 'OK' }), ports);
    expect(trigger.state).toBe('OK');
    expect(trigger.previousState).toBe('ALARM');
  });

  it('keeps the state an OK alarm came from, INSUFFICIENT_DATA included', () => {
    // Prepare: detail.previousState.value, as in the CloudWatch user
    // guide's "CloudWatch alarm state change events" examples.
    const event = singleMetricAlarm({
      state: 'OK',
      previousState: 'INSUFFICIENT_DATA',
    });

    // Act
    const trigger = normalizeTrigger(event, ports);

    // Assess
    expect(triggerSchema.parse(trigger)).toMatchObject({
      state: 'OK',
      previousState: 'INSUFFICIENT_DATA',
    });
  });

  it('accepts the console input with defaults from the configuration', () => {
    const trigger = normalizeTrigger(
      { fileSystemId: FS_ID, windowMinutes: 60, dryRun: true },
      ports,
    );
    expect(trigger).toMatchObject({
      kind: 'manual',
      fileSystemId: FS_ID,
      windowMinutes: 60,
      dryRun: true,
      policy: 'approve',
      windowEnd: now.toISOString(),
      windowStart: '2026-11-23T02:15:00.000Z',
    });
  });

  it('accepts a trigger pasted as a JSON string', () => {
    const trigger = normalizeTrigger(
      JSON.stringify({ fileSystemId: FS_ID }),
      ports,
    );
    expect(trigger.fileSystemId).toBe(FS_ID);
  });

  it.each([
    [
      'not JSON',
      '{"fileSystemId": ',
      InvalidTriggerError,
      /trigger is not JSON/,
    ],
    ['not an object', [1, 2], InvalidTriggerError, /must be a JSON object/],
    [
      'a wrong detail-type',
      {
        ...singleMetricAlarm(),
        'detail-type': 'EC2 Instance State-change Notification',
      },
      InvalidTriggerError,
      /^detail-type: expected "CloudWatch Alarm State Change"/,
    ],
    [
      'a missing alarm name',
      (() => {
        const e = singleMetricAlarm();
        const { alarmName: _, ...detail } = e.detail;
        return { ...e, detail };
      })(),
      InvalidTriggerError,
      /^detail\.alarmName: /,
    ],
    [
      'an unknown file system in the alarm',
      singleMetricAlarm({ fileSystemId: 'fs-00000000000000099' }),
      UnknownFileSystemError,
      /fs-00000000000000099 .* is not configured/,
    ],
    [
      'an alarm that names no file system',
      (() => {
        const e = logPatternAlarm('unmapped-alarm');
        const metric = e.detail.configuration.metrics[0];
        if (metric) metric.metricStat.metric.namespace = 'Custom/Other';
        return e;
      })(),
      UnknownFileSystemError,
      /names no file system/,
    ],
    [
      'INSUFFICIENT_DATA',
      singleMetricAlarm({ state: 'INSUFFICIENT_DATA' }),
      InvalidTriggerError,
      /INSUFFICIENT_DATA is not handled/,
    ],
    [
      'a malformed file system id',
      { fileSystemId: 'fs-nothex' },
      InvalidTriggerError,
      /^fileSystemId: must look like fs-/,
    ],
    [
      'an unknown console field',
      { fileSystemId: FS_ID, windowMinute: 60 },
      InvalidTriggerError,
      /windowMinute/,
    ],
    [
      'a window too long for CloudWatch 1-minute data',
      { fileSystemId: FS_ID, windowMinutes: 100_000 },
      InvalidTriggerError,
      /^windowMinutes: /,
    ],
    [
      'an unknown file system in the console input',
      { fileSystemId: 'fs-00000000000000099' },
      UnknownFileSystemError,
      /^fileSystemId: fs-00000000000000099 is not configured/,
    ],
  ])('rejects %s with an error naming the field', (_, raw, type, message) => {
    const act = () => normalizeTrigger(raw, ports);
    expect(act).toThrow(type);
    expect(act).toThrow(message);
  });
});

describe('normalizeTrigger for Langfuse alarms', () => {
  it('reads the file system from the tags under detail', () => {
    const event = logPatternAlarm('other-alarm');
    const tagged = {
      ...event,
      detail: {
        ...event.detail,
        alarmTags: { 'burstguard:file-system-id': OTHER_FS_ID },
        configuration: { metrics: [] },
      },
    };
    expect(normalizeTrigger(tagged, ports).fileSystemId).toBe(OTHER_FS_ID);
  });

  it('reads the file system from the Langfuse metric namespace', () => {
    // logPatternAlarm's metric lives in Burstguard/Langfuse/<FS_ID>.
    const trigger = normalizeTrigger(
      logPatternAlarm('an-unlisted-alarm'),
      ports,
    );
    expect(trigger.fileSystemId).toBe(FS_ID);
  });
});

describe('trigger times', () => {
  /** The alarm event with its state timestamp (or `time`) replaced. */
  function alarmAt(field: 'timestamp' | 'time', value: unknown) {
    const event = singleMetricAlarm() as unknown as {
      time?: unknown;
      detail: { state: { timestamp?: unknown } };
    };
    if (field === 'time') {
      delete event.detail.state.timestamp;
      event.time = value;
    } else {
      event.detail.state.timestamp = value;
    }
    return event;
  }

  it.each([
    ['1', /^detail\.state\.timestamp: "1" is not an ISO 8601 time/],
    [
      '-271821-04-20T00:00:00.000Z',
      /^detail\.state\.timestamp: "-271821-04-20T00:00:00.000Z" is not an ISO 8601 time/,
    ],
    [
      '+275760-09-13T00:00:00.000Z',
      /^detail\.state\.timestamp: "\+275760-09-13T00:00:00.000Z" is not/,
    ],
    ['yesterday', /^detail\.state\.timestamp: "yesterday" is not/],
    ['2026-13-45T99:00:00Z', /^detail\.state\.timestamp: .* is not an ISO/],
    [
      '1970-01-01T00:00:00.000+0000',
      /^detail\.state\.timestamp: 1970-01-01T00:00:00.000\+0000 is before 2000$/,
    ],
    [
      '2026-11-24T03:15:01.000+0000',
      /^detail\.state\.timestamp: 2026-11-24T03:15:01.000\+0000 is more than a day after now \(2026-11-23T03:15:00.000Z\)$/,
    ],
  ])(
    'refuses the alarm timestamp %s with one named error',
    (value, message) => {
      const attempt = () =>
        normalizeTrigger(alarmAt('timestamp', value), ports);

      expect(attempt).toThrow(InvalidTriggerError);
      expect(attempt).toThrow(message);
    },
  );

  it('refuses an unparseable event time when the state has no timestamp', () => {
    const attempt = () => normalizeTrigger(alarmAt('time', '1'), ports);

    expect(attempt).toThrow(InvalidTriggerError);
    expect(attempt).toThrow(/^time: "1" is not an ISO 8601 time/);
  });

  it.each([
    ['2026-11-24T03:14:59Z', '2026-11-24T03:14:59.000Z'],
    ['2000-01-01T00:00:00Z', '2000-01-01T00:00:00.000Z'],
    ['2026-11-23T03:12:48.554+0000', '2026-11-23T03:12:48.554Z'],
  ])('takes the alarm timestamp %s', (value, windowEnd) => {
    const trigger = normalizeTrigger(alarmAt('timestamp', value), ports);

    expect(trigger.windowEnd).toBe(windowEnd);
    expect(triggerSchema.parse(trigger)).toEqual(trigger);
  });

  it.each([
    ['0001-01-01T00:00:00Z', /^at: 0001-01-01T00:00:00Z is before 2000$/],
    ['9999-12-31T00:00:00Z', /^at: 9999-12-31T00:00:00Z is more than a day/],
  ])('refuses the manual time %s', (at, message) => {
    const attempt = () => normalizeTrigger({ fileSystemId: FS_ID, at }, ports);

    expect(attempt).toThrow(InvalidTriggerError);
    expect(attempt).toThrow(message);
  });
});

/**
 * Normalize at its edges: where it finds the file system of an alarm when
 * the first sources are silent, what it says about input that is not an
 * object or not an alarm event, and the times it takes.
 */
import { describe, expect, it } from 'vitest';
import {
  fileSystemOfAlarm,
  normalizeTrigger,
} from '../../functions/normalize/core.ts';
import { InvalidTriggerError } from '../../shared/domain/errors.ts';
import { FS_ID, logPatternAlarm } from '../fixtures/alarm-events.ts';
import { testConfig } from '../fixtures/config.ts';

const now = new Date('2026-11-23T03:15:00Z');
const config = testConfig();
const ports = { config, now: () => now };

/** A Langfuse log alarm whose metric lives in `namespace`. */
function alarmInNamespace(namespace: string, alarmName: string) {
  const event = logPatternAlarm(alarmName);
  const metric = event.detail.configuration.metrics[0];
  if (!metric) throw new Error('fixture has a metric');
  metric.metricStat.metric.namespace = namespace;
  // The fixture is an alarm state change event as EventBridge delivers it.
  return event as unknown as Parameters<typeof fileSystemOfAlarm>[0];
}

describe('fileSystemOfAlarm, after the dimension and the tags', () => {
  it("reads the file system from a Langfuse alarm's namespace when its name is not configured", () => {
    const event = alarmInNamespace(
      `Burstguard/Langfuse/${FS_ID}`,
      'an-alarm-nobody-listed',
    );

    expect(fileSystemOfAlarm(event, config)).toBe(FS_ID);
  });

  it('ignores a namespace under another base, even one as long as the configured one', () => {
    // "Burstguard/Langfusx" has the length of "Burstguard/Langfuse": cut at
    // the same place it would yield a valid id.
    const event = alarmInNamespace(
      `Burstguard/Langfusx/${FS_ID}`,
      'an-alarm-nobody-listed',
    );

    expect(fileSystemOfAlarm(event, config)).toBeUndefined();
  });

  it('ignores a namespace whose last part is not a whole file system id', () => {
    for (const tail of [`x${FS_ID}`, `${FS_ID}x`, 'fs-123', 'langfuse']) {
      const event = alarmInNamespace(
        `Burstguard/Langfuse/${tail}`,
        'an-alarm-nobody-listed',
      );
      expect(fileSystemOfAlarm(event, config)).toBeUndefined();
    }
  });

  it('falls back to the alarm names listed in the configuration', () => {
    // The test configuration lists this alarm name under FS_ID.
    const event = alarmInNamespace(
      'Custom/Elsewhere',
      'burstguard-prod-langfuse-dropped-records',
    );

    expect(fileSystemOfAlarm(event, config)).toBe(FS_ID);
  });
});

describe('normalizeTrigger, refusing input', () => {
  it.each([
    ['null', null],
    ['the JSON text null', 'null'],
    ['an array', []],
    ['a JSON array', '[{"fileSystemId": "fs-0123456789abcdef0"}]'],
    ['a number', 42],
    ['the JSON text 42', '42'],
  ])('refuses %s as not an object', (_, raw) => {
    expect(() => normalizeTrigger(raw, ports)).toThrow(
      new InvalidTriggerError(
        'trigger must be a JSON object: a CloudWatch alarm event or {"fileSystemId": "fs-..."}',
      ),
    );
  });

  it.each([
    ['a source alone', { source: 'aws.cloudwatch' }, 'null'],
    ['a detail alone', { detail: { alarmName: 'x' } }, 'null'],
    ['another detail-type', { 'detail-type': 'EC2 State' }, '"EC2 State"'],
  ])(
    'treats %s as an event, and refuses it by its detail-type',
    (_, raw, got) => {
      expect(() => normalizeTrigger(raw, ports)).toThrow(
        new InvalidTriggerError(
          `detail-type: expected "CloudWatch Alarm State Change", got ${got}`,
        ),
      );
    },
  );

  it('names the input as a whole when the problem is an unknown key', () => {
    expect(() =>
      normalizeTrigger({ fileSystemId: FS_ID, windowMinute: 60 }, ports),
    ).toThrow(/^input: /);
  });

  it('refuses a time more than a day after now, and takes one exactly a day after', () => {
    expect(() =>
      normalizeTrigger(
        { fileSystemId: FS_ID, at: '2026-11-24T03:15:00.001Z' },
        ports,
      ),
    ).toThrow('at: 2026-11-24T03:15:00.001Z is more than a day after now');
    expect(
      normalizeTrigger(
        { fileSystemId: FS_ID, at: '2026-11-24T03:15:00.000Z' },
        ports,
      ).windowEnd,
    ).toBe('2026-11-24T03:15:00.000Z');
  });

  it('takes a time with a UTC offset and ends the window at that instant', () => {
    // 04:12:48+01:00 is 03:12:48Z.
    const trigger = normalizeTrigger(
      { fileSystemId: FS_ID, at: '2026-11-23T04:12:48+01:00' },
      ports,
    );

    expect(trigger.windowEnd).toBe('2026-11-23T03:12:48.000Z');
  });

  it('refuses a note over 500 characters and takes one of 500', () => {
    expect(() =>
      normalizeTrigger({ fileSystemId: FS_ID, note: 'n'.repeat(501) }, ports),
    ).toThrow(InvalidTriggerError);
    expect(
      normalizeTrigger({ fileSystemId: FS_ID, note: 'n'.repeat(500) }, ports)
        .note,
    ).toHaveLength(500);
  });

  it('runs for real unless the input asks for a dry run', () => {
    expect(normalizeTrigger({ fileSystemId: FS_ID }, ports).dryRun).toBe(false);
    expect(
      normalizeTrigger({ fileSystemId: FS_ID, dryRun: true }, ports).dryRun,
    ).toBe(true);
  });

  it('lists the configured file systems when asked for another', () => {
    expect(() =>
      normalizeTrigger({ fileSystemId: 'fs-0aaaaaaaaaaaaaaaa' }, ports),
    ).toThrow(
      `fileSystemId: fs-0aaaaaaaaaaaaaaaa is not configured for burstguard (configured: ${FS_ID}, fs-0fedcba9876543210)`,
    );
  });
});

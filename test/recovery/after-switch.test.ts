/**
 * The recovery a switch that worked starts (Verify's `recovery`): its
 * window from a few minutes before the first dropped record the evidence
 * shows, never before the incident window, to the check; its thread, its
 * dropped-record count, and none without a recovery configuration.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/domain/config.ts';
import type { AfterRemediate } from '../../shared/domain/contracts.ts';
import {
  droppedRecords,
  RECOVERY_LEAD_MINUTES,
  recoveryAfterSwitch,
} from '../../shared/domain/recovery/after-switch.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { afterSwitch } from '../fixtures/states.ts';

const NOW = new Date('2026-11-23T03:22:48.000Z');

const config = (withRecovery: boolean) =>
  parseConfig({
    fileSystems: [
      {
        fileSystemId: FS_ID,
        ...(withRecovery
          ? {
              recovery: {
                eventsBucket: 'langfuse-events',
                langfuseUrl: 'https://langfuse.example.com',
              },
            }
          : {}),
      },
    ],
  });

/** The state after a switch, Langfuse's evidence counting `values` a minute. */
function withDropped(
  values: (number | null)[],
  exact?: (number | null)[],
): AfterRemediate {
  const s = afterSwitch(FS_ID, new Date('2026-11-23T03:12:48.554Z'));
  const series = (v: (number | null)[]) => ({
    start: '2026-11-23T02:00:00.000Z',
    periodSeconds: 60,
    values: v,
  });
  return {
    ...s,
    notification: { ...s.notification, threadTs: '1763867568.000100' },
    gathered: [
      s.gathered[0],
      {
        source: 'langfuse',
        available: true,
        periodSeconds: 60,
        metrics: { langfuse_dropped_records: series(values) },
        missing: [],
        ...(exact
          ? {
              droppedRecordsCount: {
                source: 'logs-insights',
                series: series(exact),
              },
            }
          : {}),
      },
      s.gathered[2],
    ] as AfterRemediate['gathered'],
  };
}

describe('recoveryAfterSwitch', () => {
  it('starts the window a few minutes before the first dropped record and ends it at the check', () => {
    // Prepare: nothing dropped until 02:40, then 3 and 4 a minute.
    const values = Array.from({ length: 60 }, (_, i) =>
      i < 40 ? 0 : i % 2 ? 3 : 4,
    );

    // Act
    const input = recoveryAfterSwitch(withDropped(values), config(true), NOW);

    // Assess: 02:40 - 5 min; 10 minutes of 3 and 10 of 4 = 70 records.
    expect(RECOVERY_LEAD_MINUTES).toBe(5);
    expect(input).toEqual({
      fileSystemId: FS_ID,
      window: {
        from: '2026-11-23T02:35:00.000Z',
        to: NOW.toISOString(),
      },
      incidentId: `${FS_ID}/2026-11-23T03:12:48.554Z/exec-1`,
      thread: { channel: 'C0', ts: '1763867568.000100' },
      droppedRecords: 70,
    });
  });

  it("counts Logs Insights' exact records over the metric filter's lines", () => {
    // Prepare: the filter saw one line a minute; the lines named 12 each.
    const input = recoveryAfterSwitch(
      withDropped([0, 1, 1], [null, 12, 12]),
      config(true),
      NOW,
    );

    // Assess
    expect(input?.droppedRecords).toBe(24);
    // The first drop at 02:01, less 5 minutes.
    expect(input?.window.from).toBe('2026-11-23T01:56:00.000Z');
  });

  it('never starts before the incident window, and starts there when nothing was counted', () => {
    // Prepare: the first drop in the window's first minute; no evidence.
    const early = withDropped([5]);
    early.trigger = {
      ...early.trigger,
      windowStart: '2026-11-23T02:02:00.000Z',
    };
    const none = afterSwitch(FS_ID, NOW);

    // Act
    const fromEarly = recoveryAfterSwitch(early, config(true), NOW);
    const fromNone = recoveryAfterSwitch(none, config(true), NOW);

    // Assess
    expect(fromEarly?.window.from).toBe('2026-11-23T02:02:00.000Z');
    // The incident window's start (the fixture's 00:12:48.554).
    expect(fromNone?.window.from).toBe('2026-11-23T00:12:48.554Z');
    expect(fromNone?.droppedRecords).toBeUndefined();
    expect(droppedRecords(none)).toBeUndefined();
  });

  it('starts nothing for a file system without recovery, and keeps a dry run dry', () => {
    // Prepare
    const dry = withDropped([1]);
    dry.trigger = { ...dry.trigger, dryRun: true };

    // Act / Assess
    expect(recoveryAfterSwitch(withDropped([1]), config(false), NOW)).toBe(
      undefined,
    );
    expect(recoveryAfterSwitch(dry, config(true), NOW)?.dryRun).toBe(true);
    expect(
      recoveryAfterSwitch(withDropped([1]), config(true), NOW),
    ).not.toHaveProperty('dryRun');
  });
});

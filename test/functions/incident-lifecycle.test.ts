/**
 * The two cores of the incident lifecycle on the memory store: what an OK
 * leads to (OpenIncident) and the check after the quiet period
 * (ResolveIncident).
 */
import { describe, expect, it } from 'vitest';
import { openIncident } from '../../functions/open-incident/core.ts';
import {
  endFailedRun,
  resolveIncident,
} from '../../functions/resolve-incident/core.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import {
  resolveIncidentInputSchema,
  type Trigger,
} from '../../shared/domain/contracts.ts';
import { resolvedMessage } from '../../shared/domain/messages/blocks.ts';
import type { AlarmStateValue, AlarmsPort } from '../../shared/domain/ports.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';

const T0 = '2026-11-23T03:00:00.000Z';
const config = { incidentQuietMinutes: 15 };

function trigger(
  alarmName: string | undefined,
  state: 'ALARM' | 'OK',
  previousState?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA',
): Trigger {
  return {
    kind: alarmName ? 'alarm' : 'manual',
    fileSystemId: FS_ID,
    region: 'us-east-1',
    state,
    ...(previousState ? { previousState } : {}),
    ...(alarmName ? { alarmName } : {}),
    triggeredAt: T0,
    windowMinutes: 60,
    windowStart: '2026-11-23T02:00:00.000Z',
    windowEnd: T0,
    dryRun: false,
    policy: 'approve',
  };
}

function alarmsSaying(states: Record<string, AlarmStateValue>) {
  const asked: string[][] = [];
  const port: AlarmsPort = {
    async alarmStates(names) {
      asked.push([...names]);
      return Object.fromEntries(
        names.flatMap((n) => (states[n] ? [[n, states[n]]] : [])),
      );
    },
  };
  return { port, asked };
}

describe('openIncident on an OK', () => {
  it('starts the quiet-period check with the configured seconds', async () => {
    // Prepare
    const store = createMemoryIncidentStore();
    await openIncident(
      { trigger: trigger('a', 'ALARM'), executionName: 'e1' },
      { store, config },
    );

    // Act
    const ok = await openIncident(
      { trigger: trigger('a', 'OK', 'ALARM'), executionName: 'e2' },
      { store, config: { incidentQuietMinutes: 7 } },
    );

    // Assess
    expect(ok).toMatchObject({
      next: 'quiet-check',
      quietSeconds: 420,
      alarmNames: ['a'],
      triggers: 1,
    });
    expect((await store.current(FS_ID))?.status).toBe('open');
  });

  it.each([
    [
      'nothing was ever open',
      [],
      trigger('a', 'OK', 'ALARM'),
      /no incident was ever open/,
    ],
    [
      'the OK follows INSUFFICIENT_DATA',
      [trigger('a', 'ALARM')],
      trigger('a', 'OK', 'INSUFFICIENT_DATA'),
      /INSUFFICIENT_DATA/,
    ],
    [
      'the alarm never joined',
      [trigger('a', 'ALARM')],
      trigger('b', 'OK', 'ALARM'),
      /never joined/,
    ],
  ])('ignores an OK when %s', async (_, before, ok, reason) => {
    // Prepare
    const store = createMemoryIncidentStore();
    for (const [i, t] of before.entries()) {
      await openIncident(
        { trigger: t, executionName: `e${i}` },
        { store, config },
      );
    }

    // Act
    const result = await openIncident(
      { trigger: ok, executionName: 'ok' },
      { store, config },
    );

    // Assess
    expect(result.next).toBe('ignored');
    expect(result.reason).toMatch(reason);
    expect(result.quietSeconds).toBeUndefined();
  });
});

describe('resolveIncident after the quiet period', () => {
  async function waiting(alarms: string[]) {
    const store = createMemoryIncidentStore();
    for (const [i, name] of alarms.entries()) {
      await openIncident(
        { trigger: trigger(name, 'ALARM'), executionName: `e${i}` },
        { store, config },
      );
    }
    const ok = trigger(alarms[0], 'OK', 'ALARM');
    const incident = await openIncident(
      { trigger: ok, executionName: 'ok' },
      { store, config },
    );
    const input = resolveIncidentInputSchema.parse({ trigger: ok, incident });
    return { store, input };
  }
  const clock = { now: () => new Date('2026-11-23T03:20:00.000Z') };

  it('resolves when every joined alarm is OK', async () => {
    // Prepare
    const { store, input } = await waiting(['a', 'b']);
    const alarms = alarmsSaying({ a: 'OK', b: 'OK' });

    // Act
    const result = await resolveIncident(input, {
      alarms: alarms.port,
      store,
      clock,
    });

    // Assess
    expect(result).toMatchObject({
      next: 'resolved',
      alarmStates: { a: 'OK', b: 'OK' },
      quietSeconds: 900,
    });
    expect(alarms.asked).toEqual([['a', 'b']]);
  });

  it.each([
    [{ a: 'OK', b: 'ALARM' }, 'b is ALARM'],
    [{ a: 'OK', b: 'INSUFFICIENT_DATA' }, 'b is INSUFFICIENT_DATA'],
    [{ a: 'OK' }, 'b is missing'],
  ] as const)(
    'keeps the incident open when CloudWatch says %o',
    async (states, reason) => {
      // Prepare
      const { store, input } = await waiting(['a', 'b']);

      // Act
      const result = await resolveIncident(input, {
        alarms: alarmsSaying(states).port,
        store,
        clock,
      });

      // Assess
      expect(result.next).toBe('still-alarming');
      expect(result.reason).toContain(reason);
      expect((await store.current(FS_ID))?.status).toBe('open');
    },
  );

  it('refuses an input that is not waiting for its check', () => {
    // Act
    const parsed = resolveIncidentInputSchema.safeParse({
      trigger: trigger('a', 'OK', 'ALARM'),
      incident: {
        incidentId: 'x',
        fileSystemId: FS_ID,
        openedAt: T0,
        next: 'joined',
        triggers: 1,
      },
    });

    // Assess
    expect(parsed.success).toBe(false);
  });
});

describe('the resolved message', () => {
  it('names the quiet period and the alarms, escaped for mrkdwn', () => {
    // Act
    const message = resolvedMessage(
      trigger('<!channel> & a', 'OK', 'ALARM'),
      '2026-11-23T02:40:00.000Z',
      'C0INCIDENT',
      '1763867568.000100',
      { alarmNames: ['<!channel> & a', 'b'], quietSeconds: 900 },
    );

    // Assess: Slack "formatting text": &, < and > as entities
    expect(message.text).toBe(
      ':large_green_circle: Resolved: &lt;!channel&gt; &amp; a is OK again on fs-0123456789abcdef0, 20 min after the incident opened. All 2 alarms of the incident (&lt;!channel&gt; &amp; a, b) stayed OK for 15 min.',
    );
    expect(message.threadTs).toBe('1763867568.000100');
  });
});

describe('endFailedRun', () => {
  const clock = { now: () => new Date(T0) };
  const failure = { Error: 'FileSystemNotFoundError', Cause: 'gone' };

  /** An incident opened by `alarm` (or by hand), whose run failed in Gather. */
  async function failInGather(alarm: string | undefined) {
    const store = createMemoryIncidentStore();
    const t = trigger(alarm, 'ALARM');
    const incident = await openIncident(
      { trigger: t, executionName: 'e1' },
      { store, config },
    );
    const end = await endFailedRun(
      {
        endFailedRun: true,
        state: { trigger: t, incident, failure, failedState: 'Gather' },
      },
      { store, clock },
    );
    return { store, incident, end };
  }

  it('ends a manual incident with its failed run', async () => {
    // Prepare / Act
    const { store, incident, end } = await failInGather(undefined);

    // Assess
    expect(end).toEqual({
      outcome: 'ended',
      reason: 'no alarm joined the incident: it ends with its run',
      incidentId: incident.incidentId,
    });
    expect((await store.current(FS_ID))?.status).toBe('resolved');
  });

  it("leaves an alarm's incident open for its alarms", async () => {
    // Prepare / Act
    const { store, end } = await failInGather('credits');

    // Assess
    expect(end).toMatchObject({ outcome: 'open' });
    expect(end.reason).toMatch(/alarm opened the incident/);
    expect((await store.current(FS_ID))?.status).toBe('open');
  });

  it('says there is no incident when the run failed before it had one', async () => {
    // Act
    const end = await endFailedRun(
      { endFailedRun: true, state: { failure, failedState: 'Normalize' } },
      { store: createMemoryIncidentStore(), clock },
    );

    // Assess
    expect(end.outcome).toBe('none');
  });
});

/**
 * The preflight's check of open incidents, with the real CloudWatch alarms
 * adapter answered by aws-sdk-client-mock as the CloudWatch API reference
 * documents DescribeAlarms and MetricAlarm (`StateTransitionedTimestamp`:
 * when StateValue last changed; `StateUpdatedTimestamp`: also when
 * EvaluationState did), and the memory incident store.
 */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { sweepIncidents } from '../../functions/preflight/sweep.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import { createAlarmsPort } from '../../shared/adapters/aws-alarms.ts';
import type { SlackMessage } from '../../shared/domain/contracts.ts';
import { FS_ID, OTHER_FS_ID } from '../fixtures/alarm-events.ts';
import { metricAlarm } from '../fixtures/aws-responses.ts';
import { testConfig } from '../fixtures/config.ts';
import { callsOn } from '../support/incident-calls.ts';

const cwMock = mockClient(CloudWatchClient);
afterEach(() => cwMock.reset());

const OPENED = '2026-11-23T03:00:00.000Z';
const NOW = new Date('2026-11-23T05:00:00.000Z');

async function setUp(okSince: string) {
  const store = createMemoryIncidentStore();
  const on = callsOn(store);
  await on.open('inc-1', OPENED, 'credits-low');
  await on.thread('inc-1', 'C0INCIDENT', '1763867568.000100');
  cwMock.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      {
        ...metricAlarm('credits-low', 'OK'),
        StateTransitionedTimestamp: new Date(okSince),
        // Moved later by an EvaluationState change: not the transition.
        StateUpdatedTimestamp: new Date('2026-11-23T04:59:00.000Z'),
      },
    ],
  });
  const posted: SlackMessage[] = [];
  const ports = {
    store,
    alarms: createAlarmsPort(new CloudWatchClient({ region: 'us-east-1' })),
    slack: {
      postMessage: async (m: SlackMessage) => {
        posted.push(m);
        return { channel: m.channel, ts: '1763867568.000200' };
      },
    },
    clock: { now: () => NOW },
    config: testConfig(),
  };
  return { store, posted, ports };
}

describe('the preflight incident check', () => {
  it('resolves an incident whose alarm has been OK since before the quiet period, in its thread', async () => {
    // Prepare
    const { store, posted, ports } = await setUp('2026-11-23T04:00:00.000Z');

    // Act
    const results = await sweepIncidents(ports);

    // Assess
    expect(results).toMatchObject([
      { fileSystemId: FS_ID, outcome: 'resolved', posted: true },
      { fileSystemId: OTHER_FS_ID, outcome: 'none' },
    ]);
    expect((await store.current(FS_ID))?.status).toBe('resolved');
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({
      channel: 'C0INCIDENT',
      threadTs: '1763867568.000100',
    });
    expect(posted[0]?.text).toBe(
      `:large_green_circle: Resolved: credits-low reads OK on ${FS_ID}, with nothing new for 120 min; 120 min after the incident opened.`,
    );
    // The file system's console page, in the configured region.
    expect(JSON.stringify(posted[0]?.blocks)).toContain(
      `Open: <https://us-east-1.console.aws.amazon.com/efs/home?region=us-east-1#/file-systems/${FS_ID}|file system>`,
    );
  });

  it('leaves open an incident whose alarm went OK within the quiet period', async () => {
    // Prepare: OK for 5 of the 15 quiet minutes (its own check may be
    // waiting right now).
    const { store, posted, ports } = await setUp('2026-11-23T04:55:00.000Z');

    // Act
    const [result] = await sweepIncidents(ports);

    // Assess
    expect(result).toMatchObject({ outcome: 'still-alarming' });
    expect(result?.reason).toContain(
      'credits-low is OK only since 2026-11-23T04:55:00.000Z',
    );
    expect((await store.current(FS_ID))?.status).toBe('open');
    expect(posted).toHaveLength(0);
  });

  it('reports a failed read for its file system and goes on with the others', async () => {
    // Prepare
    const { ports } = await setUp('2026-11-23T04:00:00.000Z');
    cwMock
      .on(DescribeAlarmsCommand)
      .rejects(
        Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }),
      );

    // Act
    const results = await sweepIncidents(ports);

    // Assess
    expect(results).toMatchObject([
      { fileSystemId: FS_ID, outcome: 'failed' },
      { fileSystemId: OTHER_FS_ID, outcome: 'none' },
    ]);
    expect(results[0]?.reason).toContain('Rate exceeded');
  });
});

/**
 * A failed check after a switch must not hide the switch. The real state
 * machine runs locally (aws-local-stepfunctions) with the real handlers;
 * Verify's Lambda throws, as a Lambda does (its errorType becomes the
 * Task's error: Step Functions developer guide, "error handling"). The run
 * must still reach NotifyOutcome, tell the thread that the file system was
 * switched and that the check failed, and end the run normally.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configForRecording } from '../../local/evidence.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import {
  recordingClickHousePort,
  recordingEfsPort,
  recordingMetricsPort,
} from '../../local/recorded-ports.ts';
import { simulateScenario } from '../../local/scenarios.ts';
import { type RunEvent, runLocal } from '../../local/state-machine-runner.ts';
import {
  createSlackPort,
  createSlackWebClient,
} from '../../shared/adapters/slack.ts';
import { type SlackDouble, startSlackDouble } from '../support/slack-double.ts';

const END = new Date('2026-11-23T03:12:00Z');

let slack: SlackDouble;
beforeEach(async () => {
  slack = await startSlackDouble();
});
afterEach(async () => {
  await slack.close();
});

describe('Verify failing after a switch', () => {
  it('still tells the thread of the switch and that the check failed', async () => {
    // Prepare
    const recording = simulateScenario('credits-exhausted', { end: END });
    const efs = recordingEfsPort(recording);
    const events: RunEvent[] = [];
    let verifyCalls = 0;

    // Act
    const result = await runLocal(
      { fileSystemId: recording.meta.fileSystemId },
      {
        config: configForRecording(recording, { policy: 'approve' }),
        clock: { now: () => END },
        efs,
        metrics: recordingMetricsPort(recording),
        clickhouseFor: () => recordingClickHousePort(recording),
        slack: createSlackPort(
          createSlackWebClient({
            token: 'xoxb-verify',
            slackApiUrl: slack.url,
            timeoutMs: 2_000,
          }),
        ),
        store: createMemoryIncidentStore(),
        approver: async () => ({ approved: true, by: 'U0LOCAL' }),
      },
      {
        onEvent: (e) => events.push(e),
        wrapHandlers: (handlers) => ({
          ...handlers,
          Verify: async () => {
            verifyCalls += 1;
            throw Object.assign(new Error('Rate exceeded for GetMetricData'), {
              name: 'Throttling',
            });
          },
        }),
      },
    );

    // Assess
    expect(verifyCalls).toBeGreaterThan(0);
    const entered = events.flatMap((e) =>
      e.type === 'entered' ? [e.state] : [],
    );
    expect(entered).toContain('NotifyOutcome');
    const posted = slack.calls
      .filter((c) => c.method === 'chat.postMessage')
      .map((c) => `${String(c.body.text)}\n${JSON.stringify(c.body.blocks)}`);
    const outcome = posted.find((m) => m.includes('Remediation applied'));
    expect(outcome).toBeDefined();
    expect(outcome).toMatch(/Did it work\? Unknown/);
    expect(outcome).toContain('Throttling');
    expect(result.status).toBe('SUCCEEDED');
  });
});

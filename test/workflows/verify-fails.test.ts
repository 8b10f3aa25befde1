/**
 * A failed check after a switch must not hide the switch. The real state
 * machine runs locally (aws-local-stepfunctions) with the real handlers;
 * Verify's Lambda throws, as a Lambda does (its errorType becomes the
 * Task's error: Step Functions developer guide, "error handling"). The run
 * must still reach NotifyOutcome, tell the thread that the file system was
 * switched and that the check failed, and end the run normally.
 */
import { describe, expect, it } from 'vitest';
import { type RunEvent, runLocal } from '../../local/state-machine-runner.ts';
import { seedIncident } from '../fixtures/scenarios.ts';
import {
  doubleSlackPort,
  postedMessages,
  recordedRunPorts,
  useSlackDouble,
} from '../support/local-run.ts';

const slack = useSlackDouble();

describe('Verify failing after a switch', () => {
  it('still tells the thread of the switch and that the check failed', async () => {
    // Prepare
    const recording = seedIncident();
    const events: RunEvent[] = [];
    let verifyCalls = 0;

    // Act
    const result = await runLocal(
      { fileSystemId: recording.meta.fileSystemId },
      {
        ...recordedRunPorts(recording, {
          policy: 'approve',
          slack: doubleSlackPort(slack, 'xoxb-verify'),
        }),
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
    const posted = postedMessages(slack);
    const outcome = posted.find((m) => m.includes('Remediation applied'));
    expect(outcome).toBeDefined();
    expect(outcome).toMatch(/Did it work\? Unknown/);
    expect(outcome).toContain('Throttling');
    expect(result.status).toBe('SUCCEEDED');
  });
});

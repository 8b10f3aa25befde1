/**
 * A reminder of an unanswered approval runs inside Notify's 20 s Lambda
 * timeout whatever Slack does: a reminder step that failed would end the
 * approval while its card is still up. When Slack does not answer in time,
 * the reminder is reported as not delivered and the next round still
 * comes (the escalation's plan is returned).
 */
import { describe, expect, it } from 'vitest';
import {
  ESCALATION_DEADLINES_MS,
  notify,
} from '../../functions/notify/core.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../../infra/functions.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import { PAGER_TIMEOUT_MS } from '../../shared/adapters/wiring/pager.ts';
import { notifyInputSchema } from '../../shared/domain/contracts.ts';
import type { SlackPort } from '../../shared/domain/ports.ts';
import { afterDiagnose } from '../fixtures/states.ts';

/** The state after Notify when the first approval round ran out. */
function firstRoundRanOut() {
  return notifyInputSchema.parse({
    kind: 'escalation',
    state: {
      ...afterDiagnose(),
      notification: {
        delivered: true,
        channel: 'C0INCIDENT',
        threadTs: '1763867568.000100',
        messages: [],
      },
      approvalTimeout: { Error: 'States.Timeout', Cause: '' },
    },
  });
}

/** A Slack that never answers. */
const silentSlack: SlackPort = {
  postMessage: () => new Promise(() => undefined),
  updateMessage: () => new Promise(() => undefined),
};

describe('a reminder when Slack does not answer', () => {
  it("fits the pager's deadline, the post and the edit in Notify's timeout", () => {
    // Every function's Lambda timeout, Notify's included (infra/functions.ts).
    const notifyTimeoutMs = FUNCTION_TIMEOUT_SECONDS * 1000;
    expect(
      PAGER_TIMEOUT_MS +
        ESCALATION_DEADLINES_MS.post +
        ESCALATION_DEADLINES_MS.status,
    ).toBeLessThan(notifyTimeoutMs);
  });

  it('reports the reminder undelivered and still plans the next round', async () => {
    // Act
    const out = await notify(firstRoundRanOut(), {
      slack: silentSlack,
      store: createMemoryIncidentStore(),
      channel: 'C0INCIDENT',
      approval: { approvers: ['U0APPROVER'], roundSeconds: 900 },
      escalationDeadlines: { post: 30, status: 30 },
    });

    // Assess
    expect(out).toMatchObject({
      delivered: false,
      error: 'no answer from Slack within 0.03 s',
      rootUpdated: false,
      rootError: 'no status-line edit within 0.03 s',
      next: 'wait',
      round: 2,
    });
    expect(JSON.stringify(out.messages)).toContain('<@U0APPROVER>');
  });
});

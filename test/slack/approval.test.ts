import { beforeEach, describe, expect, it } from 'vitest';
import {
  type ApprovalPorts,
  handleApprovalInteraction,
  type TaskCallbackPort,
} from '../../functions/slack-interactions/core.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import type { IncidentStore } from '../../shared/domain/ports.ts';
import { APPROVAL_BLOCK_ID } from '../../shared/domain/slack/interaction.ts';
import { FS_ID as FS } from '../fixtures/alarm-events.ts';
import {
  APPROVER,
  clickBody,
  INCIDENT,
  NOW_SECONDS,
  SIGNING_SECRET,
  saveCardToken,
  signedRequest,
} from '../fixtures/slack.ts';
import { doubleSlackPort, useSlackDouble } from '../support/local-run.ts';

const TASK_TOKEN = `AQCEAAAAKgAAAA${'t'.repeat(1_500)}`;
const CONFIG = { signingSecret: SIGNING_SECRET, approvers: [APPROVER] };

const CARD_BLOCKS = [
  { type: 'section', text: { type: 'mrkdwn', text: '*Approve switching?*' } },
  {
    type: 'actions',
    block_id: APPROVAL_BLOCK_ID,
    elements: [{ type: 'button', action_id: 'approve' }],
  },
];

function body(actionId: string, userId = APPROVER): string {
  return clickBody(actionId, {
    userId,
    responseUrl: null,
    blocks: CARD_BLOCKS,
  });
}

function signed(rawBody: string, timestamp = String(NOW_SECONDS)) {
  return signedRequest(rawBody, {
    timestamp,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

function recordingTasks(fail?: Error) {
  const sent: { taskToken: string; output: string }[] = [];
  const tasks: TaskCallbackPort = {
    async sendTaskSuccess(input) {
      sent.push(input);
      if (fail) throw fail;
    },
  };
  return { tasks, sent };
}

const slack = useSlackDouble();
let store: IncidentStore;

beforeEach(async () => {
  store = createMemoryIncidentStore();
  await saveCardToken(store, TASK_TOKEN, '2026-03-02T10:05:00.000Z');
  // The card the clicks come from, posted before the test began.
  slack.knowMessage('1700000000.000200');
});

function ports(tasks: TaskCallbackPort): ApprovalPorts {
  return { store, tasks, slack: doubleSlackPort(slack, 'xoxb-test') };
}

/** The request handled with the file's configuration and ports. */
function handle(
  request: Parameters<typeof handleApprovalInteraction>[0],
  tasks: TaskCallbackPort,
) {
  return handleApprovalInteraction(request, CONFIG, ports(tasks));
}

describe('handleApprovalInteraction', () => {
  it('answers the waiting task and rewrites the card on Approve', async () => {
    // Prepare
    const { tasks, sent } = recordingTasks();

    // Act
    const response = await handle(signed(body('approve')), tasks);

    // Assess
    expect(response).toMatchObject({ statusCode: 200, outcome: 'answered' });
    expect(response.detail).not.toContain('card not updated');
    expect(sent).toEqual([
      {
        taskToken: TASK_TOKEN,
        output: JSON.stringify({ approved: true, by: APPROVER }),
      },
    ]);
    expect(slack.calls).toHaveLength(1);
    const update = slack.calls[0];
    expect(update?.method).toBe('chat.update');
    expect(update?.body).toMatchObject({
      channel: 'C0ONCALL',
      ts: '1700000000.000200',
    });
    const blocks = update?.body.blocks as Record<string, unknown>[];
    expect(blocks.some((b) => b.block_id === APPROVAL_BLOCK_ID)).toBe(false);
    expect(JSON.stringify(blocks)).toContain(`Approved by <@${APPROVER}>`);
  });

  it('rewrites the card from trusted fields, never from the blocks Slack sends back', async () => {
    // Prepare: the block_actions payload carries the card as `message`
    // (docs.slack.dev/reference/interaction-payloads/block_actions-payload);
    // nothing documents whether its text comes back escaped, so here it
    // comes back raw, with control sequences.
    const { tasks } = recordingTasks();
    const raw = JSON.parse(
      new URLSearchParams(body('approve')).get('payload') ?? '{}',
    ) as { message: { blocks: unknown[] } };
    raw.message.blocks = [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '<!channel> <https://evil.example/approve|Approve here>',
        },
      },
      ...CARD_BLOCKS,
    ];
    const rawBody = new URLSearchParams({
      payload: JSON.stringify(raw),
    }).toString();

    // Act
    const response = await handle(signed(rawBody), tasks);

    // Assess
    expect(response.outcome).toBe('answered');
    const update = slack.calls.find((c) => c.method === 'chat.update');
    const sent = JSON.stringify(update?.body.blocks);
    expect(sent).not.toContain('<!channel>');
    expect(sent).not.toContain('evil.example');
    expect(sent).not.toContain('Approve switching?');
    expect(sent).toContain(`switching ${FS} to Elastic throughput`);
    expect(sent).toContain(`incident ${INCIDENT}`);
    expect(sent).toContain(
      // The time as a Slack date, with a plain UTC fallback.
      `Approved by <@${APPROVER}> at <!date^${NOW_SECONDS}^{date_short_pretty} {time}|2026-03-02 10:00 UTC>`,
    );
  });

  it('answers with approved false on Decline', async () => {
    // Prepare
    const { tasks, sent } = recordingTasks();

    // Act
    const response = await handle(signed(body('decline')), tasks);

    // Assess
    expect(response.outcome).toBe('answered');
    expect(JSON.parse(sent[0]?.output ?? '{}')).toEqual({
      approved: false,
      by: APPROVER,
    });
  });

  it('answers the task only once when the button is pressed twice', async () => {
    // Prepare
    const { tasks, sent } = recordingTasks();

    // Act: the same click twice, on the same store.
    const first = await handle(signed(body('approve')), tasks);
    const second = await handle(signed(body('approve')), tasks);

    // Assess
    expect(first.outcome).toBe('answered');
    expect(second.outcome).toBe('no-pending-approval');
    expect(sent).toHaveLength(1);
  });

  it('refuses an unsigned request before reading it', async () => {
    // Prepare
    const { tasks, sent } = recordingTasks();
    const request = signed(body('approve'));
    request.headers['X-Slack-Signature'] = `v0=${'0'.repeat(64)}`;

    // Act
    const response = await handle(request, tasks);

    // Assess
    expect(response).toMatchObject({ statusCode: 401, outcome: 'unsigned' });
    expect(sent).toEqual([]);
    expect(
      await store.takeApprovalToken({ fileSystemId: FS, incidentId: INCIDENT }),
    ).toBeDefined();
  });

  it('refuses a replayed request older than five minutes', async () => {
    // Prepare
    const { tasks, sent } = recordingTasks();
    const request = signed(body('approve'), String(NOW_SECONDS - 600));

    // Act
    const response = await handle(request, tasks);

    // Assess
    expect(response.outcome).toBe('unsigned');
    expect(response.detail).toMatch(/600 s old/);
    expect(sent).toEqual([]);
  });

  it('keeps the token when someone off the list presses a button', async () => {
    // Prepare
    const { tasks, sent } = recordingTasks();

    // Act
    const response = await handle(signed(body('approve', 'U0STRANGER')), tasks);

    // Assess
    expect(response).toMatchObject({ statusCode: 200, outcome: 'forbidden' });
    expect(sent).toEqual([]);
    expect(
      await store.takeApprovalToken({ fileSystemId: FS, incidentId: INCIDENT }),
    ).toMatchObject({ taskToken: TASK_TOKEN });
  });

  it('answers 400 to a signed body that is not an interaction', async () => {
    // Prepare
    const { tasks } = recordingTasks();

    // Act
    const response = await handle(signed('hello=world'), tasks);

    // Assess
    expect(response).toMatchObject({ statusCode: 400, outcome: 'invalid' });
  });

  it('says so when the workflow stopped waiting', async () => {
    // Prepare
    const timedOut = Object.assign(new Error('Task Timed Out'), {
      name: 'TaskTimedOut',
    });
    const { tasks } = recordingTasks(timedOut);

    // Act
    const response = await handle(signed(body('approve')), tasks);

    // Assess
    expect(response.outcome).toBe('task-failed');
    expect(response.detail).toContain('TaskTimedOut');
    expect(slack.calls).toEqual([]);
  });

  it('still counts as answered when the card cannot be rewritten', async () => {
    // Prepare
    const { tasks, sent } = recordingTasks();
    slack.failNext(1, { kind: 'http', status: 500 });

    // Act
    const response = await handle(signed(body('approve')), tasks);

    // Assess
    expect(response.outcome).toBe('answered');
    expect(response.detail).toContain('card not updated');
    expect(sent).toHaveLength(1);
  });
});

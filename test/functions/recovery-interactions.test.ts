/**
 * The recovery offer's buttons through the Slack interactions endpoint:
 * the same signature check, approver allowlist and one-answer rule as the
 * remediation approval, with the recovery run's own token.
 */
import { describe, expect, it } from 'vitest';
import { handleApprovalInteraction } from '../../functions/slack-interactions/core.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import {
  encodeRecoveryValue,
  RECOVERY_BLOCK_ID,
} from '../../shared/domain/slack/interaction.ts';
import { slackSignature } from '../../shared/domain/slack/signature.ts';

const FS = 'fs-0123456789abcdef0';
const RUN = 'arn:aws:states:us-east-1:123456789012:execution:recovery:r-1';
const SECRET = 'test-signing-secret';
const NOW = 1_763_867_600;
const APPROVER = 'U01APPROVER';

function click(userId: string, actionId: string) {
  return new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_actions',
      user: { id: userId },
      container: { message_ts: '1763867568.000300', channel_id: 'C0INCIDENT' },
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: RECOVERY_BLOCK_ID,
          value: encodeRecoveryValue({ runId: RUN, fileSystemId: FS }),
        },
      ],
    }),
  }).toString();
}

async function setup() {
  const store = createMemoryIncidentStore();
  await store.saveRecoveryToken({
    runId: RUN,
    taskToken: 'recovery-token-1',
    at: '2026-11-23T03:13:00.000Z',
  });
  const answered: { taskToken: string; output: string }[] = [];
  const updates: { text: string }[] = [];
  const ports = {
    store,
    tasks: {
      sendTaskSuccess: async (input: { taskToken: string; output: string }) =>
        void answered.push(input),
    },
    slack: {
      updateMessage: async (m: { text: string }) => void updates.push(m),
    },
  };
  const answer = (rawBody: string, secret = SECRET) =>
    handleApprovalInteraction(
      {
        headers: {
          'x-slack-request-timestamp': String(NOW),
          'x-slack-signature': slackSignature(secret, String(NOW), rawBody),
        },
        rawBody,
        nowSeconds: NOW,
      },
      { signingSecret: SECRET, approvers: [APPROVER] },
      ports,
    );
  return { store, answered, updates, answer };
}

describe('the recovery offer buttons', () => {
  it('answers the recovery task with {approved, by} on Approve', async () => {
    // Prepare
    const { answer, answered, updates } = await setup();

    // Act
    const res = await answer(click(APPROVER, 'recovery-approve'));

    // Assess
    expect(res.outcome).toBe('answered');
    expect(answered).toEqual([
      {
        taskToken: 'recovery-token-1',
        output: JSON.stringify({ approved: true, by: APPROVER }),
      },
    ]);
    expect(res.detail).toContain(`${APPROVER} approved recovery ${RUN}`);
    expect(updates[0]?.text).toBe(`Approved by <@${APPROVER}>`);
  });

  it('answers a decline with approved false', async () => {
    // Prepare
    const { answer, answered } = await setup();

    // Act
    await answer(click(APPROVER, 'recovery-decline'));

    // Assess
    expect(answered.map((a) => JSON.parse(a.output))).toEqual([
      { approved: false, by: APPROVER },
    ]);
  });

  it('answers once: a second click finds no offer waiting', async () => {
    // Prepare
    const { answer, answered } = await setup();
    await answer(click(APPROVER, 'recovery-approve'));

    // Act
    const second = await answer(click(APPROVER, 'recovery-decline'));

    // Assess
    expect(second.outcome).toBe('no-pending-approval');
    expect(answered).toHaveLength(1);
  });

  it('refuses someone who is not an approver, keeping the token', async () => {
    // Prepare
    const { answer, answered } = await setup();

    // Act
    const res = await answer(click('U0STRANGER', 'recovery-approve'));
    const after = await answer(click(APPROVER, 'recovery-approve'));

    // Assess
    expect(res.outcome).toBe('forbidden');
    expect(after.outcome).toBe('answered');
    expect(answered).toHaveLength(1);
  });

  it('rejects a forged click before reading it', async () => {
    // Prepare
    const { answer, answered } = await setup();

    // Act
    const res = await answer(click(APPROVER, 'recovery-approve'), 'forged');

    // Assess
    expect(res).toMatchObject({ statusCode: 401, outcome: 'unsigned' });
    expect(answered).toEqual([]);
  });

  it('leaves the remediation approval of the same file system alone', async () => {
    // Prepare: an approval card waits too.
    const { answer, store } = await setup();
    await store.saveApprovalToken({
      fileSystemId: FS,
      incidentId: `${FS}/2026-11-23T03:12:48.554Z/exec-1`,
      taskToken: 'approval-token',
      at: '2026-11-23T03:13:00.000Z',
    });

    // Act
    await answer(click(APPROVER, 'recovery-approve'));

    // Assess
    expect(
      await store.takeApprovalToken({
        fileSystemId: FS,
        incidentId: `${FS}/2026-11-23T03:12:48.554Z/exec-1`,
      }),
    ).toMatchObject({ taskToken: 'approval-token' });
  });
});

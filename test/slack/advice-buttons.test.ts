/**
 * The weekly advice's buttons at the interactions endpoint: signed
 * `block_actions` requests shaped like Slack's documented example
 * (test/fixtures/slack.ts), answered through the same handler as the
 * approval card. The signature is checked first; only approvers may press
 * either button; Apply only queues (the endpoint never starts a run) and
 * only for allowlisted file systems; the clicker hears what happened
 * through `response_url`.
 */
import { describe, expect, it } from 'vitest';
import {
  type ApprovalPorts,
  type EphemeralReply,
  handleApprovalInteraction,
} from '../../functions/slack-interactions/core.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import type { AdviceApplyRequest } from '../../shared/domain/ports.ts';
import {
  ADVICE_APPLY_ACTION_ID,
  ADVICE_SNOOZE_ACTION_ID,
  encodeAdviceValue,
} from '../../shared/domain/slack/advice-actions.ts';
import { FS_ID, OTHER_FS_ID } from '../fixtures/alarm-events.ts';
import {
  APPROVER,
  blockActions,
  formBody,
  NOW_SECONDS,
  SIGNING_SECRET,
  signedRequest,
} from '../fixtures/slack.ts';

const CONFIG = { signingSecret: SIGNING_SECRET, approvers: [APPROVER] };

function world(failStore = false) {
  const snoozes: { fileSystemId: string; until: string; by: string }[] = [];
  const applies: ({ fileSystemId: string } & AdviceApplyRequest)[] = [];
  const replies: EphemeralReply[] = [];
  const fail = async () => {
    if (failStore) throw new Error('ProvisionedThroughputExceededException');
  };
  const ports: ApprovalPorts = {
    store: createMemoryIncidentStore(),
    tasks: {
      async sendTaskSuccess() {
        throw new Error('an advice click answers no task');
      },
    },
    responder: {
      async respond(_url, reply) {
        replies.push(reply);
      },
    },
    advice: {
      store: {
        async snooze(input) {
          await fail();
          snoozes.push(input);
        },
        async requestApply(input) {
          await fail();
          applies.push(input);
        },
      },
      remediationAllowed: (id) => id === FS_ID,
    },
  };
  return { ports, snoozes, applies, replies };
}

function click(actionId: string, value: object, userId = APPROVER) {
  return signedRequest(
    formBody(
      blockActions({
        actionId,
        blockId: `advice-${FS_ID}`,
        value: encodeAdviceValue(value as never),
        userId,
      }),
    ),
  );
}

describe('the advice buttons', () => {
  it('snoozes a file system for the weeks on the button', async () => {
    const w = world();
    const response = await handleApprovalInteraction(
      click(ADVICE_SNOOZE_ACTION_ID, { fileSystemId: FS_ID, weeks: 4 }),
      CONFIG,
      w.ports,
    );
    expect(response).toMatchObject({
      statusCode: 200,
      outcome: 'advice-snoozed',
    });
    const until = new Date((NOW_SECONDS + 28 * 86_400) * 1000).toISOString();
    expect(w.snoozes).toEqual([
      {
        fileSystemId: FS_ID,
        until,
        by: APPROVER,
        at: new Date(NOW_SECONDS * 1000).toISOString(),
      },
    ]);
    expect(w.replies[0]?.text).toBe(
      `The throughput advice for ${FS_ID} is snoozed for 4 weeks, until ${until.slice(0, 10)}.`,
    );
  });

  it('queues Apply for the advisor to start, and starts nothing itself', async () => {
    const w = world();
    const response = await handleApprovalInteraction(
      click(ADVICE_APPLY_ACTION_ID, { fileSystemId: FS_ID, mode: 'elastic' }),
      CONFIG,
      w.ports,
    );
    expect(response.outcome).toBe('advice-queued');
    expect(w.applies).toEqual([
      {
        fileSystemId: FS_ID,
        mode: 'elastic',
        by: APPROVER,
        at: new Date(NOW_SECONDS * 1000).toISOString(),
      },
    ]);
    expect(w.replies[0]?.text).toMatch(
      /^Queued: within 5 minutes burstguard starts a run to switch .+ to Elastic/,
    );
  });

  it('refuses Apply on a file system off the allowlist', async () => {
    const w = world();
    const response = await handleApprovalInteraction(
      click(ADVICE_APPLY_ACTION_ID, {
        fileSystemId: OTHER_FS_ID,
        mode: 'elastic',
      }),
      CONFIG,
      w.ports,
    );
    expect(response.outcome).toBe('advice-refused');
    expect(w.applies).toEqual([]);
  });

  it('refuses an Apply naming any mode but Elastic, with one reply and nothing queued', async () => {
    // The digest offers Apply only for Elastic (test/advisor/digest.test.ts);
    // a value naming Provisioned or Bursting was not made by it.
    for (const value of [
      { fileSystemId: FS_ID, mode: 'provisioned', provisionedMibps: 6 },
      { fileSystemId: FS_ID, mode: 'bursting' },
    ]) {
      const w = world();
      const response = await handleApprovalInteraction(
        click(ADVICE_APPLY_ACTION_ID, value),
        CONFIG,
        w.ports,
      );
      expect(response).toMatchObject({
        statusCode: 200,
        outcome: 'advice-refused',
      });
      expect(w.applies).toEqual([]);
      expect(w.replies).toHaveLength(1);
      expect(w.replies[0]?.text).toMatch(
        /^Nothing was queued: Apply only switches a file system to Elastic\./,
      );
    }
  });

  it('lets no one off the approvers list press either', async () => {
    const w = world();
    for (const [action, value] of [
      [ADVICE_APPLY_ACTION_ID, { fileSystemId: FS_ID, mode: 'elastic' }],
      [ADVICE_SNOOZE_ACTION_ID, { fileSystemId: FS_ID, weeks: 4 }],
    ] as const) {
      const response = await handleApprovalInteraction(
        click(action, value, 'U0STRANGER'),
        CONFIG,
        w.ports,
      );
      expect(response.outcome).toBe('forbidden');
    }
    expect(w.applies).toEqual([]);
    expect(w.snoozes).toEqual([]);
  });

  it('checks the signature before anything else', async () => {
    const w = world();
    const request = click(ADVICE_SNOOZE_ACTION_ID, {
      fileSystemId: FS_ID,
      weeks: 4,
    });
    const response = await handleApprovalInteraction(
      { ...request, rawBody: `${request.rawBody}x` },
      CONFIG,
      w.ports,
    );
    expect(response).toMatchObject({ statusCode: 401, outcome: 'unsigned' });
    expect(w.snoozes).toEqual([]);
  });

  it('rejects a forged button value, and says when the store fails', async () => {
    const forged = signedRequest(
      formBody(
        blockActions({
          actionId: ADVICE_SNOOZE_ACTION_ID,
          value: '{"fileSystemId":"fs-0123456789abcdef0","weeks":999}',
        }),
      ),
    );
    expect(
      (await handleApprovalInteraction(forged, CONFIG, world().ports))
        .statusCode,
    ).toBe(400);
    const failing = world(true);
    const response = await handleApprovalInteraction(
      click(ADVICE_SNOOZE_ACTION_ID, { fileSystemId: FS_ID, weeks: 4 }),
      CONFIG,
      failing.ports,
    );
    expect(response.outcome).toBe('advice-failed');
    expect(failing.replies[0]?.text).toMatch(
      /could not be stored \(ProvisionedThroughputExceededException\)/,
    );
  });
});

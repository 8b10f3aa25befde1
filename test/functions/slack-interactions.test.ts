import { Logger } from '@aws-lambda-powertools/logger';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createSlackInteractionsHandler } from '../../functions/slack-interactions/lambda.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import {
  APPROVAL_BLOCK_ID,
  encodeApprovalValue,
} from '../../shared/domain/slack/interaction.ts';
import { slackSignature } from '../../shared/domain/slack/signature.ts';
import { localContext } from '../../shared/runtime/step-handler.ts';

const FS = 'fs-0123456789abcdef0';
const INCIDENT = `${FS}/2026-11-23T03:12:48.554Z/exec-1`;
const SECRET = 'test-signing-secret';
const NOW = 1_763_867_600;

function event(
  rawBody: string,
  signature: string,
  base64 = false,
): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(NOW),
      'x-slack-signature': signature,
    },
    requestContext: {} as never,
    body: base64 ? Buffer.from(rawBody).toString('base64') : rawBody,
    isBase64Encoded: base64,
  };
}

function approveBody(userId: string) {
  return new URLSearchParams({
    payload: JSON.stringify({
      type: 'block_actions',
      user: { id: userId },
      container: { message_ts: '1763867568.000200', channel_id: 'C0INCIDENT' },
      message: { ts: '1763867568.000200', blocks: [] },
      actions: [
        {
          type: 'button',
          action_id: 'approve',
          block_id: APPROVAL_BLOCK_ID,
          value: encodeApprovalValue({
            incidentId: INCIDENT,
            fileSystemId: FS,
          }),
        },
      ],
    }),
  }).toString();
}

async function setup() {
  const store = createMemoryIncidentStore();
  await store.saveApprovalToken({
    fileSystemId: FS,
    incidentId: INCIDENT,
    taskToken: 'task-token-1',
    at: '2026-11-23T03:13:00.000Z',
  });
  const answered: { taskToken: string; output: string }[] = [];
  const handler = createSlackInteractionsHandler(
    {
      store,
      tasks: { sendTaskSuccess: async (input) => void answered.push(input) },
      signingSecret: SECRET,
      approvers: ['U01APPROVER'],
      nowSeconds: () => NOW,
    },
    new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
  );
  return { handler, answered, store };
}

describe('the Slack interactions endpoint', () => {
  it('answers the waiting approval when an approver presses Approve', async () => {
    const { handler, answered } = await setup();
    const body = approveBody('U01APPROVER');
    const res = await handler(
      event(body, slackSignature(SECRET, String(NOW), body), true),
      localContext('slack-interactions'),
    );
    expect(res).toMatchObject({ statusCode: 200 });
    expect(answered).toEqual([
      {
        taskToken: 'task-token-1',
        output: JSON.stringify({ approved: true, by: 'U01APPROVER' }),
      },
    ]);
  });

  it('rejects a forged request before reading it', async () => {
    const { handler, answered, store } = await setup();
    const body = approveBody('U01APPROVER');
    const res = await handler(
      event(body, slackSignature('not-the-secret', String(NOW), body)),
      localContext('slack-interactions'),
    );
    expect(res).toMatchObject({ statusCode: 401 });
    expect(answered).toEqual([]);
    // The token is still there for a real approver.
    expect(
      await store.takeApprovalToken({ fileSystemId: FS, incidentId: INCIDENT }),
    ).toBeDefined();
  });

  it('refuses someone who is not an approver', async () => {
    const { handler, answered } = await setup();
    const body = approveBody('U0STRANGER');
    const res = await handler(
      event(body, slackSignature(SECRET, String(NOW), body)),
      localContext('slack-interactions'),
    );
    expect((res as { statusCode: number }).statusCode).toBeGreaterThanOrEqual(
      200,
    );
    expect(answered).toEqual([]);
  });
});

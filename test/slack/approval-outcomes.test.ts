/**
 * What each approval outcome tells the log and the clicker, and which
 * `response_url` the function may post to. Ports are in-memory recorders;
 * the Slack side of the wire is covered in approval.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type {
  ApprovalPorts,
  TaskCallbackPort,
} from '../../functions/slack-interactions/core.ts';
import {
  allowedResponseUrl,
  type CardUpdater,
  type EphemeralReply,
  handleApprovalInteraction,
  type InteractionResponder,
  SLACK_RESPONSE_URL_ORIGIN,
} from '../../functions/slack-interactions/core.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import type { IncidentStore } from '../../shared/domain/ports.ts';
import { FS_ID as FS } from '../fixtures/alarm-events.ts';
import {
  APPROVER,
  clickBody,
  INCIDENT,
  NOW_SECONDS,
  SIGNING_SECRET as SECRET,
  saveCardToken,
  signedRequest,
} from '../fixtures/slack.ts';

const NOW_ISO = '2026-03-02T10:00:00.000Z';
const RESPONSE_URL = 'https://hooks.slack.com/actions/T0/1/abc';
const TASK_TOKEN = `AQCEAAAAKgAAAA${'t'.repeat(200)}`;

function body(
  actionId: 'approve' | 'decline',
  options: { userId?: string; responseUrl?: string | null } = {},
): string {
  const responseUrl =
    options.responseUrl === undefined ? RESPONSE_URL : options.responseUrl;
  return clickBody(actionId, { userId: options.userId, responseUrl });
}

const signed = (rawBody: string) => signedRequest(rawBody);

function recorders() {
  const replies: { url: string; reply: EphemeralReply }[] = [];
  const cards: Parameters<CardUpdater['updateMessage']>[0][] = [];
  const responder: InteractionResponder = {
    async respond(url, reply) {
      replies.push({ url, reply });
    },
  };
  const slack: CardUpdater = {
    async updateMessage(message) {
      cards.push(message);
      return { ok: true };
    },
  };
  return { replies, cards, responder, slack };
}

const CONFIG = { signingSecret: SECRET, approvers: [APPROVER] };
let store: IncidentStore;

beforeEach(async () => {
  store = createMemoryIncidentStore();
  await saveCardToken(store, TASK_TOKEN, '2026-03-02T09:55:00.000Z');
});

/** The store, except that forgetting or releasing a token fails. */
function settleFailing(message: string): IncidentStore {
  return {
    ...store,
    claimApprovalToken: store.claimApprovalToken.bind(store),
    async settleApprovalToken() {
      throw new Error(message);
    },
  };
}

/** SendTaskSuccess failing with an error named as the SDK names it. */
function tasksFailing(name: string, message: string): TaskCallbackPort {
  return {
    async sendTaskSuccess() {
      throw Object.assign(new Error(message), { name });
    },
  };
}

/** A click on Approve whose payload has no response_url to reply to. */
function clickWithoutReplyUrl(ports: ApprovalPorts) {
  return clickApprove(ports, { responseUrl: null });
}

/** A signed click on Approve, handled on these ports. */
function clickApprove(
  ports: ApprovalPorts,
  options: Parameters<typeof body>[1] = {},
) {
  return handleApprovalInteraction(
    signed(body('approve', options)),
    CONFIG,
    ports,
  );
}

const tasksOk = { async sendTaskSuccess() {} };

describe('handleApprovalInteraction, what it says', () => {
  it('logs who approved which incident, with nothing appended when every step worked', async () => {
    const r = recorders();

    const response = await clickApprove({
      store,
      tasks: tasksOk,
      slack: r.slack,
      responder: r.responder,
    });

    expect(response).toMatchObject({
      statusCode: 200,
      body: '',
      outcome: 'answered',
      detail: `${APPROVER} approved incident ${INCIDENT}`,
    });
    expect(r.replies).toHaveLength(1);
    expect(r.cards).toHaveLength(1);
  });

  it('logs a decline as declined and tells the clicker nothing changes', async () => {
    const r = recorders();

    const response = await handleApprovalInteraction(
      signed(body('decline')),
      CONFIG,
      { store, tasks: tasksOk, responder: r.responder },
    );

    expect(response.detail).toBe(`${APPROVER} declined incident ${INCIDENT}`);
    expect(response.reply).toContain(`declined the change to ${FS}`);
    expect(r.replies[0]?.reply.text).toBe(response.reply);
  });

  it('stamps the rewritten card with the time of the click', async () => {
    const r = recorders();

    await clickApprove({
      store,
      tasks: tasksOk,
      slack: r.slack,
    });

    // NOW_SECONDS is 2026-03-02T10:00:00Z; a card stamped in 1970 would
    // mean the seconds were not turned into milliseconds.
    expect(JSON.stringify(r.cards[0]?.blocks)).toContain(NOW_ISO);
  });

  it('notes in the log that the card could not be rewritten, and still answers', async () => {
    const r = recorders();
    const slack: CardUpdater = {
      async updateMessage() {
        throw new Error('channel_not_found');
      },
    };

    const response = await clickApprove({
      store,
      tasks: tasksOk,
      slack,
      responder: r.responder,
    });

    expect(response.outcome).toBe('answered');
    expect(response.detail).toBe(
      `${APPROVER} approved incident ${INCIDENT}; card not updated: channel_not_found`,
    );
  });

  it('notes in the log that the reply could not be posted', async () => {
    const responder: InteractionResponder = {
      async respond() {
        throw new Error('HTTP 404');
      },
    };

    const response = await clickApprove({ store, tasks: tasksOk, responder });

    expect(response.outcome).toBe('answered');
    expect(response.detail).toBe(
      `${APPROVER} approved incident ${INCIDENT}; reply not sent: HTTP 404`,
    );
  });

  it('notes in the log when there is no responder to reply with', async () => {
    const response = await clickApprove({ store, tasks: tasksOk });

    expect(response.detail).toBe(
      `${APPROVER} approved incident ${INCIDENT}; no responder`,
    );
  });

  it('notes in the log when the payload has no response_url', async () => {
    const r = recorders();

    const response = await clickWithoutReplyUrl({
      store,
      tasks: tasksOk,
      responder: r.responder,
    });

    expect(response.detail).toBe(
      `${APPROVER} approved incident ${INCIDENT}; no response_url to reply to`,
    );
    expect(r.replies).toEqual([]);
  });

  it('does not post to a response_url off Slack, and says which origins it allows', async () => {
    const r = recorders();

    const response = await clickApprove(
      { store, tasks: tasksOk, responder: r.responder },
      { responseUrl: 'https://attacker.example/x' },
    );

    expect(r.replies).toEqual([]);
    expect(response.detail).toBe(
      `${APPROVER} approved incident ${INCIDENT}; reply not sent: response_url is not on https://hooks.slack.com`,
    );
  });

  it('lists every allowed origin when it refuses a response_url', async () => {
    const response = await handleApprovalInteraction(
      signed(body('approve', { responseUrl: 'https://attacker.example/x' })),
      {
        ...CONFIG,
        responseUrlOrigins: [
          'https://hooks.slack.com',
          'https://hooks.example',
        ],
      },
      { store, tasks: tasksOk, responder: recorders().responder },
    );

    expect(response.detail).toBe(
      `${APPROVER} approved incident ${INCIDENT}; reply not sent: response_url is not on https://hooks.slack.com, https://hooks.example`,
    );
  });

  it('notes that the token could not be forgotten after a successful answer', async () => {
    const failingSettle = settleFailing(
      'ProvisionedThroughputExceededException',
    );

    const response = await clickApprove({
      store: failingSettle,
      tasks: tasksOk,
    });

    expect(response.outcome).toBe('answered');
    expect(response.detail).toBe(
      `${APPROVER} approved incident ${INCIDENT}; token not forgotten: ProvisionedThroughputExceededException; no responder`,
    );
  });

  it('keeps the token and says so when Step Functions is throttling, with nothing else appended', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
    });

    const response = await clickWithoutReplyUrl({
      store,
      tasks: { sendTaskSuccess: async () => Promise.reject(throttled) },
    });

    expect(response.outcome).toBe('task-unavailable');
    expect(response.detail).toBe(
      `SendTaskSuccess for ${INCIDENT}: ThrottlingException: Rate exceeded; token kept; no response_url to reply to`,
    );
    expect(response.reply).toBe(
      'Step Functions did not take your answer (ThrottlingException); nothing was recorded. Press the button again.',
    );
  });

  it('asks to press again in a minute when the token could not even be released', async () => {
    const failingSettle = settleFailing('store down');

    const response = await clickWithoutReplyUrl({
      store: failingSettle,
      tasks: tasksFailing('ServiceUnavailable', 'busy'),
    });

    expect(response.detail).toBe(
      `SendTaskSuccess for ${INCIDENT}: ServiceUnavailable: busy; token kept; token not released: store down; no response_url to reply to`,
    );
    expect(response.reply).toContain('Press the button again in a minute.');
  });

  it('says the token was not forgotten when a dead task cannot be settled', async () => {
    const failingSettle = settleFailing('store down');

    const response = await clickWithoutReplyUrl({
      store: failingSettle,
      tasks: tasksFailing('TaskTimedOut', 'gone'),
    });

    expect(response.outcome).toBe('task-failed');
    expect(response.detail).toBe(
      `SendTaskSuccess for ${INCIDENT}: TaskTimedOut: gone; token not forgotten: store down; no response_url to reply to`,
    );
  });

  it.each(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'])(
    'forgets the token after %s, an error no later click can get past',
    async (name) => {
      const response = await clickWithoutReplyUrl({
        store,
        tasks: tasksFailing(name, 'no'),
      });

      expect(response.outcome).toBe('task-failed');
      // A second click finds nothing to answer.
      const again = await clickWithoutReplyUrl({ store, tasks: tasksOk });
      expect(again.outcome).toBe('no-pending-approval');
    },
  );

  it('names a store error by its name, and a name that is not an identifier as Error', async () => {
    const storeFailing = (error: unknown): IncidentStore => ({
      ...store,
      async claimApprovalToken() {
        throw error;
      },
    });

    const named = await clickWithoutReplyUrl({
      store: storeFailing(
        Object.assign(new Error('slow'), { name: 'RequestTimeout' }),
      ),
      tasks: tasksOk,
    });
    const oddName = await clickWithoutReplyUrl({
      store: storeFailing(
        Object.assign(new Error('odd'), { name: 'not <an> identifier' }),
      ),
      tasks: tasksOk,
    });
    const thrownNull = await clickWithoutReplyUrl({
      store: storeFailing(null),
      tasks: tasksOk,
    });

    expect(named.outcome).toBe('task-unavailable');
    expect(named.detail).toBe(
      `incident store unavailable for ${INCIDENT}: RequestTimeout: slow; no response_url to reply to`,
    );
    expect(oddName.reply).toBe(
      'The approval could not be read (Error); nothing was recorded. Press the button again.',
    );
    expect(thrownNull.outcome).toBe('task-unavailable');
    expect(thrownNull.reply).toContain('(Error)');
  });

  it('tells a clicker who is not an approver, and logs the incident', async () => {
    const r = recorders();

    const response = await clickApprove(
      { store, tasks: tasksOk, responder: r.responder },
      { userId: 'U0STRANGER' },
    );

    expect(response.outcome).toBe('forbidden');
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('');
    expect(response.detail).toContain(`(incident ${INCIDENT})`);
    expect(r.replies[0]?.reply.text).toContain(
      'not on the burstguard approvers list',
    );
  });

  it('logs which incident had no approval waiting', async () => {
    await store.settleApprovalToken({
      fileSystemId: FS,
      incidentId: INCIDENT,
      claimId: 'none',
      outcome: 'consumed',
    });
    const other = createMemoryIncidentStore();

    const response = await clickWithoutReplyUrl({
      store: other,
      tasks: tasksOk,
    });

    expect(response.detail).toBe(
      `no approval waiting for incident ${INCIDENT}; no response_url to reply to`,
    );
  });

  it('logs and tells the clicker when another click holds the approval', async () => {
    const r = recorders();
    await store.claimApprovalToken({
      fileSystemId: FS,
      incidentId: INCIDENT,
      claimId: 'first-click',
      at: NOW_ISO,
      leaseUntil: '2026-03-02T10:00:30.000Z',
    });

    const response = await clickApprove({
      store,
      tasks: tasksOk,
      responder: r.responder,
    });

    expect(response.outcome).toBe('busy');
    expect(response.detail).toBe(
      `another answer holds the approval of incident ${INCIDENT}`,
    );
    expect(r.replies[0]?.reply.text).toContain('being sent right now');
  });

  it('answers 401 "invalid signature" to an unsigned request and 400 "bad request" to a signed one it cannot read', async () => {
    const unsigned = await handleApprovalInteraction(
      { headers: {}, rawBody: body('approve'), nowSeconds: NOW_SECONDS },
      CONFIG,
      { store, tasks: tasksOk },
    );
    const unreadable = await handleApprovalInteraction(
      signed('payload=not-json'),
      CONFIG,
      { store, tasks: tasksOk },
    );

    expect(unsigned).toMatchObject({
      statusCode: 401,
      body: 'invalid signature',
      outcome: 'unsigned',
    });
    expect(unreadable).toMatchObject({
      statusCode: 400,
      body: 'bad request',
      outcome: 'invalid',
    });
  });
});

describe('handleApprovalInteraction, interactions that are not approvals', () => {
  it('answers an empty 200 to another kind of interaction and touches nothing', async () => {
    const r = recorders();
    const rawBody = new URLSearchParams({
      payload: JSON.stringify({
        type: 'view_submission',
        user: { id: APPROVER, username: 'dana' },
      }),
    }).toString();

    const response = await handleApprovalInteraction(signed(rawBody), CONFIG, {
      store,
      tasks: tasksOk,
      slack: r.slack,
      responder: r.responder,
    });

    expect(response).toEqual({
      statusCode: 200,
      body: '',
      outcome: 'ignored',
      detail: 'interaction type view_submission',
    });
    expect(r.replies).toEqual([]);
    expect(r.cards).toEqual([]);
  });
});

describe('allowedResponseUrl', () => {
  const origins = [SLACK_RESPONSE_URL_ORIGIN];

  it("allows Slack's hooks origin", () => {
    expect(allowedResponseUrl(RESPONSE_URL, origins)).toBe(true);
  });

  it('refuses a missing url and one that does not parse', () => {
    expect(allowedResponseUrl(undefined, origins)).toBe(false);
    expect(allowedResponseUrl('', origins)).toBe(false);
    expect(allowedResponseUrl('not a url', origins)).toBe(false);
  });

  it('refuses a Slack url carrying a user name, a password or both', () => {
    expect(
      allowedResponseUrl('https://someone@hooks.slack.com/actions/x', origins),
    ).toBe(false);
    expect(
      allowedResponseUrl('https://:secret@hooks.slack.com/actions/x', origins),
    ).toBe(false);
    expect(
      allowedResponseUrl('https://a:b@hooks.slack.com/actions/x', origins),
    ).toBe(false);
  });

  it('refuses a look-alike host and plain http', () => {
    expect(
      allowedResponseUrl('https://hooks.slack.com.evil.example/x', origins),
    ).toBe(false);
    expect(allowedResponseUrl('http://hooks.slack.com/x', origins)).toBe(false);
  });
});

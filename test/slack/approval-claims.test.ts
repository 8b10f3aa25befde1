/**
 * Atomic approvals: the task token is claimed with a conditional write,
 * forgotten only once SendTaskSuccess succeeded (or can never succeed),
 * and kept when Step Functions did not take the answer, on both stores
 * (DynamoDB as dynalite). The clicker hears what happened through the
 * payload's `response_url`, an ephemeral message (Slack API docs,
 * "Handling user interaction": Slack shows no acknowledgement body for
 * `block_actions`; reply with `response_url`, `response_type:
 * "ephemeral"`, `replace_original: false`), posted only to Slack's host.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  APPROVAL_CLAIM_LEASE_SECONDS,
  type ApprovalPorts,
  handleApprovalInteraction,
  redactTaskToken,
  type TaskCallbackPort,
} from '../../functions/slack-interactions/core.ts';
import { createMemoryIncidentStore } from '../../local/memory-incident-store.ts';
import { createDynamoIncidentStore } from '../../shared/adapters/dynamo-incident-store.ts';
import { createResponseUrlResponder } from '../../shared/adapters/slack.ts';
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
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { type SlackDouble, startSlackDouble } from '../support/slack-double.ts';

/** Shaped like a Step Functions task token: long opaque base64. */
const TASK_TOKEN = `AQCEAAAAKgAAAAMAAAAA${'Zm9vYmFy'.repeat(60)}==`;

let dynamo: LocalDynamo;
let slack: SlackDouble;
let tables = 0;

beforeAll(async () => {
  [dynamo, slack] = await Promise.all([startDynalite(), startSlackDouble()]);
});

afterAll(async () => {
  await Promise.all([dynamo?.close(), slack?.close()]);
});

function body(
  actionId: string,
  options: { userId?: string; responseUrl?: string } = {},
): string {
  return clickBody(actionId, {
    userId: options.userId,
    responseUrl: options.responseUrl ?? slack.responseUrl(),
  });
}

function signed(rawBody: string, nowSeconds = NOW_SECONDS) {
  return signedRequest(rawBody, { nowSeconds });
}

/** SendTaskSuccess that fails with each error in turn, then succeeds. */
function tasksFailingWith(...errors: Error[]) {
  const sent: { taskToken: string; output: string }[] = [];
  const tasks: TaskCallbackPort = {
    async sendTaskSuccess(input) {
      sent.push(input);
      const error = errors.shift();
      if (error) throw error;
    },
  };
  return { tasks, sent };
}

function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

const CONFIG = {
  signingSecret: SECRET,
  approvers: [APPROVER],
  // The double's origin stands in for https://hooks.slack.com.
  responseUrlOrigins: [] as string[],
};

describe.each(['memory', 'dynamo'] as const)(
  'approvals on the %s store',
  (kind) => {
    let store: IncidentStore;
    let config: typeof CONFIG;

    beforeEach(async () => {
      if (kind === 'memory') {
        store = createMemoryIncidentStore();
      } else {
        tables += 1;
        const tableName = `approvals-${tables}`;
        await dynamo.createTable(tableName, 'fileSystemId');
        store = createDynamoIncidentStore({
          client: dynamo.documentClient,
          tableName,
        });
      }
      await saveCardToken(store, TASK_TOKEN, '2026-03-02T10:05:00.000Z');
      config = {
        ...CONFIG,
        responseUrlOrigins: [new URL(slack.url).origin],
      };
      slack.responses.length = 0;
    });

    function ports(tasks: TaskCallbackPort): ApprovalPorts {
      return {
        store,
        tasks,
        responder: createResponseUrlResponder({ timeoutMs: 2_000 }),
      };
    }

    /** The request handled with the file's configuration and ports. */
    function handle(
      request: Parameters<typeof handleApprovalInteraction>[0],
      tasks: TaskCallbackPort,
    ) {
      return handleApprovalInteraction(request, config, ports(tasks));
    }

    it('keeps the token when SendTaskSuccess fails, so the next click answers the task', async () => {
      // Prepare: Step Functions throttles the first answer.
      const { tasks, sent } = tasksFailingWith(
        named('ThrottlingException', 'Rate exceeded'),
      );

      // Act
      const first = await handle(signed(body('approve')), tasks);
      const second = await handle(signed(body('approve')), tasks);
      const third = await handle(signed(body('approve')), tasks);

      // Assess
      expect(first.outcome).toBe('task-unavailable');
      expect(second.outcome).toBe('answered');
      expect(third.outcome).toBe('no-pending-approval');
      expect(sent.map((s) => s.taskToken)).toEqual([TASK_TOKEN, TASK_TOKEN]);
      expect(slack.responses.map((r) => r.body.text)).toEqual([
        'Step Functions did not take your answer (ThrottlingException); nothing was recorded. Press the button again.',
        `You approved switching ${FS} to Elastic throughput; the workflow goes on.`,
        'This approval was already answered or has expired.',
      ]);
    });

    it('does not tell the clicker nothing was recorded when SendTaskSuccess timed out', async () => {
      // Prepare: the answer reached Step Functions, the reply did not (a
      // timeout says nothing of whether the call succeeded).
      const { tasks } = tasksFailingWith(
        named('TimeoutError', 'Request timed out'),
      );

      // Act
      const first = await handle(signed(body('approve')), tasks);

      // Assess
      expect(first.outcome).toBe('task-unavailable');
      expect(slack.responses.map((r) => r.body.text)).toEqual([
        'Step Functions did not confirm your answer (TimeoutError); it may or may not have been recorded: if it was, a second click changes nothing. Press the button again.',
      ]);
    });

    // What the SDK gives for each failure of SendTaskSuccess: a 4xx answer
    // or throttling is Step Functions refusing it (nothing recorded); a
    // timeout, an abort or a 5xx says nothing of whether it was recorded
    // (SFN API reference, common errors: ThrottlingException 400,
    // ServiceUnavailable 503, InternalFailure 500).
    const withStatus = (name: string, status: number) =>
      Object.assign(named(name, name), {
        $metadata: { httpStatusCode: status },
      });
    it.each([
      ['TimeoutError, no answer', named('TimeoutError', 'timed out'), 'unsure'],
      ['AbortError, no answer', named('AbortError', 'aborted'), 'unsure'],
      ['InternalFailure, 500', withStatus('InternalFailure', 500), 'unsure'],
      [
        'ServiceUnavailable, 503',
        withStatus('ServiceUnavailable', 503),
        'unsure',
      ],
      [
        'an error that names no cause',
        named('Error', 'socket hang up'),
        'unsure',
      ],
      ['InvalidOutput, 400', withStatus('InvalidOutput', 400), 'refused'],
      ['a 499', withStatus('ClientClosedRequest', 499), 'refused'],
      [
        'ThrottlingException, 400',
        withStatus('ThrottlingException', 400),
        'refused',
      ],
      [
        'ThrottlingException, no status',
        named('ThrottlingException', 'Rate exceeded'),
        'refused',
      ],
      [
        'TooManyRequestsException',
        named('TooManyRequestsException', 'slow down'),
        'refused',
      ],
    ] as const)(
      'tells the clicker what a failed SendTaskSuccess means: %s',
      async (_case, error, meaning) => {
        // Prepare
        const { tasks } = tasksFailingWith(error);

        // Act
        const response = await handle(signed(body('approve')), tasks);

        // Assess
        expect(response.outcome).toBe('task-unavailable');
        expect(response.reply).toMatch(
          meaning === 'unsure'
            ? /did not confirm your answer .*it may or may not have been recorded/
            : /did not take your answer .*nothing was recorded/,
        );
      },
    );

    it('forgets the token when the task can no longer be answered', async () => {
      // Prepare: the card is still within its hour, so the round that ran
      // out is followed by another one, a few seconds later.
      const { tasks, sent } = tasksFailingWith(
        named('TaskTimedOut', 'Task Timed Out'),
      );

      // Act
      const first = await handle(signed(body('approve')), tasks);
      const second = await handle(signed(body('approve')), tasks);

      // Assess
      expect(first.outcome).toBe('task-failed');
      expect(second.outcome).toBe('no-pending-approval');
      expect(sent).toHaveLength(1);
      expect(slack.responses[0]?.body.text).toBe(
        "This approval's round ran out as you pressed (TaskTimedOut) and the next round starts in a few seconds; this click changed nothing: press the button again in a moment.",
      );
    });

    it('says the workflow no longer waits once the card is past its hour', async () => {
      // Prepare: the card went out 61 minutes before the click.
      await saveCardToken(store, TASK_TOKEN, '2026-03-02T08:59:00.000Z');
      const { tasks, sent } = tasksFailingWith(
        named('TaskTimedOut', 'Task Timed Out'),
      );

      // Act
      const first = await handle(signed(body('approve')), tasks);

      // Assess
      expect(first.outcome).toBe('task-failed');
      expect(sent).toHaveLength(1);
      expect(slack.responses[0]?.body.text).toBe(
        'The workflow is no longer waiting for this approval (TaskTimedOut); this click changed nothing.',
      );
    });

    it('answers the round now waiting when the clicked round just ran out', async () => {
      // Prepare: the card's first round timed out (TaskTimedOut, Step
      // Functions API reference, SendTaskSuccess errors) while the click
      // was on its way, and the next round saved its own token in place.
      const NEXT_ROUND_TOKEN = `AQCEAAAAKgAAAAMAAAAB${'cm91bmQy'.repeat(60)}==`;
      const sent: string[] = [];
      const tasks: TaskCallbackPort = {
        async sendTaskSuccess(input) {
          sent.push(input.taskToken);
          if (input.taskToken === TASK_TOKEN) {
            await saveCardToken(
              store,
              NEXT_ROUND_TOKEN,
              '2026-03-02T10:05:00.000Z',
            );
            throw named('TaskTimedOut', 'Task Timed Out');
          }
        },
      };

      // Act
      const first = await handle(signed(body('approve')), tasks);
      const second = await handle(signed(body('approve')), tasks);

      // Assess: the answer went to the waiting round, once.
      expect(first.outcome).toBe('answered');
      expect(sent).toEqual([TASK_TOKEN, NEXT_ROUND_TOKEN]);
      expect(second.outcome).toBe('no-pending-approval');
    });

    it('answers the task once when two approvers click at the same moment', async () => {
      // Prepare: SendTaskSuccess takes a while, so both claims overlap.
      const sent: string[] = [];
      const tasks: TaskCallbackPort = {
        async sendTaskSuccess(input) {
          sent.push(input.taskToken);
          await new Promise((done) => setTimeout(done, 50));
        },
      };

      // Act
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () => handle(signed(body('approve')), tasks)),
      );

      // Assess
      const counts = outcomes.map((o) => o.outcome).sort();
      expect(counts.filter((o) => o === 'answered')).toHaveLength(1);
      expect(
        counts.every((o) =>
          ['answered', 'busy', 'no-pending-approval'].includes(o),
        ),
      ).toBe(true);
      expect(sent).toHaveLength(1);
    });

    it('lets a later click take over a claim whose holder died', async () => {
      // Prepare: a claim that was never settled (the function was killed).
      await store.claimApprovalToken({
        fileSystemId: FS,
        incidentId: INCIDENT,
        claimId: 'dead-claimer',
        at: new Date(NOW_SECONDS * 1000).toISOString(),
        leaseUntil: new Date(
          (NOW_SECONDS + APPROVAL_CLAIM_LEASE_SECONDS) * 1000,
        ).toISOString(),
      });
      const { tasks, sent } = tasksFailingWith();

      // Act
      const during = await handle(
        signed(body('approve'), NOW_SECONDS + 5),
        tasks,
      );
      const after = await handle(
        signed(body('approve'), NOW_SECONDS + APPROVAL_CLAIM_LEASE_SECONDS + 1),
        tasks,
      );

      // Assess
      expect(during.outcome).toBe('busy');
      expect(after.outcome).toBe('answered');
      expect(sent).toHaveLength(1);
    });

    it('tells someone off the approvers list, and keeps the token', async () => {
      // Prepare
      const { tasks, sent } = tasksFailingWith();

      // Act
      const response = await handle(
        signed(body('approve', { userId: 'U0STRANGER' })),
        tasks,
      );
      const approver = await handle(signed(body('approve')), tasks);

      // Assess
      expect(response.outcome).toBe('forbidden');
      expect(approver.outcome).toBe('answered');
      expect(sent).toHaveLength(1);
      expect(slack.responses[0]?.body).toEqual({
        response_type: 'ephemeral',
        text: 'You are not on the burstguard approvers list, so this click changed nothing.',
        replace_original: false,
      });
    });
  },
);

describe('the reply and the log line', () => {
  let store: IncidentStore;

  beforeEach(async () => {
    store = createMemoryIncidentStore();
    await saveCardToken(store, TASK_TOKEN, '2026-03-02T10:05:00.000Z');
    slack.responses.length = 0;
  });

  it("posts to no response_url off Slack's host", async () => {
    // Prepare: Slack's own origin only; the payload names another host.
    const { tasks } = tasksFailingWith();
    const forged = 'https://evil.example/actions/T0/1/x';

    // Act
    const response = await handleApprovalInteraction(
      signed(body('approve', { responseUrl: forged })),
      { signingSecret: SECRET, approvers: [APPROVER] },
      {
        store,
        tasks,
        responder: {
          async respond(url) {
            throw new Error(`posted to ${url}`);
          },
        },
      },
    );

    // Assess
    expect(response.outcome).toBe('answered');
    expect(response.detail).toContain(
      'reply not sent: response_url is not on https://hooks.slack.com',
    );
    expect(response.detail).not.toContain('posted to');
  });

  it('never logs the task token an error quotes', async () => {
    // Prepare: an error whose text carries the token, as InvalidToken does.
    const { tasks } = tasksFailingWith(
      named('InvalidToken', `Invalid Token: '${TASK_TOKEN}'`),
    );

    // Act
    const response = await handleApprovalInteraction(
      signed(body('approve')),
      {
        signingSecret: SECRET,
        approvers: [APPROVER],
        responseUrlOrigins: [new URL(slack.url).origin],
      },
      {
        store,
        tasks,
        responder: createResponseUrlResponder({ timeoutMs: 2_000 }),
      },
    );

    // Assess
    expect(response.outcome).toBe('task-failed');
    expect(response.detail).toContain('InvalidToken');
    expect(response.detail).not.toContain(TASK_TOKEN.slice(20, 84));
    expect(JSON.stringify(slack.responses)).not.toContain(
      TASK_TOKEN.slice(20, 84),
    );
  });

  it('tells the clicker when the incident store cannot be read', async () => {
    // Prepare
    const { tasks, sent } = tasksFailingWith();
    const down = named('TimeoutError', 'Request timed out');

    // Act
    const response = await handleApprovalInteraction(
      signed(body('approve')),
      {
        signingSecret: SECRET,
        approvers: [APPROVER],
        responseUrlOrigins: [new URL(slack.url).origin],
      },
      {
        store: {
          ...store,
          async claimApprovalToken() {
            throw down;
          },
        },
        tasks,
        responder: createResponseUrlResponder({ timeoutMs: 2_000 }),
      },
    );

    // Assess
    expect(response).toMatchObject({
      statusCode: 200,
      outcome: 'task-unavailable',
    });
    expect(sent).toEqual([]);
    expect(slack.responses.at(-1)?.body.text).toBe(
      'The approval could not be read (TimeoutError); nothing was recorded. Press the button again.',
    );
  });

  it('masks any long opaque run, and the token itself', () => {
    expect(redactTaskToken(`a ${TASK_TOKEN} b`)).toBe('a [redacted] b');
    expect(redactTaskToken('short tok', 'tok')).toBe('short [task token]');
  });

  it('ends a reply to a response_url that never answers at its deadline', async () => {
    // Prepare
    const responder = createResponseUrlResponder({ timeoutMs: 300 });
    // Accepts the connection, never answers.
    const silent = createServer(() => {});
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const { port } = silent.address() as AddressInfo;

    try {
      // Act
      const started = performance.now();
      const error = await responder
        .respond(`http://127.0.0.1:${port}/actions/T0/1/x`, {
          response_type: 'ephemeral',
          text: 'hi',
          replace_original: false,
        })
        .catch((e: Error) => e);

      // Assess
      expect(error).toMatchObject({ name: 'SlackDeliveryError' });
      expect((error as Error).message).toBe(
        'slack response_url: no answer within 300 ms',
      );
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

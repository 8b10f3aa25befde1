/**
 * The Slack interactions endpoint's logic (a Lambda function URL): check the
 * signature before anything else, read the button, claim the task token in
 * the incident store, answer the waiting RequestApproval task, and only then
 * forget the token; rewrite the card so it no longer offers buttons and
 * tell the clicker what happened.
 *
 * Slack shows nothing of the HTTP answer to a `block_actions` request: it
 * wants a 200 within 3 s, and an app answers the person through the
 * payload's `response_url` (an ephemeral message, `replace_original:
 * false`) or by updating the message (Slack API docs, "Handling user
 * interaction", https://docs.slack.dev/interactivity/handling-user-interaction).
 * Every reply here goes through `response_url`.
 */
import { oneLine } from '../../shared/domain/errors.ts';
import { answeredCard } from '../../shared/domain/messages/blocks.ts';
import { recoveryAnsweredCard } from '../../shared/domain/messages/recovery.ts';
import type {
  ApprovalClaim,
  IncidentStore,
  RecoveryStore,
  TaskCallbackPort,
} from '../../shared/domain/ports.ts';
import { parseAdviceClick } from '../../shared/domain/slack/advice-actions.ts';
import {
  APPROVAL_TIMEOUT_SECONDS,
  type ApprovalDecision,
  approvalTaskOutput,
  parseApprovalInteraction,
} from '../../shared/domain/slack/interaction.ts';
import { verifySlackSignature } from '../../shared/domain/slack/signature.ts';
import { type AdviceButtonPorts, handleAdviceClick } from './advice.ts';

/** Step Functions' callback (kept here under its old name too). */
export type { TaskCallbackPort };

/** chat.update, as the Slack adapter's `updateMessage` offers it. */
export type CardUpdater = {
  updateMessage(message: {
    channel: string;
    ts: string;
    text: string;
    blocks: Record<string, unknown>[];
  }): Promise<unknown>;
};

/** A reply to the person who clicked, only they see it. */
export type EphemeralReply = {
  response_type: 'ephemeral';
  text: string;
  replace_original: false;
};

/** POSTs JSON to an interaction's `response_url`. */
export type InteractionResponder = {
  respond(url: string, reply: EphemeralReply): Promise<void>;
};

export type ApprovalPorts = {
  /**
   * The weekly advice's Apply and Snooze buttons; without it they are
   * ignored like any other interaction.
   */
  advice?: AdviceButtonPorts & {
    remediationAllowed: (fileSystemId: string) => boolean;
  };
  /**
   * Where the task tokens wait: the remediation approval's by incident,
   * the recovery offer's by run (absent: no offer can be answered).
   */
  store: Pick<IncidentStore, 'claimApprovalToken' | 'settleApprovalToken'> &
    Partial<Pick<RecoveryStore, 'claimRecoveryToken' | 'settleRecoveryToken'>>;
  tasks: TaskCallbackPort;
  slack?: CardUpdater;
  responder?: InteractionResponder;
  /** A fresh id per claim (tests fix it). */
  newClaimId?: () => string;
};

export type ApprovalConfig = {
  signingSecret: string;
  approvers: readonly string[];
  /**
   * Origins a `response_url` may have; Slack's is
   * `https://hooks.slack.com`. Anything else in a payload is not posted
   * to, so a payload cannot point the function at another host.
   */
  responseUrlOrigins?: readonly string[];
};

export type ApprovalRequest = {
  /** Header names in any case, as a function URL event gives them. */
  headers: Record<string, string | undefined>;
  /** The body exactly as received (base64-decoded if it came encoded). */
  rawBody: string;
  nowSeconds: number;
};

export type ApprovalOutcome =
  | 'answered'
  | 'unsigned'
  | 'invalid'
  | 'ignored'
  | 'forbidden'
  | 'no-pending-approval'
  /** Another click holds the token right now. */
  | 'busy'
  /** The task can no longer be answered; the token is forgotten. */
  | 'task-failed'
  /**
   * Step Functions did not take the answer, or the incident store could
   * not be read; the token is kept.
   */
  | 'task-unavailable'
  /** An advice button: an Apply queued, a snooze stored, or neither. */
  | 'advice-queued'
  | 'advice-snoozed'
  | 'advice-refused'
  | 'advice-failed';

const ADVICE_OUTCOMES = {
  queued: 'advice-queued',
  snoozed: 'advice-snoozed',
  forbidden: 'forbidden',
  'not-allowlisted': 'advice-refused',
  'mode-refused': 'advice-refused',
  failed: 'advice-failed',
} as const satisfies Record<string, ApprovalOutcome>;

export type ApprovalResponse = {
  statusCode: number;
  /** Plain text for Slack; Slack shows nothing for a block_actions 200. */
  body: string;
  outcome: ApprovalOutcome;
  /** One line for the log, with no task token in it. */
  detail: string;
  decision?: ApprovalDecision;
  /** What the clicker was told through `response_url`, if anything. */
  reply?: string;
};

/** Slack's origin for `response_url` (Slack API docs, "Handling user interaction"). */
export const SLACK_RESPONSE_URL_ORIGIN = 'https://hooks.slack.com';

/**
 * How long a click holds the task token. Longer than the interactions
 * function's own timeout (infra/functions.ts FUNCTION_TIMEOUT_SECONDS,
 * 20 s), so a claim outlives the claimer only when the claimer is dead.
 */
export const APPROVAL_CLAIM_LEASE_SECONDS = 30;

/**
 * SendTaskSuccess errors after which the token can never answer the task
 * (Step Functions API reference, SendTaskSuccess errors): the token is
 * forgotten. Any other failure (throttling, a 5xx, a timeout, KMS) keeps
 * it for the next click.
 */
const DEAD_TOKEN_ERRORS = new Set([
  'TaskTimedOut',
  'TaskDoesNotExist',
  'InvalidToken',
]);

/**
 * A Step Functions task token is an opaque base64 string of several hundred
 * characters; any such run is cut out, along with the token itself.
 */
const OPAQUE_TOKEN = /[A-Za-z0-9+/=_-]{64,}/g;

/** The text with the task token, or anything like one, masked. */
export function redactTaskToken(text: string, taskToken?: string): string {
  const cut = taskToken ? text.split(taskToken).join('[task token]') : text;
  return cut.replace(OPAQUE_TOKEN, '[redacted]');
}

/** Whether a payload's `response_url` may be posted to. */
export function allowedResponseUrl(
  url: string | undefined,
  origins: readonly string[],
): url is string {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return (
      parsed.username === '' &&
      parsed.password === '' &&
      origins.includes(parsed.origin)
    );
  } catch {
    return false;
  }
}

function header(
  headers: Record<string, string | undefined>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) {
      return value;
    }
  }
  return undefined;
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown })?.name;
  return typeof name === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(name)
    ? name
    : 'Error';
}

type Settled = Omit<ApprovalResponse, 'statusCode' | 'body'>;

/** Claims and settles one decision's task token, wherever it waits. */
type TokenClaims = {
  claim(input: {
    claimId: string;
    at: string;
    leaseUntil: string;
  }): Promise<ApprovalClaim>;
  settle(input: {
    claimId: string;
    outcome: 'consumed' | 'released';
  }): Promise<void>;
};

/**
 * The remediation approval's token is kept under its incident, the
 * recovery offer's under its run: the same one-answer rules hold for
 * both (one conditional claim, a lease, forgotten only once answered).
 */
function tokensOf(
  store: ApprovalPorts['store'],
  decision: ApprovalDecision,
): TokenClaims {
  if (decision.subject === 'recovery') {
    const runId = decision.incidentId;
    return {
      claim: (input) =>
        store.claimRecoveryToken?.({ runId, ...input }) ??
        Promise.resolve({ kind: 'none' }),
      settle: (input) =>
        store.settleRecoveryToken?.({ runId, ...input }) ?? Promise.resolve(),
    };
  }
  const key = {
    fileSystemId: decision.fileSystemId,
    incidentId: decision.incidentId,
  };
  return {
    claim: (input) => store.claimApprovalToken({ ...key, ...input }),
    settle: (input) => store.settleApprovalToken({ ...key, ...input }),
  };
}

/**
 * Answers one interaction request. Never throws for a bad request: the
 * outcome and status say what happened. The token is forgotten only once
 * SendTaskSuccess has succeeded or can never succeed; a card or reply that
 * cannot be delivered still counts as answered, because the task was.
 */
export async function handleApprovalInteraction(
  request: ApprovalRequest,
  config: ApprovalConfig,
  ports: ApprovalPorts,
): Promise<ApprovalResponse> {
  const signature = verifySlackSignature({
    signingSecret: config.signingSecret,
    timestampHeader: header(request.headers, 'x-slack-request-timestamp'),
    signatureHeader: header(request.headers, 'x-slack-signature'),
    rawBody: request.rawBody,
    nowSeconds: request.nowSeconds,
  });
  if (!signature.ok) {
    return {
      statusCode: 401,
      body: 'invalid signature',
      outcome: 'unsigned',
      detail: signature.reason,
    };
  }

  const parsed = parseApprovalInteraction({
    rawBody: request.rawBody,
    approvers: config.approvers,
  });
  const origins = config.responseUrlOrigins ?? [SLACK_RESPONSE_URL_ORIGIN];
  /** Tells the clicker, then says what happened with a 200. */
  const finish = async (
    settled: Settled,
    responseUrl: string | undefined,
    card?: Promise<string>,
  ): Promise<ApprovalResponse> => {
    let detail = settled.detail;
    const text = settled.reply;
    const replied =
      text === undefined
        ? Promise.resolve('')
        : !responseUrl
          ? Promise.resolve('; no response_url to reply to')
          : !allowedResponseUrl(responseUrl, origins)
            ? Promise.resolve(
                `; reply not sent: response_url is not on ${origins.join(', ')}`,
              )
            : (ports.responder
                ?.respond(responseUrl, {
                  response_type: 'ephemeral',
                  text,
                  replace_original: false,
                })
                .then(
                  () => '',
                  (error: unknown) => `; reply not sent: ${oneLine(error)}`,
                ) ?? Promise.resolve('; no responder'));
    const [cardNote, replyNote] = await Promise.all([
      card ?? Promise.resolve(''),
      replied,
    ]);
    detail += cardNote + replyNote;
    return {
      statusCode: 200,
      body: '',
      ...settled,
      detail: redactTaskToken(detail),
    };
  };

  // The weekly advice's buttons (advice.ts), when this endpoint serves them.
  const click = ports.advice
    ? parseAdviceClick({
        rawBody: request.rawBody,
        approvers: config.approvers,
      })
    : undefined;
  if (click && ports.advice) {
    const done = await handleAdviceClick(
      click,
      {
        nowSeconds: request.nowSeconds,
        remediationAllowed: ports.advice.remediationAllowed,
      },
      ports.advice,
    );
    if (done.outcome === 'invalid') {
      return {
        statusCode: 400,
        body: 'bad request',
        outcome: 'invalid',
        detail: done.detail,
      };
    }
    return finish(
      {
        outcome: ADVICE_OUTCOMES[done.outcome],
        detail: done.detail,
        reply: done.reply,
      },
      click.kind === 'advice' ? click.responseUrl : undefined,
    );
  }

  switch (parsed.kind) {
    case 'invalid':
      return {
        statusCode: 400,
        body: 'bad request',
        outcome: 'invalid',
        detail: parsed.reason,
      };
    case 'ignored':
      return {
        statusCode: 200,
        body: '',
        outcome: 'ignored',
        detail: parsed.reason,
      };
    case 'forbidden':
      return finish(
        {
          outcome: 'forbidden',
          detail: `${parsed.reason} (incident ${parsed.incidentId})`,
          reply:
            'You are not on the burstguard approvers list, so this click changed nothing.',
        },
        parsed.responseUrl,
      );
  }

  const { decision } = parsed;
  const responseUrl = decision.responseUrl;
  const tokens = tokensOf(ports.store, decision);
  let claimId = ports.newClaimId?.() ?? crypto.randomUUID();
  const claimOf = (id: string) =>
    tokens.claim({
      claimId: id,
      at: new Date(request.nowSeconds * 1000).toISOString(),
      leaseUntil: new Date(
        (request.nowSeconds + APPROVAL_CLAIM_LEASE_SECONDS) * 1000,
      ).toISOString(),
    });
  let claim: ApprovalClaim;
  try {
    claim = await claimOf(claimId);
  } catch (error) {
    // Nothing was claimed: the token waits for the next click.
    return finish(
      {
        outcome: 'task-unavailable',
        detail: `incident store unavailable for ${decision.incidentId}: ${errorName(error)}: ${oneLine(error)}`,
        decision,
        reply: `The approval could not be read (${errorName(error)}); nothing was recorded. Press the button again.`,
      },
      responseUrl,
    );
  }
  if (claim.kind === 'none') {
    return finish(
      {
        outcome: 'no-pending-approval',
        detail: `no approval waiting for incident ${decision.incidentId}`,
        decision,
        reply: 'This approval was already answered or has expired.',
      },
      responseUrl,
    );
  }
  if (claim.kind === 'busy') {
    return finish(
      {
        outcome: 'busy',
        detail: `another answer holds the approval of incident ${decision.incidentId}`,
        decision,
        reply:
          'Another answer to this approval is being sent right now; this click changed nothing.',
      },
      responseUrl,
    );
  }

  const verb = decision.approved ? 'approved' : 'declined';
  const output = JSON.stringify(approvalTaskOutput(decision));
  let claimed = claim;
  /**
   * An approval waits in rounds, each with its own task token saved in
   * place of the last (functions/request-approval/core.ts). A click that
   * meets the token of a round that just ran out (TaskTimedOut) forgets
   * it, claims once more, and answers the round now waiting, if any.
   */
  const sendToWaitingRound = async () => {
    try {
      await ports.tasks.sendTaskSuccess({
        taskToken: claimed.taskToken,
        output,
      });
      return;
    } catch (error) {
      if (!DEAD_TOKEN_ERRORS.has(errorName(error))) throw error;
      const dead = claimed.taskToken;
      const forgotten = await tokens
        .settle({ claimId, outcome: 'consumed' })
        .then(
          () => true,
          () => false,
        );
      const nextId = ports.newClaimId?.() ?? crypto.randomUUID();
      const next = forgotten
        ? await claimOf(nextId).catch(() => undefined)
        : undefined;
      if (next?.kind !== 'claimed') throw error;
      // Settled below as this click's claim, whichever token it holds.
      claimId = nextId;
      claimed = next;
      if (next.taskToken === dead) throw error;
    }
    await ports.tasks.sendTaskSuccess({ taskToken: claimed.taskToken, output });
  };
  try {
    await sendToWaitingRound();
  } catch (error) {
    const name = errorName(error);
    const why = redactTaskToken(oneLine(error), claimed.taskToken);
    const dead = DEAD_TOKEN_ERRORS.has(name);
    // A refusal (a 4xx answer, throttling) means Step Functions did not
    // take the answer; a timeout, an abort, a server error or anything else
    // leaves it open whether it did (the call may have succeeded before
    // the answer was lost).
    const status = (error as { $metadata?: { httpStatusCode?: number } })
      ?.$metadata?.httpStatusCode;
    const refused =
      (status !== undefined && status >= 400 && status < 500) ||
      /Throttl|TooMany/.test(name);
    const unsure = !refused;
    const settle = await tokens
      .settle({ claimId, outcome: dead ? 'consumed' : 'released' })
      .then(
        () => '',
        (e: unknown) =>
          `; token not ${dead ? 'forgotten' : 'released'}: ${oneLine(e)}`,
      );
    return finish(
      dead
        ? {
            outcome: 'task-failed',
            detail: `SendTaskSuccess for ${decision.incidentId}: ${name}: ${why}${settle}`,
            decision,
            // Between two rounds of an approval still within its hour, the
            // next round's token comes in seconds (after the reminder).
            reply:
              Date.parse(claimed.savedAt) + APPROVAL_TIMEOUT_SECONDS * 1000 >
              request.nowSeconds * 1000
                ? `This approval's round ran out as you pressed (${name}) and the next round starts in a few seconds; this click changed nothing: press the button again in a moment.`
                : `The workflow is no longer waiting for this approval (${name}); this click changed nothing.`,
          }
        : {
            outcome: 'task-unavailable',
            detail: `SendTaskSuccess for ${decision.incidentId}: ${name}: ${why}; token kept${settle}`,
            decision,
            reply: `${
              unsure
                ? `Step Functions did not confirm your answer (${name}); it may or may not have been recorded: if it was, a second click changes nothing.`
                : `Step Functions did not take your answer (${name}); nothing was recorded.`
            } Press the button again${settle ? ' in a minute' : ''}.`,
          },
      responseUrl,
    );
  }

  const consumed = await tokens.settle({ claimId, outcome: 'consumed' }).then(
    () => '',
    (e: unknown) => `; token not forgotten: ${oneLine(e)}`,
  );
  let card: Promise<string> | undefined;
  if (ports.slack && decision.channelId && decision.messageTs) {
    const at = new Date(request.nowSeconds * 1000).toISOString();
    card = ports.slack
      .updateMessage({
        channel: decision.channelId,
        ts: decision.messageTs,
        ...(decision.subject === 'recovery'
          ? recoveryAnsweredCard(decision, at)
          : answeredCard(decision, at)),
      })
      .then(
        () => '',
        (error: unknown) => `; card not updated: ${oneLine(error)}`,
      );
  }
  return finish(
    {
      outcome: 'answered',
      detail: `${decision.userId} ${verb} ${decision.subject ?? 'incident'} ${decision.incidentId}${consumed}`,
      decision,
      reply:
        decision.subject === 'recovery'
          ? decision.approved
            ? `You approved the recovery of ${decision.fileSystemId}: the replay starts, and its progress follows in the thread.`
            : `You declined the recovery of ${decision.fileSystemId}; nothing will be replayed.`
          : decision.approved
            ? `You approved switching ${decision.fileSystemId} to Elastic throughput; the workflow goes on.`
            : `You declined the change to ${decision.fileSystemId}; nothing will be changed.`,
    },
    responseUrl,
    card,
  );
}

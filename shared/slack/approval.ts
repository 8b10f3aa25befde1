/**
 * The Slack interactions endpoint's logic (a Lambda function URL): check the
 * signature before anything else, read the button, take the task token from
 * the incident store, answer the waiting RequestApproval task, and rewrite
 * the card so it no longer offers buttons. Slack wants an HTTP 200 within
 * 3 s, so nothing here waits on more than three quick calls.
 */
import { oneLine } from '../errors.ts';
import { answeredCard } from '../messages/blocks.ts';
import type { IncidentStore } from '../ports.ts';
import {
  type ApprovalDecision,
  approvalTaskOutput,
  parseApprovalInteraction,
} from './interaction.ts';
import { verifySlackSignature } from './signature.ts';

/** Step Functions' callback: SendTaskSuccess with a JSON output. */
export type TaskCallbackPort = {
  sendTaskSuccess(input: { taskToken: string; output: string }): Promise<void>;
};

/** chat.update, as the Slack adapter's `updateMessage` offers it. */
export type CardUpdater = {
  updateMessage(message: {
    channel: string;
    ts: string;
    text: string;
    blocks: Record<string, unknown>[];
  }): Promise<unknown>;
};

export type ApprovalPorts = {
  store: Pick<IncidentStore, 'takeApprovalToken'>;
  tasks: TaskCallbackPort;
  slack?: CardUpdater;
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
  | 'task-failed';

export type ApprovalResponse = {
  statusCode: number;
  /** Plain text for Slack; Slack shows nothing for a block_actions 200. */
  body: string;
  outcome: ApprovalOutcome;
  /** One line for the log. */
  detail: string;
  decision?: ApprovalDecision;
};

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

/**
 * Answers one interaction request. Never throws for a bad request: the
 * outcome and status say what happened. A card that cannot be rewritten
 * still counts as answered, because the task already was.
 */
export async function handleApprovalInteraction(
  request: ApprovalRequest,
  config: { signingSecret: string; approvers: readonly string[] },
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
      return {
        statusCode: 200,
        body: 'You are not on the burstguard approvers list.',
        outcome: 'forbidden',
        detail: `${parsed.reason} (incident ${parsed.incidentId})`,
      };
  }

  const { decision } = parsed;
  const pending = await ports.store.takeApprovalToken({
    fileSystemId: decision.fileSystemId,
    incidentId: decision.incidentId,
  });
  if (!pending) {
    return {
      statusCode: 200,
      body: 'This approval was already answered or has expired.',
      outcome: 'no-pending-approval',
      detail: `no approval waiting for incident ${decision.incidentId}`,
      decision,
    };
  }

  try {
    await ports.tasks.sendTaskSuccess({
      taskToken: pending.taskToken,
      output: JSON.stringify(approvalTaskOutput(decision)),
    });
  } catch (error) {
    // TaskTimedOut, TaskDoesNotExist: the execution stopped waiting.
    const name = (error as { name?: string })?.name ?? 'Error';
    return {
      statusCode: 200,
      body: 'The workflow is no longer waiting for this approval.',
      outcome: 'task-failed',
      detail: `SendTaskSuccess for ${decision.incidentId}: ${name}: ${oneLine(error)}`,
      decision,
    };
  }

  const verb = decision.approved ? 'approved' : 'declined';
  let detail = `${decision.userId} ${verb} incident ${decision.incidentId}`;
  if (ports.slack && decision.channelId && decision.messageTs) {
    const at = new Date(request.nowSeconds * 1000).toISOString();
    try {
      await ports.slack.updateMessage({
        channel: decision.channelId,
        ts: decision.messageTs,
        ...answeredCard(decision, at),
      });
    } catch (error) {
      detail += `; card not updated: ${oneLine(error)}`;
    }
  }
  return { statusCode: 200, body: '', outcome: 'answered', detail, decision };
}

/**
 * RequestApproval: posts the approval card (the change, its cost, the 24 h
 * lock) in the incident's thread and keeps the task token. The execution
 * waits until an approver presses a button (SendTaskSuccess from the Slack
 * interactions function, `approved` true or false) or the round runs out.
 *
 * The wait is in rounds: when one runs out unanswered, EscalateApproval
 * reminds the approvers and the state machine asks again with a new task
 * token. A later round posts nothing; it saves its token in place of the
 * last, so a click on the card answers whichever round is waiting.
 */
import type { RequestApprovalInput } from '../../shared/domain/contracts.ts';
import { approvalMessage } from '../../shared/domain/messages/blocks.ts';
import {
  approvalExpiry,
  approvalRequestedStatus,
  DEFAULT_APPROVAL_ROUND_SECONDS,
  rootOf,
} from '../../shared/domain/messages/progress.ts';
import {
  messageContext,
  type ThreadConfig,
} from '../../shared/domain/messages/thread-context.ts';
import type {
  Clock,
  IncidentStore,
  SlackPort,
} from '../../shared/domain/ports.ts';
import { updateRootStatus } from '../../shared/runtime/root-status.ts';

export type RequestApprovalPorts = {
  clock: Clock;
  slack: SlackPort;
  store: IncidentStore;
  channel: string;
  /** Who the card mentions, and the log groups for its console links. */
  config?: ThreadConfig;
  /** Who is asked, and how long each round lasts (for the status line). */
  approval?: {
    approvers: readonly string[];
    approverGroupId?: string;
    roundSeconds: number;
  };
};

/** Stores the token, then posts the card; Slack errors propagate (retry). */
export async function requestApproval(
  input: RequestApprovalInput,
  ports: RequestApprovalPorts,
): Promise<{ posted: boolean; ts?: string }> {
  const { state } = input;
  const now = ports.clock.now().toISOString();
  await ports.store.saveApprovalToken({
    fileSystemId: state.trigger.fileSystemId,
    incidentId: state.incident.incidentId,
    taskToken: input.taskToken,
    // The card's time, kept across rounds: the expiry counts from it.
    at: state.approvalRound?.askedAt ?? now,
  });
  // A later round: the card is up and the reminder was just posted.
  if (state.approvalRound) return { posted: false };
  const message = approvalMessage(
    state,
    state.notification.channel || ports.channel,
    state.notification.threadTs ?? state.incident.slackThreadTs,
    messageContext(ports.config, state.trigger.fileSystemId),
  );
  const posted = await ports.slack.postMessage(message);
  const approvers = ports.approval?.approvers ?? [];
  const roundSeconds =
    ports.approval?.roundSeconds ?? DEFAULT_APPROVAL_ROUND_SECONDS;
  await updateRootStatus(
    ports.slack,
    rootOf(state),
    approvalRequestedStatus({
      approvers,
      approverGroupId: ports.approval?.approverGroupId,
      askedAt: now,
      expiresAt: approvalExpiry(now, roundSeconds),
    }),
  );
  return { posted: true, ts: posted.ts };
}

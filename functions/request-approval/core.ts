/**
 * RequestApproval: posts the approval card (the change, its cost, the 24 h
 * lock) in the incident's thread and keeps the task token. The execution
 * waits until an approver presses a button (SendTaskSuccess from the Slack
 * interactions function, `approved` true or false) or the hour runs out.
 */
import type { RequestApprovalInput } from '../../shared/domain/contracts.ts';
import { approvalMessage } from '../../shared/domain/messages/blocks.ts';
import {
  messageContext,
  type ThreadConfig,
} from '../../shared/domain/messages/thread-context.ts';
import type {
  Clock,
  IncidentStore,
  SlackPort,
} from '../../shared/domain/ports.ts';

export type RequestApprovalPorts = {
  clock: Clock;
  slack: SlackPort;
  store: IncidentStore;
  channel: string;
  /** Who the card mentions, and the log groups for its console links. */
  config?: ThreadConfig;
};

/** Stores the token, then posts the card; Slack errors propagate (retry). */
export async function requestApproval(
  input: RequestApprovalInput,
  ports: RequestApprovalPorts,
): Promise<{ posted: boolean; ts: string }> {
  const { state } = input;
  await ports.store.saveApprovalToken({
    fileSystemId: state.trigger.fileSystemId,
    incidentId: state.incident.incidentId,
    taskToken: input.taskToken,
    at: ports.clock.now().toISOString(),
  });
  const message = approvalMessage(
    state,
    state.notification.channel || ports.channel,
    state.notification.threadTs ?? state.incident.slackThreadTs,
    messageContext(ports.config, state.trigger.fileSystemId),
  );
  const posted = await ports.slack.postMessage(message);
  return { posted: true, ts: posted.ts };
}

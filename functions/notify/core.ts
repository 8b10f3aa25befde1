/**
 * Notify: posts the incident's messages to its Slack thread: the finding,
 * the outcome of a remediation, the resolution. Slack being down never loses
 * the finding: it stays in this step's output (and the structured log).
 */
import * as z from 'zod';
import {
  afterDiagnoseSchema,
  afterFailureSchema,
  afterOpenSchema,
  afterRemediateSchema,
  type Notification,
  type SlackMessage,
} from '../../shared/contracts.ts';
import { oneLine } from '../../shared/errors.ts';
import {
  type ChangeKnowledge,
  failureMessage,
  findingMessage,
  outcomeMessage,
  resolvedMessage,
} from '../../shared/messages/blocks.ts';
import type { IncidentStore, SlackPort } from '../../shared/ports.ts';

export type NotifyPorts = {
  slack: SlackPort;
  store: IncidentStore;
  channel: string;
};

export const notifyInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('finding'), state: afterDiagnoseSchema }),
  z.object({ kind: z.literal('outcome'), state: afterRemediateSchema }),
  z.object({ kind: z.literal('resolved'), state: afterOpenSchema }),
  z.object({ kind: z.literal('failure'), state: afterFailureSchema }),
]);
export type NotifyInput = z.infer<typeof notifyInputSchema>;

/** The message for a notify input, threaded where the incident has one. */
export function messageFor(
  input: NotifyInput,
  channel: string,
  change?: ChangeKnowledge,
): SlackMessage {
  if (input.kind === 'failure') {
    const { state } = input;
    return failureMessage(
      state,
      state.notification?.channel ?? state.incident?.slackChannel ?? channel,
      state.notification?.threadTs ?? state.incident?.slackThreadTs,
      change,
    );
  }
  const { state } = input;
  const incidentChannel = state.incident.slackChannel ?? channel;
  switch (input.kind) {
    case 'finding':
      return findingMessage(
        input.state,
        incidentChannel,
        state.incident.slackThreadTs,
      );
    case 'outcome':
      return outcomeMessage(
        input.state,
        input.state.notification.channel || incidentChannel,
        input.state.notification.threadTs ?? state.incident.slackThreadTs,
      );
    case 'resolved':
      return resolvedMessage(
        input.state.trigger,
        input.state.incident.openedAt,
        incidentChannel,
        state.incident.slackThreadTs,
        {
          alarmNames: state.incident.alarmNames,
          quietSeconds: state.incident.quietSeconds,
        },
      );
  }
}

/**
 * What the store says of a change by this incident, for a failure: the
 * claim is written before every UpdateFileSystem call.
 */
async function changeKnowledge(
  input: NotifyInput,
  store: IncidentStore,
): Promise<ChangeKnowledge | undefined> {
  if (input.kind !== 'failure' || input.state.remediation) return undefined;
  const { trigger, incident } = input.state;
  if (!trigger || !incident) return undefined;
  try {
    const claim = await store.modeChangeClaim(trigger.fileSystemId);
    return claim?.incidentId === incident.incidentId
      ? { kind: 'claimed', at: claim.at }
      : { kind: 'not-claimed' };
  } catch (error) {
    return { kind: 'unreadable', error: oneLine(error) };
  }
}

/** The incident whose thread a first message starts, if it has none. */
function threadOwner(input: NotifyInput) {
  if (input.kind !== 'finding' && input.kind !== 'failure') return undefined;
  const { trigger, incident } = input.state;
  if (!trigger || !incident || incident.slackThreadTs) return undefined;
  if (input.kind === 'failure' && input.state.notification?.threadTs) {
    return undefined;
  }
  return {
    fileSystemId: trigger.fileSystemId,
    incidentId: incident.incidentId,
  };
}

/** Posts one message; a Slack failure is reported, not thrown. */
export async function notify(
  input: NotifyInput,
  ports: NotifyPorts,
): Promise<Notification> {
  const change = await changeKnowledge(input, ports.store);
  const message = messageFor(input, ports.channel, change);
  try {
    const posted = await ports.slack.postMessage(message);
    const threadTs = message.threadTs ?? posted.ts;
    const owner = threadOwner(input);
    if (owner && !message.threadTs) {
      await ports.store.setThread({
        ...owner,
        channel: posted.channel,
        threadTs,
      });
    }
    return {
      delivered: true,
      channel: posted.channel,
      threadTs,
      messages: [message],
    };
  } catch (error) {
    return {
      delivered: false,
      channel: message.channel,
      ...(message.threadTs ? { threadTs: message.threadTs } : {}),
      error: oneLine(error),
      messages: [message],
    };
  }
}

/**
 * Notify: posts the incident's messages to its Slack thread: the finding,
 * the outcome of a remediation, the resolution. Slack being down never loses
 * the finding: it stays in this step's output (and the structured log).
 */
import * as z from 'zod';
import {
  afterDiagnoseSchema,
  afterOpenSchema,
  afterRemediateSchema,
  type Notification,
  type SlackMessage,
} from '../../shared/contracts.ts';
import { oneLine } from '../../shared/errors.ts';
import {
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
]);
export type NotifyInput = z.infer<typeof notifyInputSchema>;

/** The message for a notify input, threaded where the incident has one. */
export function messageFor(input: NotifyInput, channel: string): SlackMessage {
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

/** Posts one message; a Slack failure is reported, not thrown. */
export async function notify(
  input: NotifyInput,
  ports: NotifyPorts,
): Promise<Notification> {
  const message = messageFor(input, ports.channel);
  try {
    const posted = await ports.slack.postMessage(message);
    const threadTs = message.threadTs ?? posted.ts;
    if (!input.state.incident.slackThreadTs && input.kind === 'finding') {
      await ports.store.setThread({
        fileSystemId: input.state.trigger.fileSystemId,
        incidentId: input.state.incident.incidentId,
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

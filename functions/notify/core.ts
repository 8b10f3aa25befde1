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
  checkFailedMessage,
  findingMessage,
  joinedMessage,
  outcomeMessage,
  resolvedMessage,
} from '../../shared/messages/blocks.ts';
import type { Clock, IncidentStore, SlackPort } from '../../shared/ports.ts';

export type NotifyPorts = {
  slack: SlackPort;
  store: IncidentStore;
  channel: string;
  /** When the message is written: whether an approval card is still open. */
  clock?: Clock;
};

/** The error a Catch put in the state (`$.resolveError`). */
const caughtSchema = z.object({
  Error: z.string(),
  Cause: z.string().optional(),
});

export const notifyInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('finding'), state: afterDiagnoseSchema }),
  z.object({ kind: z.literal('outcome'), state: afterRemediateSchema }),
  z.object({ kind: z.literal('resolved'), state: afterOpenSchema }),
  z.object({ kind: z.literal('joined'), state: afterOpenSchema }),
  z.object({
    kind: z.literal('check-failed'),
    state: afterOpenSchema.extend({ resolveError: caughtSchema }),
  }),
]);
export type NotifyInput = z.infer<typeof notifyInputSchema>;

/** The error message of a Catch's Cause (Lambda's JSON), or its name. */
function caughtText(caught: z.infer<typeof caughtSchema>): string {
  try {
    const parsed = JSON.parse(caught.Cause ?? '') as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') {
      return `${caught.Error}: ${parsed.errorMessage}`;
    }
  } catch {
    // A plain-text cause.
  }
  return caught.Cause ? `${caught.Error}: ${caught.Cause}` : caught.Error;
}

/**
 * The message for a notify input, threaded where the incident has one;
 * `undefined` for a joined trigger while the incident has no thread yet
 * (its finding, still to come, is the first message).
 */
export function messageFor(
  input: NotifyInput,
  channel: string,
  now?: string,
): SlackMessage | undefined {
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
          ...(state.incident.approvalRequestedAt
            ? { approvalRequestedAt: state.incident.approvalRequestedAt }
            : {}),
          ...(now ? { now } : {}),
        },
      );
    case 'joined':
      return state.incident.slackThreadTs
        ? joinedMessage(
            state.trigger,
            incidentChannel,
            state.incident.slackThreadTs,
          )
        : undefined;
    case 'check-failed':
      return checkFailedMessage(
        input.state.trigger,
        incidentChannel,
        state.incident.slackThreadTs,
        caughtText(input.state.resolveError),
      );
  }
}

/** Posts one message; a Slack failure is reported, not thrown. */
export async function notify(
  input: NotifyInput,
  ports: NotifyPorts,
): Promise<Notification> {
  const message = messageFor(
    input,
    ports.channel,
    ports.clock?.now().toISOString(),
  );
  if (!message) {
    return {
      delivered: false,
      channel: input.state.incident.slackChannel ?? ports.channel,
      error: 'the incident has no thread yet: its finding is still to come',
      messages: [],
    };
  }
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

/**
 * Notify: posts the incident's messages to its Slack thread: the finding,
 * the outcome of a remediation, the resolution. Slack being down never loses
 * the finding: it stays in this step's output (and the structured log).
 */
import type {
  ApprovalRound,
  CaughtError,
  Notification,
  NotifyInput,
  SlackMessage,
} from '../../shared/domain/contracts.ts';
import { oneLine } from '../../shared/domain/errors.ts';
import {
  type ChangeKnowledge,
  checkFailedMessage,
  failureMessage,
  findingMessage,
  joinedMessage,
  outcomeMessage,
  resolvedMessage,
} from '../../shared/domain/messages/blocks.ts';
import {
  DEFAULT_APPROVAL_ROUND_SECONDS,
  escalatedStatus,
  escalationMessage,
  expiredMessage,
  failedStatus,
  nextApprovalRound,
  outcomeStatus,
  resolvedStatus,
  rootOf,
  switchingMessage,
  switchingStatus,
} from '../../shared/domain/messages/progress.ts';
import type {
  Clock,
  IncidentStore,
  PagerPort,
  SlackPort,
} from '../../shared/domain/ports.ts';
import { updateRootStatus } from '../../shared/runtime/root-status.ts';

/** Who is asked to approve, and how long each round of asking lasts. */
export type ApprovalSettings = {
  approvers: readonly string[];
  roundSeconds: number;
};

export type NotifyPorts = {
  slack: SlackPort;
  store: IncidentStore;
  channel: string;
  /** When the message is written: whether an approval card is still open. */
  clock?: Clock;
  /** For the reminders of an unanswered approval. */
  approval?: ApprovalSettings;
  /** Called with each reminder, when the deployment has a pager webhook. */
  pager?: PagerPort;
};

/** The escalation of a run with no approval settings: the defaults. */
const DEFAULT_APPROVAL: ApprovalSettings = {
  approvers: [],
  roundSeconds: DEFAULT_APPROVAL_ROUND_SECONDS,
};

/** The error message of a Catch's Cause (Lambda's JSON), or its name. */
function caughtText(caught: CaughtError): string {
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
  options: { change?: ChangeKnowledge; now?: string } = {},
): SlackMessage | undefined {
  const { now } = options;
  if (input.kind === 'failure') {
    const { state } = input;
    return failureMessage(
      state,
      state.notification?.channel ?? state.incident?.slackChannel ?? channel,
      state.notification?.threadTs ?? state.incident?.slackThreadTs,
      options.change,
    );
  }
  const { trigger, incident } = input.state;
  const incidentChannel = incident.slackChannel ?? channel;
  const threadTs = incident.slackThreadTs;
  switch (input.kind) {
    case 'finding':
      return findingMessage(input.state, incidentChannel, threadTs);
    case 'switching':
    case 'outcome': {
      // In the finding's thread, as Notify posted it.
      const build =
        input.kind === 'switching' ? switchingMessage : outcomeMessage;
      return build(
        input.state,
        input.state.notification.channel || incidentChannel,
        input.state.notification.threadTs ?? threadTs,
      );
    }
    case 'escalation':
      // Built with the round it opens: see escalate().
      return undefined;
    case 'resolved':
      return resolvedMessage(
        trigger,
        incident.openedAt,
        incidentChannel,
        threadTs,
        {
          alarmNames: incident.alarmNames,
          quietSeconds: incident.quietSeconds,
          ...(incident.approvalRequestedAt
            ? { approvalRequestedAt: incident.approvalRequestedAt }
            : {}),
          ...(now ? { now } : {}),
        },
      );
    case 'joined':
      return threadTs
        ? joinedMessage(trigger, incidentChannel, threadTs)
        : undefined;
    case 'check-failed': {
      const error = caughtText(input.state.resolveError);
      return checkFailedMessage(
        trigger,
        incident.incidentId,
        incidentChannel,
        threadTs,
        error,
      );
    }
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

/** The root message's status line after a message of this kind. */
function statusAfter(input: NotifyInput, now: string) {
  switch (input.kind) {
    case 'switching':
      return switchingStatus(input.state.remediation);
    case 'outcome':
      return outcomeStatus(input.state.remediation, input.state.verification);
    case 'resolved':
      return resolvedStatus(now);
    case 'failure':
      return failedStatus(input.state.failedState, now);
    default:
      return undefined;
  }
}

/** Posts a message, reporting a Slack failure instead of throwing it. */
async function post(
  slack: SlackPort,
  message: SlackMessage,
): Promise<Notification> {
  try {
    const posted = await slack.postMessage(message);
    return {
      delivered: true,
      channel: posted.channel,
      threadTs: message.threadTs ?? posted.ts,
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

/** When the incident's approval card was posted, as the store keeps it. */
async function askedAtOf(
  state: {
    trigger: { fileSystemId: string };
    incident: { incidentId: string };
  },
  store: IncidentStore,
): Promise<string | undefined> {
  try {
    const record = await store.current(state.trigger.fileSystemId);
    return record?.incidentId === state.incident.incidentId
      ? record.approvalRequestedAt
      : undefined;
  } catch {
    // The round's own arithmetic stands in for it.
    return undefined;
  }
}

/**
 * An approval round ran out unanswered: the next round re-asks, mentioning
 * the approvers (and pages, when a pager is wired); after the last, the
 * expiry is said. The state machine reads `next`.
 */
async function escalate(
  input: Extract<NotifyInput, { kind: 'escalation' }>,
  ports: NotifyPorts,
): Promise<ApprovalRound> {
  const { state } = input;
  const settings = ports.approval ?? DEFAULT_APPROVAL;
  const now = (ports.clock?.now() ?? new Date()).toISOString();
  const ended = state.approvalRound?.round ?? 1;
  const askedAt =
    state.approvalRound?.askedAt ??
    (await askedAtOf(state, ports.store)) ??
    new Date(
      Date.parse(now) - ended * settings.roundSeconds * 1000,
    ).toISOString();
  // When the round ran out, by the rounds' own clock: the same as now in
  // AWS, and right in a local run whose clock stands still meanwhile.
  const roundEndedAt = new Date(
    Date.parse(askedAt) + ended * settings.roundSeconds * 1000,
  ).toISOString();
  const plan = {
    ...nextApprovalRound({
      ended,
      roundSeconds: settings.roundSeconds,
      askedAt,
    }),
    askedAt,
  };
  const channel =
    state.notification.channel || state.incident.slackChannel || ports.channel;
  const threadTs = state.notification.threadTs ?? state.incident.slackThreadTs;
  const fileSystemId = state.trigger.fileSystemId;
  const waitedSeconds = ended * settings.roundSeconds;
  let page: { paged?: boolean; pageError?: string } = {};
  if (plan.next === 'wait' && ports.pager) {
    try {
      await ports.pager.page({
        summary: `burstguard: approval for ${fileSystemId} unanswered after ${Math.round(waitedSeconds / 60)} min`,
        incidentId: state.incident.incidentId,
        fileSystemId,
        round: plan.round,
        expiresAt: plan.expiresAt,
      });
      page = { paged: true };
    } catch (error) {
      page = { paged: false, pageError: oneLine(error) };
    }
  }
  const message =
    plan.next === 'wait'
      ? escalationMessage({
          channel,
          threadTs,
          approvers: settings.approvers,
          fileSystemId,
          round: plan.round,
          waitedSeconds,
          expiresAt: plan.expiresAt,
          paged: page.paged === true,
        })
      : expiredMessage({
          channel,
          threadTs,
          fileSystemId,
          waitedSeconds,
          at: roundEndedAt,
        });
  const notification = await post(ports.slack, message);
  const root = await updateRootStatus(
    ports.slack,
    rootOf(state),
    escalatedStatus({ ...plan, now: roundEndedAt }),
  );
  return { ...notification, ...root, ...plan, ...page };
}

/** Posts one message; a Slack failure is reported, not thrown. */
export async function notify(
  input: NotifyInput,
  ports: NotifyPorts,
): Promise<Notification> {
  if (input.kind === 'escalation') return escalate(input, ports);
  const change = await changeKnowledge(input, ports.store);
  const message = messageFor(input, ports.channel, {
    ...(change ? { change } : {}),
    ...(ports.clock ? { now: ports.clock.now().toISOString() } : {}),
  });
  if (!message) {
    return {
      delivered: false,
      channel: input.state.incident?.slackChannel ?? ports.channel,
      error: 'the incident has no thread yet: its finding is still to come',
      messages: [],
    };
  }
  const notification = await post(ports.slack, message);
  const owner = threadOwner(input);
  if (
    notification.delivered &&
    notification.threadTs &&
    owner &&
    !message.threadTs
  ) {
    try {
      await ports.store.setThread({
        ...owner,
        channel: notification.channel,
        threadTs: notification.threadTs,
      });
    } catch (error) {
      return {
        delivered: false,
        channel: message.channel,
        error: oneLine(error),
        messages: [message],
      };
    }
  }
  const status = statusAfter(
    input,
    (ports.clock?.now() ?? new Date()).toISOString(),
  );
  const root = status
    ? await updateRootStatus(ports.slack, rootOf(input.state), status)
    : undefined;
  return { ...notification, ...root };
}

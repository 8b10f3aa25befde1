/**
 * Notify: posts the incident's messages to its Slack thread: the finding,
 * the outcome of a remediation, the resolution. Slack being down never loses
 * the finding: it stays in this step's output (and the structured log).
 */
import { incidentCharts } from '../../shared/domain/charts.ts';
import type {
  AfterDiagnose,
  ApprovalRound,
  CaughtError,
  Notification,
  NotifyInput,
  SlackMessage,
} from '../../shared/domain/contracts.ts';
import { oneLine } from '../../shared/domain/errors.ts';
import {
  type ChangeKnowledge,
  chartFailedMessage,
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
import {
  type MessageContext,
  messageContext,
  type ThreadConfig,
} from '../../shared/domain/messages/thread-context.ts';
import type {
  ChartPort,
  Clock,
  IncidentStore,
  PagerPort,
  SlackPort,
} from '../../shared/domain/ports.ts';
import { updateRootStatus } from '../../shared/runtime/root-status.ts';

/** Who is asked to approve, and how long each round of asking lasts. */
export type ApprovalSettings = {
  approvers: readonly string[];
  approverGroupId?: string;
  roundSeconds: number;
};

export type NotifyPorts = {
  slack: SlackPort;
  store: IncidentStore;
  channel: string;
  /** When the message is written: whether an approval card is still open. */
  clock?: Clock;
  /** The log groups of each file system, for the messages' console links. */
  config?: ThreadConfig;
  /**
   * Draws the incident's charts, attached in the thread after the
   * finding; none, no charts.
   */
  charts?: {
    port: ChartPort;
    /** Where the Langfuse log metric filters publish (AppConfig). */
    langfuseMetricNamespace: string;
    /** The whole of drawing and uploading; past it, no charts. */
    deadlineMs?: number;
  };
  /** For the reminders of an unanswered approval. */
  approval?: ApprovalSettings;
  /** Called with each reminder, when the deployment has a pager webhook. */
  pager?: PagerPort;
  /** How long a reminder's post and status edit may take (tests shorten). */
  escalationDeadlines?: typeof ESCALATION_DEADLINES_MS;
  /** The whole step's budget, NOTIFY_BUDGET_MS unless a test shortens it. */
  budgetMs?: number;
};

/**
 * What one Notify may spend, under its 20 s Lambda timeout
 * (infra/functions.ts) with room to return: the charts get what the
 * finding's post left of it, less the time to say they failed.
 */
export const NOTIFY_BUDGET_MS = 18_000;
const CHART_FAILURE_NOTE_MS = 3_000;
const LEAST_CHART_MS = 1_000;

/**
 * A reminder must end inside Notify's 20 s Lambda timeout
 * (infra/functions.ts) whatever Slack does: a failed reminder step would
 * end the approval while its card is still up. The pager has its own 5 s
 * deadline (shared/adapters/pager.ts); the post and the status-line edit
 * get these, and are reported, not thrown, when they run out.
 */
export const ESCALATION_DEADLINES_MS = { post: 9_000, status: 4_000 };

/** The escalation of a run with no approval settings: the defaults. */
const DEFAULT_APPROVAL: ApprovalSettings = {
  approvers: [],
  roundSeconds: DEFAULT_APPROVAL_ROUND_SECONDS,
};

/**
 * Drawing and uploading the charts together: with the finding's own post,
 * Notify stays inside its 20 s Lambda timeout (infra/functions.ts).
 */
export const CHART_DEADLINE_MS = 7_000;

/** Rejects when `work` has not settled within `ms`. */
async function within<T>(
  work: Promise<T>,
  ms: number,
  what = 'charts',
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no ${what} within ${ms / 1000} s`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Draws the incident's charts and uploads them into the thread. A failure
 * never fails the step: the finding is what counts. It is said in the
 * thread instead, and kept in the output.
 */
async function attachCharts(
  state: AfterDiagnose,
  ports: NotifyPorts,
  thread: { channel: string; threadTs: string },
  deadlineAt: number,
): Promise<Pick<Notification, 'charts' | 'chartError'>> {
  const { charts, slack } = ports;
  if (!charts || !slack.uploadFiles) return {};
  const upload = slack.uploadFiles.bind(slack);
  const left = deadlineAt - Date.now() - CHART_FAILURE_NOTE_MS;
  if (left < LEAST_CHART_MS) {
    // The finding's post took the step's time: it is what counts.
    return { chartError: 'no time left for the charts after the finding' };
  }
  const chartMs = Math.min(charts.deadlineMs ?? CHART_DEADLINE_MS, left);
  try {
    const made = await within(
      (async () => {
        const specs = incidentCharts(state.trigger, charts);
        const images = await Promise.all(
          specs.map((chart) => charts.port.renderChart(chart)),
        );
        return upload({
          ...thread,
          files: specs.map((chart, i) => ({
            filename: `${chart.name}.png`,
            title: chart.title,
            bytes: images[i] as Uint8Array,
            altText: `${chart.title}, ${chart.unit}, incident window marked`,
          })),
        });
      })(),
      chartMs,
    );
    return { charts: made.files };
  } catch (error) {
    const chartError = oneLine(error);
    await within(
      slack.postMessage(
        chartFailedMessage(thread.channel, thread.threadTs, chartError),
      ),
      Math.max(LEAST_CHART_MS, deadlineAt - Date.now()),
      'answer from Slack',
    ).catch(() => undefined);
    return { chartError };
  }
}

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
  options: {
    change?: ChangeKnowledge;
    now?: string;
    ctx?: MessageContext;
  } = {},
): SlackMessage | undefined {
  const { now } = options;
  // The run's own execution, for the builders that take a trigger alone.
  const ctx: MessageContext = {
    ...options.ctx,
    ...(input.state.executionArn
      ? { executionArn: input.state.executionArn }
      : {}),
  };
  if (input.kind === 'failure') {
    const { state } = input;
    return failureMessage(
      state,
      state.notification?.channel ?? state.incident?.slackChannel ?? channel,
      state.notification?.threadTs ?? state.incident?.slackThreadTs,
      options.change,
      ctx,
    );
  }
  const { trigger, incident } = input.state;
  const incidentChannel = incident.slackChannel ?? channel;
  const threadTs = incident.slackThreadTs;
  switch (input.kind) {
    case 'finding':
      return findingMessage(input.state, incidentChannel, threadTs, ctx);
    case 'switching':
    case 'outcome': {
      // In the finding's thread, as Notify posted it.
      const build =
        input.kind === 'switching' ? switchingMessage : outcomeMessage;
      return build(
        input.state,
        input.state.notification.channel || incidentChannel,
        input.state.notification.threadTs ?? threadTs,
        ctx,
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
        ctx,
      );
    case 'joined':
      return threadTs
        ? joinedMessage(trigger, incidentChannel, threadTs, ctx)
        : undefined;
    case 'check-failed': {
      const error = caughtText(input.state.resolveError);
      return checkFailedMessage(
        trigger,
        incident.incidentId,
        incidentChannel,
        threadTs,
        error,
        ctx,
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
          approverGroupId: settings.approverGroupId,
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
  const deadlines = ports.escalationDeadlines ?? ESCALATION_DEADLINES_MS;
  const notification = await within(
    post(ports.slack, message),
    deadlines.post,
    'answer from Slack',
  ).catch(
    (error): Notification => ({
      delivered: false,
      channel: message.channel,
      ...(message.threadTs ? { threadTs: message.threadTs } : {}),
      error: oneLine(error),
      messages: [message],
    }),
  );
  const root = await within(
    updateRootStatus(
      ports.slack,
      rootOf(state),
      escalatedStatus({ ...plan, now: roundEndedAt }),
    ),
    deadlines.status,
    'status-line edit',
  ).catch((error) => ({ rootUpdated: false, rootError: oneLine(error) }));
  return { ...notification, ...root, ...plan, ...page };
}

/** Posts one message; a Slack failure is reported, not thrown. */
export async function notify(
  input: NotifyInput,
  ports: NotifyPorts,
): Promise<Notification> {
  if (input.kind === 'escalation') return escalate(input, ports);
  const deadlineAt = Date.now() + (ports.budgetMs ?? NOTIFY_BUDGET_MS);
  const change = await changeKnowledge(input, ports.store);
  const message = messageFor(input, ports.channel, {
    ...(change ? { change } : {}),
    ...(ports.clock ? { now: ports.clock.now().toISOString() } : {}),
    ctx: messageContext(ports.config, input.state.trigger?.fileSystemId),
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
  const attached =
    input.kind === 'finding' && notification.delivered && notification.threadTs
      ? await attachCharts(
          input.state,
          ports,
          { channel: notification.channel, threadTs: notification.threadTs },
          deadlineAt,
        )
      : {};
  const status = statusAfter(
    input,
    (ports.clock?.now() ?? new Date()).toISOString(),
  );
  const root = status
    ? await updateRootStatus(ports.slack, rootOf(input.state), status)
    : undefined;
  return { ...notification, ...root, ...attached };
}

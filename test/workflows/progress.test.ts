/**
 * One thread that tells the story as it happens: the real state machine
 * run locally (aws-local-stepfunctions) with the real handlers, the real
 * Slack client against the loopback Slack double.
 *
 * - "Switching now" is posted the moment UpdateFileSystem is accepted,
 *   before the Wait that precedes Verify.
 * - The root message's status line is edited with chat.update
 *   (docs.slack.dev/reference/methods/chat.update: `channel` and `ts`
 *   name the message; blocks left out are retained; Tier 3 rate limit).
 *   A failed edit never fails the run.
 * - An unanswered approval is escalated in rounds: each round is a
 *   `.waitForTaskToken` Task whose TimeoutSeconds runs out with
 *   States.Timeout (Step Functions developer guide, "Task state" and
 *   "Wait for a Callback with Task Token"), caught into a reminder that
 *   mentions the approvers and pages; the last round ends in the expiry.
 */
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import {
  type LocalPorts,
  type RunEvent,
  runLocal,
} from '../../local/state-machine-runner.ts';
import {
  type AfterRemediate,
  type ApprovalRound,
  afterRemediateSchema,
  approvalRoundSchema,
} from '../../shared/domain/contracts.ts';
import { SlackDeliveryError } from '../../shared/domain/errors.ts';
import type { PagerPort, SlackPort } from '../../shared/domain/ports.ts';
import {
  buildDefinition,
  placeholderArns,
  TASK_TIMEOUT_SECONDS,
} from '../../workflows/definition.ts';
import { seedIncident } from '../fixtures/scenarios.ts';
import {
  doubleSlackPort,
  recordedRunPorts,
  useSlackDouble,
} from '../support/local-run.ts';

const APPROVER = 'U0LOCAL';
const slack = useSlackDouble();

type Page = Parameters<PagerPort['page']>[0];

function setup(
  policy: 'approve' | 'auto',
  options: {
    escalationMinutes?: number;
    slackPort?: (port: SlackPort) => SlackPort;
    pager?: PagerPort;
    approver?: LocalPorts['approver'];
  } = {},
) {
  const recording = seedIncident();
  const pages: Page[] = [];
  const base = recordedRunPorts(recording, {
    policy,
    slack: doubleSlackPort(slack, 'xoxb-progress'),
  });
  const ports: LocalPorts = {
    ...base,
    config: {
      ...base.config,
      approvers: [APPROVER],
      ...(options.escalationMinutes
        ? { approvalEscalationMinutes: options.escalationMinutes }
        : {}),
    },
    slack: options.slackPort ? options.slackPort(base.slack) : base.slack,
    pager: options.pager ?? {
      async page(event) {
        pages.push(event);
      },
    },
    ...(options.approver ? { approver: options.approver } : {}),
  };
  return { ports, pages };
}

/** The Slack double's calls since the test began, by method. */
function callsOf(method: string, from: number) {
  return slack.calls.slice(from).filter((c) => c.method === method);
}

/** The step outputs at `key`, in the order the run produced them. */
function outputsAt(events: RunEvent[], key: string): unknown[] {
  return events.flatMap((e) => {
    if (e.type !== 'exited' || e.stateType !== 'Task') return [];
    const out = e.output as Record<string, unknown> | undefined;
    return out?.[key] === undefined ? [] : [out[key]];
  });
}

async function run(ports: LocalPorts) {
  const from = slack.calls.length;
  const events: RunEvent[] = [];
  const recording = seedIncident();
  const result = await runLocal(recording.trigger, ports, {
    onEvent: (e) => events.push(e),
  });
  if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
  const posts = callsOf('chat.postMessage', from);
  const updates = callsOf('chat.update', from);
  const entered = events.flatMap((e) =>
    e.type === 'entered' ? [e.state] : [],
  );
  return {
    state: afterRemediateSchema.parse(result.output) as AfterRemediate,
    output: result.output,
    events,
    entered,
    posts,
    texts: posts.map((c) => String(c.body.text)),
    updates,
    statusLines: updates.map((c) => String(c.body.text)),
  };
}

describe('switching now', () => {
  it('says the switch is made, and when it is checked, before the wait and the verified outcome', async () => {
    // Prepare
    const { ports } = setup('auto');

    // Act
    const r = await run(ports);

    // Assess: finding, "switching now", the outcome, in the root's thread.
    expect(r.state.remediation.status).toBe('applied');
    expect(r.texts).toHaveLength(3);
    expect(r.texts[1]).toMatch(/Switching now/);
    expect(r.texts[1]).toMatch(
      /bursting to elastic throughput at \d\d:\d\d UTC/,
    );
    expect(r.texts[1]).toMatch(/in 10 min \(at \d\d:\d\d UTC\)/);
    expect(r.texts[2]).toMatch(/Remediation applied/);
    const root = r.state.notification.threadTs;
    expect(r.posts[1]?.body.thread_ts).toBe(root);
    expect(r.posts[2]?.body.thread_ts).toBe(root);
    // Said before the Wait: NotifySwitching is entered before WaitForEffect.
    expect(r.entered.indexOf('NotifySwitching')).toBeGreaterThan(-1);
    expect(r.entered.indexOf('NotifySwitching')).toBeLessThan(
      r.entered.indexOf('WaitForEffect'),
    );
  });

  it('edits the root status line: switching, then the verified outcome', async () => {
    // Prepare
    const { ports } = setup('auto');

    // Act
    const r = await run(ports);

    // Assess: chat.update names the root by channel id and ts.
    const root = r.state.notification;
    for (const update of r.updates) {
      expect(update.body).toMatchObject({
        channel: root.channel,
        ts: root.threadTs,
      });
      // The finding's blocks are left out, so Slack keeps them.
      expect(update.body).not.toHaveProperty('blocks');
    }
    expect(r.statusLines).toEqual([
      expect.stringMatching(/^Status: .*switching to elastic since/),
      expect.stringMatching(/^Status: .*switched to elastic; verified: /),
    ]);
  });

  it('finishes the run and tells the thread when the root cannot be edited', async () => {
    // Prepare: every chat.update fails (message deleted, Slack down).
    const { ports } = setup('auto', {
      slackPort: (port) => ({
        postMessage: (message) => port.postMessage(message),
        async updateMessage() {
          throw new SlackDeliveryError(
            'slack chat.update: Slack answered ok=false: message_not_found',
          );
        },
      }),
    });

    // Act
    const r = await run(ports);

    // Assess
    expect(r.state.remediation.status).toBe('applied');
    expect(r.texts).toHaveLength(3);
    const outcome = (r.output as { outcomeNotification: unknown })
      .outcomeNotification;
    expect(outcome).toMatchObject({
      delivered: true,
      rootUpdated: false,
      rootError: expect.stringContaining('message_not_found'),
    });
  });

  it('tells the thread of the switch when "switching now" itself fails', async () => {
    // Prepare: the Notify Lambda fails on the switching message.
    const { ports } = setup('auto');
    const events: RunEvent[] = [];
    const from = slack.calls.length;

    // Act
    const result = await runLocal(seedIncident().trigger, ports, {
      onEvent: (e) => events.push(e),
      wrapHandlers: (handlers) => ({
        ...handlers,
        NotifySwitching: async () => {
          throw Object.assign(new Error('Task timed out after 20.00 seconds'), {
            name: 'Sandbox.Timedout',
          });
        },
      }),
    });

    // Assess: its Catch goes the told way; NotifyFailure names the call.
    expect(result.status).toBe('FAILED');
    const entered = events.flatMap((e) =>
      e.type === 'entered' ? [e.state] : [],
    );
    expect(entered).toContain('NotifySwitchingFailed');
    const texts = callsOf('chat.postMessage', from).map((c) =>
      JSON.stringify(c.body),
    );
    expect(texts.some((t) => t.includes('UpdateFileSystem'))).toBe(true);
  });
});

describe('an approval nobody answers', () => {
  it('mentions the approvers again each round, pages, and says the expiry', async () => {
    // Prepare: 15 min rounds (the default), so four rounds to the hour.
    const { ports, pages } = setup('approve');

    // Act
    const r = await run(ports);

    // Assess: the card, three reminders, the expiry, then the outcome.
    expect(r.state.remediation).toMatchObject({
      status: 'not-attempted',
      reason: 'nobody approved within 1 h',
    });
    const reminders = r.texts.filter((t) => t.includes('still unanswered'));
    expect(reminders).toHaveLength(3);
    for (const reminder of reminders) {
      expect(reminder).toContain(`<@${APPROVER}>`);
      expect(reminder).toMatch(/expires at \d\d:\d\d UTC/);
    }
    expect(reminders.map((t) => t.match(/after (\d+) min/)?.[1])).toEqual([
      '15',
      '30',
      '45',
    ]);
    const expiry = r.texts.findIndex((t) => t.includes('expired'));
    expect(expiry).toBeGreaterThan(r.texts.indexOf(reminders[2] as string));
    expect(r.texts[expiry]).toMatch(/nobody answered within 60 min/);
    expect(pages.map((p) => p.round)).toEqual([2, 3, 4]);
    expect(r.entered.filter((s) => s === 'RequestApproval')).toHaveLength(4);
    expect(r.entered).toContain('ApprovalExpired');
    // Every round counts to the same expiry: the card's time plus 1 h.
    const rounds = outputsAt(r.events, 'approvalRound').map(
      (o) => approvalRoundSchema.parse(o) as ApprovalRound,
    );
    expect(new Set(rounds.map((o) => o.expiresAt)).size).toBe(1);
    expect(rounds.at(-1)?.next).toBe('expired');
  });

  it('keeps the root status current through the rounds', async () => {
    // Prepare
    const { ports } = setup('approve', { escalationMinutes: 30 });

    // Act
    const r = await run(ports);

    // Assess: 30 min rounds: one reminder, then the expiry.
    expect(r.statusLines).toEqual([
      expect.stringMatching(/waiting for approval since .* from <@U0LOCAL>/),
      expect.stringMatching(/approval unanswered, reminder 1 sent/),
      expect.stringMatching(/approval expired at/),
      expect.stringMatching(/no change made \(not-attempted/),
    ]);
  });

  it('answers the round that is waiting: approved after a reminder, the switch goes ahead', async () => {
    // Prepare: nobody answers the first round; the second is approved.
    const { ports, pages } = setup('approve', {
      approver: async (state) =>
        state.approvalRound?.round === 2
          ? { approved: true, by: APPROVER }
          : undefined,
    });

    // Act
    const r = await run(ports);

    // Assess
    expect(r.state.remediation).toMatchObject({
      status: 'applied',
      approvedBy: APPROVER,
    });
    expect(pages).toHaveLength(1);
    expect(r.texts.filter((t) => t.includes('still unanswered'))).toHaveLength(
      1,
    );
    // The card is posted once; the second round re-asks in the reminder.
    expect(
      r.posts.filter((c) => JSON.stringify(c.body).includes('"approve"')),
    ).toHaveLength(1);
    const switching = r.texts.findIndex((t) => t.includes('Switching now'));
    const outcome = r.texts.findIndex((t) => t.includes('Remediation applied'));
    expect(switching).toBeGreaterThan(0);
    expect(switching).toBeLessThan(outcome);
    expect(r.statusLines.map((t) => t.split(':')[2]?.trim())).toEqual([
      'raised_hand',
      'rotating_light',
      'arrows_counterclockwise',
      expect.stringMatching(/white_check_mark|warning/),
    ]);
  });

  it('goes on reminding in the thread when the pager fails', async () => {
    // Prepare
    const { ports } = setup('approve', {
      escalationMinutes: 30,
      pager: {
        async page() {
          throw new Error('pager webhook: answered HTTP 503');
        },
      },
    });

    // Act
    const r = await run(ports);

    // Assess
    const [first] = outputsAt(r.events, 'approvalRound');
    expect(first).toMatchObject({
      delivered: true,
      paged: false,
      pageError: 'pager webhook: answered HTTP 503',
    });
    expect(r.texts.some((t) => t.includes('still unanswered'))).toBe(true);
  });
});

describe('the approval rounds in the ASL', () => {
  it('waits each round the configured time, catches its timeout, and stays valid ASL', () => {
    // Prepare / Act
    const definition = buildDefinition(placeholderArns(), undefined, {
      approvalRoundSeconds: 1800,
    });
    const states = definition.States as Record<string, Record<string, unknown>>;

    // Assess
    expect(states.RequestApproval?.TimeoutSeconds).toBe(1800);
    const catchers = (states.RequestApproval?.Catch ?? []) as {
      ErrorEquals: string[];
      Next: string;
    }[];
    expect(catchers[0]).toMatchObject({
      ErrorEquals: ['States.Timeout'],
      Next: 'EscalateApproval',
    });
    expect(states.ApprovalOpen?.Default).toBe('ApprovalExpired');
    expect(states.ApprovalExpired?.Next).toBe('Remediate');
    const result = aslValidator(definition as never, {
      checkArn: true,
      checkPaths: true,
    });
    expect(result.errorsText?.('\n') ?? '').toBe('');
    expect(result.isValid).toBe(true);
  });

  it.each([0, 1.5, TASK_TIMEOUT_SECONDS.approval + 1])(
    'refuses a round of %s seconds',
    (seconds) => {
      expect(() =>
        buildDefinition(placeholderArns(), undefined, {
          approvalRoundSeconds: seconds,
        }),
      ).toThrow(/approvalRoundSeconds must be a whole number from 1 to 3600/);
    },
  );
});

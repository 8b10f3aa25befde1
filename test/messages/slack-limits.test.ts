/**
 * Messages Slack takes, against a double that refuses what Slack refuses
 * (test/support/slack-limits.ts, from Slack's Block Kit reference and the
 * chat.postMessage reference). First the double itself, through the real
 * @slack/web-api client, at each limit and one past it; then the messages
 * the runbook builds, with lists far longer than a section holds, posted
 * through the same client: Slack must take them.
 */
import { describe, expect, it } from 'vitest';
import { SCENARIOS, simulateScenario } from '../../local/scenarios.ts';
import {
  type LocalPorts,
  type RunEvent,
  runLocal,
} from '../../local/state-machine-runner.ts';
import type { SlackMessage } from '../../shared/domain/contracts.ts';
import {
  approvalMessage,
  findingMessage,
} from '../../shared/domain/messages/blocks.ts';
import {
  recoveryOfferMessage,
  recoveryProgressMessage,
} from '../../shared/domain/messages/recovery.ts';
import { SCENARIO_END, seedIncident } from '../fixtures/scenarios.ts';
import {
  doubleSlackPort,
  recordedRunPorts,
  useSlackDouble,
} from '../support/local-run.ts';
import { SLACK_LIMITS, slackRefusal } from '../support/slack-limits.ts';

const slack = useSlackDouble();

function port() {
  return doubleSlackPort(slack, 'xoxb-limits', { maxRateLimitRetries: 0 });
}

const section = (chars: number) => ({
  type: 'section',
  text: { type: 'mrkdwn', text: 'a'.repeat(chars) },
});
const header = (chars: number) => ({
  type: 'header',
  text: { type: 'plain_text', text: 'h'.repeat(chars) },
});
const button = (
  text: number,
  value: number,
  confirm?: Record<string, unknown>,
) => ({
  type: 'actions',
  elements: [
    {
      type: 'button',
      action_id: 'approve',
      text: { type: 'plain_text', text: 'b'.repeat(text) },
      value: 'v'.repeat(value),
      ...(confirm ? { confirm } : {}),
    },
  ],
});
/** A confirmation dialog with fields of these lengths. */
const dialog = (title: number, text: number, yes: number, no: number) =>
  button(10, 10, {
    title: { type: 'plain_text', text: 't'.repeat(title) },
    text: { type: 'plain_text', text: 'x'.repeat(text) },
    confirm: { type: 'plain_text', text: 'y'.repeat(yes) },
    deny: { type: 'plain_text', text: 'n'.repeat(no) },
    style: 'primary',
  });

/** Posts and says what Slack answered: ok, or its error. */
async function post(message: Omit<SlackMessage, 'channel'>): Promise<string> {
  try {
    await port().postMessage({ channel: '#incidents', ...message });
    return 'ok';
  } catch (error) {
    return String((error as Error).message);
  }
}

describe('the Slack double', () => {
  const cases: [string, unknown[], string][] = [
    ['50 blocks', Array.from({ length: 50 }, () => section(10)), 'ok'],
    [
      '51 blocks',
      Array.from({ length: 51 }, () => section(10)),
      'invalid_blocks',
    ],
    ['a 3,000-character section', [section(3000)], 'ok'],
    ['a 3,001-character section', [section(3001)], 'invalid_blocks'],
    ['a 150-character header', [header(150)], 'ok'],
    ['a 151-character header', [header(151)], 'invalid_blocks'],
    ['a 75-character button text', [button(75, 10)], 'ok'],
    ['a 76-character button text', [button(76, 10)], 'invalid_blocks'],
    ['a 2,000-character button value', [button(10, 2000)], 'ok'],
    ['a 2,001-character button value', [button(10, 2001)], 'invalid_blocks'],
    ['a confirm at every limit', [dialog(100, 300, 30, 30)], 'ok'],
    // Each field of the dialog one past its own limit.
    ...(['title', 'text', 'confirm', 'deny'] as const).map(
      (field, i): [string, unknown[], string] => {
        const sizes = [100, 300, 30, 30] as [number, number, number, number];
        sizes[i] = (sizes[i] ?? 0) + 1;
        return [
          `a confirm ${field} one past its limit`,
          [dialog(...sizes)],
          'invalid_blocks',
        ];
      },
    ),
  ];
  for (const [name, blocks, expected] of cases) {
    it(`answers ${expected} to ${name}`, async () => {
      // Act
      const answer = await post({ text: 't', blocks: blocks as never });

      // Assess
      if (expected === 'ok') expect(answer).toBe('ok');
      else expect(answer).toContain(expected);
    });
  }

  it('holds blocks inside attachments and context text to the same limits', async () => {
    // Secondary message attachments reference: an attachment's `blocks`
    // are layout blocks as in a message; text object reference: `text` at
    // most 3,000 characters, which a context's text elements are too.
    const context = (chars: number) => ({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'c'.repeat(chars) }],
    });
    const inAttachment = (blocks: unknown[]) =>
      slackRefusal({ text: 't', attachments: [{ color: '#ccc', blocks }] });

    // Act / Assess
    expect(inAttachment([section(3000), context(3000)])).toBeUndefined();
    expect(inAttachment([section(3001)])?.errors).toEqual([
      'must be less than 3001 characters [json-pointer:/attachments/0/blocks/0/text/text]',
    ]);
    expect(inAttachment([context(3001)])?.error).toBe('invalid_blocks');
    expect(
      inAttachment(Array.from({ length: 51 }, () => section(1)))?.error,
    ).toBe('invalid_blocks');
    expect(
      await post({ text: 't', blocks: [context(3001)] as never }),
    ).toContain('invalid_blocks');
  });

  it('answers chat.update only for a channel id and the ts of a message it posted', async () => {
    // chat.update (docs.slack.dev/reference/methods/chat.update): `channel`
    // is the channel containing the message and `ts` its timestamp;
    // errors channel_not_found and message_not_found.
    const p = port();
    const root = await p.postMessage({
      channel: '#incidents',
      text: 'root',
      blocks: [],
    });
    const edit = async (channel: string, ts: string, blocks?: unknown[]) => {
      try {
        await p.updateMessage({
          channel,
          ts,
          text: 'status',
          ...(blocks ? { attachments: [{ blocks }] } : {}),
        });
        return 'ok';
      } catch (error) {
        return String((error as Error).message);
      }
    };

    // Act / Assess
    expect(await edit(root.channel, root.ts, [section(3000)])).toBe('ok');
    expect(await edit(root.channel, root.ts, [section(3001)])).toContain(
      'invalid_blocks',
    );
    expect(await edit('#incidents', root.ts)).toContain('channel_not_found');
    expect(await edit(root.channel, '1.000001')).toContain('message_not_found');
  });

  it('answers msg_too_long to text over 40,000 characters', async () => {
    // Act / Assess
    expect(await post({ text: 'x'.repeat(40_000), blocks: [] })).toBe('ok');
    expect(await post({ text: 'x'.repeat(40_001), blocks: [] })).toContain(
      'msg_too_long',
    );
  });

  it('answers not_in_channel for a channel the app left', async () => {
    // Prepare
    slack.leaveChannel('#incidents');

    // Act / Assess
    expect(await post({ text: 't', blocks: [] })).toContain('not_in_channel');
  });

  it('answers 429 with Retry-After when rate limited', async () => {
    // Prepare
    slack.failNext(1, { kind: 'rate-limit', retryAfterSeconds: 7 });

    // Act
    const answer = await post({ text: 't', blocks: [] });

    // Assess: no retry allowed here, so the port gives up at once.
    expect(answer).toMatch(/rate limited/);
    expect(slack.calls).toHaveLength(1);
  });
});

describe('messages the runbook builds', () => {
  /** The state after Diagnose in a real local run of an incident. */
  async function diagnosed() {
    const recording = seedIncident();
    let state: unknown;
    await runLocal(
      { fileSystemId: recording.meta.fileSystemId },
      recordedRunPorts(recording, { policy: 'off', slack: port() }),
      {
        onEvent: (e) => {
          if (e.type === 'exited' && e.state === 'Diagnose') state = e.output;
        },
      },
    );
    return state as Parameters<typeof findingMessage>[0];
  }

  it('keeps every section of a very long finding within what Slack takes', async () => {
    // Prepare: 60 findings and 60 gaps of 200 characters: 12,000 characters
    // each, four times what one section may hold.
    const state = await diagnosed();
    const long = Array.from(
      { length: 60 },
      (_, i) => `${i} ${'merges behind by many parts '.repeat(7)}`,
    );
    const big = {
      ...state,
      result: {
        ...state.result,
        diagnosis: {
          ...state.result.diagnosis,
          findings: long,
          gaps: long,
        },
      },
    };

    // Act
    const message = findingMessage(big, '#incidents');
    const answer = await post(message);

    // Assess
    expect(answer).toBe('ok');
    const sections = message.blocks.filter(
      (b) => (b as { type: string }).type === 'section',
    ) as { text: { text: string } }[];
    const what = sections.find((s) =>
      s.text.text.startsWith('*What is wrong*'),
    );
    expect(what?.text.text.length).toBeLessThanOrEqual(3000);
    // The beginning survives the clip.
    expect(what?.text.text).toContain('• 0 merges behind');
  });
});

describe('the recovery messages', () => {
  // An execution ARN at its longest: the name part may hold 80 characters.
  const runId = `arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:${'r'.repeat(80)}:${'e'.repeat(80)}`;
  const window = {
    from: '2026-11-23T03:00:00.000Z',
    to: '2026-11-23T05:00:00.000Z',
  };

  it('posts the offer with its buttons and confirmation within the limits', async () => {
    // Act
    const answers = await Promise.all(
      (['approve', 'auto', 'off'] as const).map((policy) =>
        post(
          recoveryOfferMessage(
            {
              runId,
              fileSystemId: 'fs-0123456789abcdef0',
              window,
              events: 12_345_678,
              droppedRecords: 9_876_543,
              unsupported: 12,
              policy,
              dryRun: false,
            },
            '#incidents',
            undefined,
            {
              approvers: Array.from({ length: 40 }, (_, i) => `U0APPROVER${i}`),
            },
          ),
        ),
      ),
    );

    // Assess
    expect(answers).toEqual(['ok', 'ok', 'ok']);
  });

  it('edits the progress message to its final form within the limits', async () => {
    // Prepare
    const p = port();
    const counters = {
      listed: 10_000_000,
      inWindow: 9_000_000,
      queued: 8_999_000,
      skipped: 1_000,
      failed: 12,
      unsupported: 3,
      batches: 20_000,
    };
    const running = recoveryProgressMessage(
      {
        runId,
        fileSystemId: 'fs-0123456789abcdef0',
        window,
        phase: 'replay',
        counters,
        keysPerSecond: 1234.5,
      },
      '#incidents',
    );
    const posted = await p.postMessage({ ...running, channel: '#incidents' });

    // Act
    const final = recoveryProgressMessage(
      {
        runId,
        fileSystemId: 'fs-0123456789abcdef0',
        window,
        phase: 'replay',
        counters,
        final: {
          status: 'partial',
          before: { traces: 1_000, observations: 5_000 },
          after: { traces: 1_900, observations: 9_000 },
          countError: 'x'.repeat(3000),
          failedKeysAt: `s3://burstguard-own/recoveries/${'k'.repeat(900)}`,
        },
      },
      posted.channel,
    );
    const edited = await p
      .updateMessage?.({
        channel: posted.channel,
        ts: posted.ts,
        text: final.text,
        blocks: final.blocks,
      })
      .then(
        () => 'ok',
        (e: Error) => e.message,
      );

    // Assess
    expect(edited).toBe('ok');
  });
});

describe('every message of every scenario', () => {
  /** Approvers enough to fill the card's first section past its limit. */
  const MANY_APPROVERS = Array.from(
    { length: 300 },
    (_, i) => `U0${String(i).padStart(9, '0')}`,
  );
  const LONG_GROUPS = Array.from(
    { length: 20 },
    (_, i) => `/ecs/langfuse-worker-${'x'.repeat(200)}-${i}`,
  );

  /**
   * The ports of a whole run of `name` under `policy`, with many approvers
   * and long log groups, and the given approver.
   */
  function scenarioPorts(
    name: (typeof SCENARIOS)[number],
    policy: 'off' | 'approve' | 'auto',
    approver: LocalPorts['approver'],
  ) {
    const recording = simulateScenario(name, { end: SCENARIO_END });
    const ports: LocalPorts = {
      ...recordedRunPorts(recording, { policy, slack: port() }),
      approver,
    };
    ports.config = {
      ...ports.config,
      approvers: MANY_APPROVERS,
      fileSystems: ports.config.fileSystems.map((f) => ({
        ...f,
        insightsLogGroups: LONG_GROUPS,
      })),
    };
    return { recording, ports };
  }

  /** Every chat.postMessage and chat.update since `from`. */
  function sent(from: number) {
    const calls = slack.calls.slice(from);
    return {
      posts: calls.filter((c) => c.method === 'chat.postMessage'),
      updates: calls.filter((c) => c.method === 'chat.update'),
    };
  }

  /** The root status edits the run reported as failed. */
  function rootErrors(events: RunEvent[]): unknown[] {
    return events.flatMap((e) => {
      if (e.type !== 'exited') return [];
      const out = e.output as Record<string, unknown> | undefined;
      return out?.rootError === undefined ? [] : [out.rootError];
    });
  }

  it.each(
    SCENARIOS.flatMap((name) =>
      (['off', 'approve', 'auto'] as const).map(
        (policy) => [name, policy] as const,
      ),
    ),
  )('posts only what Slack takes: %s under %s', async (name, policy) => {
    // Prepare: the whole run, an approver who approves.
    const { recording, ports } = scenarioPorts(name, policy, async () => ({
      approved: true,
      by: 'U0LOCAL',
    }));
    let diagnosed: Parameters<typeof findingMessage>[0] | undefined;
    const events: RunEvent[] = [];
    const from = slack.calls.length;

    // Act
    await runLocal({ fileSystemId: recording.meta.fileSystemId }, ports, {
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'exited' && e.state === 'Diagnose') {
          diagnosed = e.output as typeof diagnosed;
        }
      },
    });

    // Assess: each post and each edit as Slack checks it (blocks inside
    // attachments too), and the card Slack would get whatever the decision
    // was.
    const { posts, updates } = sent(from);
    expect(posts.length).toBeGreaterThan(0);
    for (const call of posts) expect(slackRefusal(call.body)).toBeUndefined();
    for (const call of updates) {
      expect(slackRefusal(call.body)).toBeUndefined();
    }
    expect(rootErrors(events)).toEqual([]);
    expect(diagnosed).toBeDefined();
    const state = diagnosed as NonNullable<typeof diagnosed>;
    const ctx = { approvers: MANY_APPROVERS, logGroups: LONG_GROUPS };
    for (const message of [
      findingMessage(state, 'C0', '1.2', ctx),
      approvalMessage(state, 'C0', '1.2', ctx),
    ]) {
      expect(message.blocks.length).toBeLessThanOrEqual(
        SLACK_LIMITS.blocksPerMessage,
      );
      expect(slackRefusal({ ...message })).toBeUndefined();
    }
  });

  it.each(SCENARIOS)(
    'posts only what Slack takes when nobody answers: %s under approve',
    async (name) => {
      // Prepare: an approver who never answers ("no answer this round"),
      // so every round ends in a reminder and the last in the expiry.
      const { recording, ports } = scenarioPorts(
        name,
        'approve',
        async () => undefined,
      );
      const events: RunEvent[] = [];
      const from = slack.calls.length;

      // Act
      await runLocal({ fileSystemId: recording.meta.fileSystemId }, ports, {
        onEvent: (e) => events.push(e),
      });

      // Assess: every message and every status line edit of the run as
      // Slack checks it, and Slack took each edit.
      const { posts, updates } = sent(from);
      expect(posts.length).toBeGreaterThan(0);
      for (const call of [...posts, ...updates]) {
        expect(slackRefusal(call.body)).toBeUndefined();
      }
      expect(rootErrors(events)).toEqual([]);
      const reminders = events.filter(
        (e) => e.type === 'exited' && e.state === 'EscalateApproval',
      );
      if (reminders.length > 0) {
        // A scenario that asks for approval: it ran out every round, so
        // the reminders, the expiry and the status lines all went through
        // the double.
        expect(events).toContainEqual(
          expect.objectContaining({
            type: 'entered',
            state: 'ApprovalExpired',
          }),
        );
        expect(updates.length).toBeGreaterThan(0);
        expect(posts.length).toBeGreaterThan(reminders.length);
      }
    },
  );
});

/**
 * Hostile text in every Slack message burstguard builds. Slack reads `&`,
 * `<` and `>` as control characters in mrkdwn (`<!channel>`, `<!here>`,
 * `<https://…|text>`, `<@U…>`, `<#C…>`) and wants them sent as `&amp;`,
 * `&lt;`, `&gt;` (Slack API docs, "Formatting text for app surfaces",
 * escaping: https://docs.slack.dev/messaging/formatting-message-text).
 * The message `text` of chat.postMessage is parsed the same way unless
 * `mrkdwn: false` (docs.slack.dev, chat.postMessage, argument `mrkdwn`:
 * "Enabled by default"); plain_text objects are not parsed for markup
 * (Block Kit reference, "Text object": markup "when type is mrkdwn").
 *
 * The builders are read from the module's exports: a new export without a
 * hostile case here fails the first test.
 */
import { describe, expect, it } from 'vitest';
import { renderMessage } from '../../local/terminal-render.ts';
import type {
  AfterDiagnose,
  AfterRemediate,
  SlackMessage,
} from '../../shared/domain/contracts.ts';
import * as blocks from '../../shared/domain/messages/blocks.ts';
import {
  escapeMrkdwn,
  Mrkdwn,
  md,
  mention,
} from '../../shared/domain/messages/mrkdwn.ts';
import * as recovery from '../../shared/domain/messages/recovery.ts';
import type { ApprovalDecision } from '../../shared/domain/slack/interaction.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { afterDiagnose } from '../fixtures/states.ts';
import { textFields, withoutOwnSequences } from '../support/slack-text.ts';

/** What an attacker puts in an EFS Name tag, a database name, an error. */
const HOSTILE = [
  '<!channel> <https://evil.example/approve|Approve here>',
  '<!here>',
  '<@U0ATTACKER> <#C0GENERAL> <!subteam^S0ONCALL> <!everyone>',
  'a & b <mailto:x@evil.example|mail> >quote',
] as const;
const ALL = HOSTILE.join(' ');
/** Control sequences Slack acts on: none may come from the input. */
const CONTROL = /<[!@#]|<https?:|<mailto:/;

/** The approvers and group the configuration names (trusted ids). */
const CONFIGURED = { users: ['U0APPROVER1'], groups: ['S0ONCALLGROUP'] };

/** What is left of a text once the sequences burstguard writes are gone. */
const fromInput = (text: string) => withoutOwnSequences(text, CONFIGURED);

function hostileDiagnose(): AfterDiagnose {
  const base = afterDiagnose();
  return {
    ...base,
    trigger: {
      ...base.trigger,
      alarmName: `burstguard ${HOSTILE[0]}`,
      alarmReason: `Threshold Crossed ${HOSTILE[1]}`,
      note: `started by ${HOSTILE[2]}`,
    },
    incident: {
      ...base.incident,
      incidentId: `${FS_ID}/2026-11-23T03:12:48.554Z/${HOSTILE[1]}`,
      alarmNames: [HOSTILE[0], HOSTILE[1]],
    },
    gathered: [
      {
        source: 'efs',
        available: true,
        periodSeconds: 60,
        fileSystem: {
          fileSystemId: FS_ID,
          name: HOSTILE[0],
          throughputMode: 'bursting',
          performanceMode: 'generalPurpose',
          lifeCycleState: 'available',
          sizeBytes: 3.6 * 2 ** 30,
          sizeStandardBytes: 3.6 * 2 ** 30,
          tags: { Name: HOSTILE[0], team: HOSTILE[3] },
        },
        metrics: {},
        missing: [],
      } as AfterDiagnose['gathered'][number],
      base.gathered[1] as AfterDiagnose['gathered'][number],
      {
        source: 'clickhouse',
        available: false,
        reason: `ClickHouse error 60: Table ${HOSTILE[1]}.traces does not exist`,
      },
    ],
    result: {
      ...base.result,
      diagnosis: {
        ...base.result.diagnosis,
        headline: `database ${HOSTILE[1]} table ${HOSTILE[0]} partition ${HOSTILE[2]}`,
        findings: [
          `1,400 parts in ${HOSTILE[1]}.traces partition ${HOSTILE[0]}`,
          HOSTILE[3],
        ],
        ranked: base.result.diagnosis.ranked.map((h) => ({
          ...h,
          evidenceAgainst: [`against ${HOSTILE[2]}`],
        })),
        gaps: [`ClickHouse: ${HOSTILE[0]}`],
      },
      recommendation: {
        ...base.result.recommendation,
        summary: `switch ${HOSTILE[0]} to Elastic`,
        costs: [
          { mode: 'elastic', monthlyUsd: 41.3, basis: HOSTILE[2] },
          { mode: 'bursting', monthlyUsd: 1.08, basis: HOSTILE[3] },
        ],
        caveats: [HOSTILE[0]],
        priceTable: HOSTILE[1],
      },
      decision: { next: 'request-approval', reason: `policy ${HOSTILE[0]}` },
    },
  };
}

function hostileRemediate(): AfterRemediate {
  const state = hostileDiagnose();
  return {
    ...state,
    notification: { delivered: true, channel: 'C0INCIDENT', messages: [] },
    approval: { approved: true, by: HOSTILE[2] },
    remediation: {
      action: 'switch-to-elastic',
      status: 'failed',
      reason: `UpdateFileSystem failed: ${HOSTILE[0]}`,
      call: { FileSystemId: FS_ID, ThroughputMode: 'elastic' },
      retryAfter: '2026-11-24T03:12:48.554Z',
      lockedBy: 'efs',
      approvedBy: `U0APPROVER> ${HOSTILE[0]} <@U0OTHER`,
    },
    verification: {
      verdict: 'not-working',
      summary: `still pinned ${HOSTILE[1]}`,
      checkedAt: '2026-11-23T03:22:48.554Z',
      throughputMode: HOSTILE[2],
      minutesSinceChange: 10,
      utilizationBeforePercent: 100,
      utilizationAfterPercent: 99,
      langfuseErrorsBefore: 1,
      langfuseErrorsAfter: 1,
    },
  };
}

const decision: ApprovalDecision = {
  approved: true,
  incidentId: `${FS_ID}/x`,
  fileSystemId: FS_ID,
  userId: `U0APPROVER> ${HOSTILE[0]}`,
  userName: HOSTILE[1],
  channelId: 'C0INCIDENT',
  messageTs: '1.2',
};

type Built = SlackMessage | { text: string; blocks: unknown[] } | string;

/** One hostile call per export of the blocks module. */
const CASES: Record<keyof typeof blocks, () => Built[]> = {
  verdictTitle: () => [blocks.verdictTitle('efs-burst-credits-exhausted')],
  triggerLinksBlock: () => [
    {
      text: '',
      blocks: [
        blocks.triggerLinksBlock(hostileDiagnose().trigger, {
          logGroups: [`/ecs/langfuse-worker ${ALL}`],
          executionArn: `arn:aws:states:us-east-1:1:execution:m:${ALL}`,
        }),
      ],
    },
  ],
  findingMessage: () => {
    const state = hostileDiagnose();
    const manual = {
      ...state,
      trigger: { ...state.trigger, kind: 'manual' as const },
    };
    return [
      blocks.findingMessage(state, 'C0INCIDENT'),
      blocks.findingMessage(manual, 'C0INCIDENT', '1.2'),
    ];
  },
  approvalMessage: () => [
    blocks.approvalMessage(hostileDiagnose(), 'C0'),
    // Configured approvers are mentioned; an id that is not one is text.
    blocks.approvalMessage(hostileDiagnose(), 'C0', '1.2', {
      approvers: ['U0APPROVER1', HOSTILE[2]],
      logGroups: [`/ecs/langfuse-worker ${ALL}`],
      executionArn: `arn:aws:states:us-east-1:1:execution:m:${ALL}`,
    }),
    blocks.approvalMessage(hostileDiagnose(), 'C0', '1.2', {
      approverGroupId: 'S0ONCALLGROUP',
    }),
    blocks.approvalMessage(hostileDiagnose(), 'C0', '1.2', {
      approverGroupId: HOSTILE[2],
    }),
  ],
  outcomeMessage: () => {
    const state = hostileRemediate();
    const locked = {
      ...state,
      remediation: { ...state.remediation, lockedBy: 'burstguard' as const },
      verification: undefined,
    };
    const verifyFailed = {
      ...state,
      verification: undefined,
      verifyError: { Error: 'Error', Cause: `DescribeFileSystems ${ALL}` },
    };
    return [
      blocks.outcomeMessage(state, 'C0', '1.2'),
      blocks.outcomeMessage(locked, 'C0'),
      blocks.outcomeMessage(verifyFailed, 'C0'),
    ];
  },
  failureMessage: () => {
    const state = hostileRemediate();
    const failed = {
      trigger: state.trigger,
      incident: state.incident,
      failure: {
        Error: 'Error',
        Cause: JSON.stringify({ errorMessage: `lock write failed ${ALL}` }),
      },
      failedState: 'Remediate',
    };
    return [
      blocks.failureMessage(
        { ...failed, remediation: state.remediation },
        'C0',
        '1.2',
        undefined,
      ),
      blocks.failureMessage(failed, 'C0', '1.2', {
        kind: 'claimed',
        at: '2026-11-23T03:12:48.554Z',
      }),
      blocks.failureMessage(failed, 'C0', undefined, {
        kind: 'unreadable',
        error: `DynamoDB ${ALL}`,
      }),
      blocks.failureMessage(
        { ...failed, failure: { Error: `States.${HOSTILE[1]}` } },
        'C0',
        undefined,
        { kind: 'not-claimed' },
      ),
    ];
  },
  resolvedMessage: () => {
    const state = hostileDiagnose();
    return [
      blocks.resolvedMessage(
        state.trigger,
        state.incident.openedAt,
        'C0',
        '1.2',
        { alarmNames: [...HOSTILE], quietSeconds: 900 },
      ),
      blocks.resolvedMessage(state.trigger, state.incident.openedAt, 'C0'),
    ];
  },
  answeredCard: () => [
    blocks.answeredCard(decision, '2026-11-23T03:20:00.000Z'),
    blocks.answeredCard(
      { ...decision, approved: false, userId: HOSTILE[1] },
      '2026-11-23T03:20:00.000Z',
    ),
    // The incident id comes from the button value, which only this code
    // writes; escaped all the same.
    blocks.answeredCard(
      { ...decision, incidentId: `${FS_ID}/x/${ALL}` },
      '2026-11-23T03:20:00.000Z',
    ),
  ],
  joinedMessage: () => {
    const { trigger } = hostileDiagnose();
    return [
      blocks.joinedMessage(trigger, 'C0', '1.2'),
      blocks.joinedMessage(
        { ...trigger, kind: 'manual', note: `by ${ALL}` },
        'C0',
        '1.2',
      ),
    ];
  },
  checkFailedMessage: () => [
    blocks.checkFailedMessage(
      hostileDiagnose().trigger,
      hostileDiagnose().incident.incidentId,
      'C0',
      '1.2',
      `ThrottlingException: ${ALL}`,
    ),
  ],
  chartFailedMessage: () => [
    blocks.chartFailedMessage('C0', '1.2', `GetMetricWidgetImage: ${ALL}`),
  ],
  sweptResolvedMessage: () => [
    blocks.sweptResolvedMessage(
      {
        fileSystemId: FS_ID,
        openedAt: '2026-11-23T03:12:48.554Z',
        alarmNames: [...HOSTILE],
      },
      '2026-11-23T05:12:48.554Z',
      15,
      'C0',
      '1.2',
    ),
    blocks.sweptResolvedMessage(
      {
        fileSystemId: FS_ID,
        openedAt: '2026-11-23T03:12:48.554Z',
        alarmNames: [HOSTILE[0]],
      },
      '2026-11-23T05:12:48.554Z',
      15,
      'C0',
    ),
  ],
  preflightMessage: () => [
    blocks.preflightMessage(
      HOSTILE.map((message) => ({ message })),
      { lookbackMinutes: 180, horizonMinutes: 360 },
      'C0',
    ),
  ],
};

/**
 * Every `text` string anywhere in a message (the fallback, each block and
 * element), or the string a builder returns. Button values are not text:
 * Slack sends them back and shows them to nobody.
 */
function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return textFields(value);
}

describe('Slack messages with hostile text', () => {
  it('has a hostile case for every export of the blocks module', () => {
    const exported = Object.keys(blocks).sort();

    expect(Object.keys(CASES).sort()).toEqual(exported);
  });

  it.each(Object.keys(CASES) as (keyof typeof blocks)[])(
    'lets no control sequence of the input through %s',
    (name) => {
      // Act
      const built = CASES[name]();

      // Assess
      const all = built.flatMap(texts);
      expect(all.length).toBeGreaterThan(0);
      for (const text of all) {
        expect(fromInput(text)).not.toMatch(CONTROL);
        // Every & starts an entity: no raw & that Slack could misread.
        expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
      }
    },
  );

  it('keeps the escaped text readable in every message', () => {
    // Act
    const finding = blocks.findingMessage(hostileDiagnose(), 'C0');
    const outcome = blocks.outcomeMessage(hostileRemediate(), 'C0');
    const shown = [finding, outcome]
      .map((m) => renderMessage(m, { color: false }))
      .join('\n');

    // Assess: Slack decodes the entities; the terminal does the same.
    expect(finding.text).toContain(`(${escapeMrkdwn(HOSTILE[0])})`);
    expect(shown).toContain(HOSTILE[0]);
    expect(shown).toContain(`database ${HOSTILE[1]} table`);
    expect(shown).toContain('a & b');
  });

  it('keeps the approval card buttons as plain_text labels', () => {
    // The approval card keeps its real buttons and its plain_text labels.
    const card = blocks.approvalMessage(hostileDiagnose(), 'C0');
    const actions = card.blocks.find((b) => b.type === 'actions') as {
      elements: { text: { type: string; text: string } }[];
    };

    expect(actions.elements.map((e) => e.text)).toEqual([
      { type: 'plain_text', text: 'Approve: switch to Elastic' },
      { type: 'plain_text', text: 'Decline' },
    ]);
    expect(JSON.stringify(card)).not.toContain(ALL);
  });
});

const RECOVERY_WINDOW = {
  from: '2026-11-23T03:00:00.000Z',
  to: `2026-11-23T05:00:00.000Z ${HOSTILE[0]}`,
};
const hostileOffer = (policy: 'off' | 'approve' | 'auto', dryRun = false) => ({
  runId: `arn:aws:states:us-east-1:1:execution:recovery:${HOSTILE[2]}`,
  fileSystemId: `${FS_ID} ${HOSTILE[1]}`,
  window: RECOVERY_WINDOW,
  events: 1200,
  droppedRecords: 900,
  unsupported: 3,
  policy,
  dryRun,
});
const hostileProgress = (final: boolean) => ({
  runId: `arn:aws:states:us-east-1:1:execution:recovery:${HOSTILE[2]}`,
  fileSystemId: `${FS_ID} ${HOSTILE[1]}`,
  window: RECOVERY_WINDOW,
  phase: 'replay' as const,
  counters: {
    listed: 10,
    inWindow: 8,
    queued: 7,
    skipped: 1,
    failed: 1,
    unsupported: 1,
    batches: 1,
  },
  keysPerSecond: 12.5,
  ...(final
    ? {
        final: {
          status: 'partial' as const,
          before: { traces: 1, observations: 2 },
          after: null,
          countError: `ClickHouse: ${ALL}`,
          failedKeysAt: `s3://own/recoveries/${HOSTILE[3]}`,
        },
      }
    : {}),
});

/** One hostile call per function of the recovery messages module. */
const RECOVERY_CASES: Record<string, () => Built[]> = {
  recoveryOfferMessage: () => [
    recovery.recoveryOfferMessage(hostileOffer('approve'), 'C0', '1.2', {
      approvers: ['U0APPROVER1'],
    }),
    recovery.recoveryOfferMessage(hostileOffer('auto'), 'C0'),
    recovery.recoveryOfferMessage(hostileOffer('off'), 'C0'),
    recovery.recoveryOfferMessage(hostileOffer('approve', true), 'C0'),
  ],
  recoveryProgressMessage: () => [
    recovery.recoveryProgressMessage(hostileProgress(false), 'C0', '1.2'),
    recovery.recoveryProgressMessage(hostileProgress(true), 'C0', '1.2'),
  ],
  recoveryAnsweredCard: () => [
    recovery.recoveryAnsweredCard(
      { ...decision, subject: 'recovery', fileSystemId: `${FS_ID} ${ALL}` },
      '2026-11-23T05:12:48.554Z',
    ),
  ],
};

describe('recovery messages with hostile text', () => {
  it('has a hostile case for every builder of the recovery module', () => {
    const builders = Object.entries(recovery)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name)
      .sort();

    expect(Object.keys(RECOVERY_CASES).sort()).toEqual(builders);
  });

  it.each(Object.keys(RECOVERY_CASES))(
    'lets no control sequence of the input through %s',
    (name) => {
      // Act
      const built = RECOVERY_CASES[name]?.() ?? [];

      // Assess
      const all = built.flatMap(texts);
      expect(all.length).toBeGreaterThan(0);
      for (const text of all) {
        expect(fromInput(text)).not.toMatch(CONTROL);
        expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
      }
    },
  );

  it('shows the arrow of records before -> after escaped and readable', () => {
    // Act
    const message = recovery.recoveryProgressMessage(
      hostileProgress(true),
      'C0',
    );
    const shown = renderMessage(message, { color: false });

    // Assess
    expect(JSON.stringify(message.blocks)).toContain('1 -&gt;');
    expect(shown).toContain('3 -> unknown');
  });
});

describe('long hostile text', () => {
  it('is cut within Slack section limits, never inside an entity', () => {
    // Prepare: 3,000 characters of '<' become 12,000 of '&lt;'.
    const state = hostileDiagnose();
    const long = {
      ...state,
      result: {
        ...state.result,
        diagnosis: { ...state.result.diagnosis, headline: '<'.repeat(3000) },
      },
    };

    // Act
    const message = blocks.findingMessage(long, 'C0');

    // Assess: Slack caps section text at 3,000 characters.
    for (const text of texts(message)) {
      expect(text.length).toBeLessThanOrEqual(3000);
      expect(text).not.toMatch(/&[a-z]{0,3}…$/);
      expect(fromInput(text)).not.toMatch(CONTROL);
    }
    expect(message.text.endsWith('&lt;…')).toBe(true);
  });
});

describe('md', () => {
  it('escapes values and keeps the literal parts', () => {
    const name = '<!channel> & <https://evil.example|x>';

    const text = md`*Name:* ${name} \`${3}\``.toString();

    expect(text).toBe(
      '*Name:* &lt;!channel&gt; &amp; &lt;https://evil.example|x&gt; `3`',
    );
  });

  it('does not escape Mrkdwn twice', () => {
    const inner = md`a ${'<b>'}`;

    expect(md`(${inner})`.toString()).toBe('(a &lt;b&gt;)');
  });

  it('mentions a Slack user id and nobody for anything else', () => {
    expect(mention('U0123ABCD').toString()).toBe('<@U0123ABCD>');
    expect(mention('W0123ABCD').toString()).toBe('<@W0123ABCD>');
    expect(mention('U0>|<!channel').toString()).toBe('U0&gt;|&lt;!channel');
    expect(mention('u0123abcd').toString()).toBe('u0123abcd');
  });

  it('refuses to make Mrkdwn outside the module', () => {
    const Unchecked = Mrkdwn as unknown as new (
      token: symbol,
      text: string,
    ) => Mrkdwn;

    expect(() => new Unchecked(Symbol('mrkdwn'), '<!channel>')).toThrow(
      TypeError,
    );
  });
});

/**
 * The recovery's messages: the offer with its own buttons, the dry run,
 * the progress message and its final form.
 */
import { describe, expect, it } from 'vitest';
import { renderMessage } from '../../local/terminal-render.ts';
import {
  RECOVERY_WORDS,
  recoveryAnsweredCard,
  recoveryOfferMessage,
  recoveryProgressMessage,
} from '../../shared/domain/messages/recovery.ts';
import { zeroCounters } from '../../shared/domain/recovery/store.ts';
import { parseApprovalInteraction } from '../../shared/domain/slack/interaction.ts';

const RUN = 'arn:aws:states:us-east-1:123456789012:execution:recovery:r-1';
const FS = 'fs-0123456789abcdef0';
const WINDOW = {
  from: '2026-11-23T03:00:00.000Z',
  to: '2026-11-23T05:00:00.000Z',
};
const offer = {
  runId: RUN,
  fileSystemId: FS,
  window: WINDOW,
  events: 1_234,
  droppedRecords: 7_099,
  policy: 'approve' as const,
  dryRun: false,
};
const shown = (m: Parameters<typeof renderMessage>[0]) =>
  renderMessage(m, { color: false });

type Button = {
  action_id: string;
  value: string;
  confirm?: { title: { text: string } };
};

function buttonsOf(blocks: readonly Record<string, unknown>[]): Button[] {
  const actions = blocks.find((b) => b.type === 'actions') as
    | { elements: Button[] }
    | undefined;
  return actions?.elements ?? [];
}

describe('recoveryOfferMessage', () => {
  it('offers to recover N dropped records by replaying M events of the window', () => {
    // Act
    const message = recoveryOfferMessage(offer, 'C1', '1.2', {
      approvers: ['U0APPROVER1'],
    });

    // Assess
    expect(shown(message)).toContain(
      'Recover 7,099 dropped records: replay 1,234 events uploaded between 2026-11-23 03:00 UTC and 2026-11-23 05:00 UTC',
    );
    expect(message.threadTs).toBe('1.2');
    const buttons = buttonsOf(message.blocks);
    expect(buttons.map((b) => b.action_id)).toEqual([
      'recovery-approve',
      'recovery-decline',
    ]);
    expect(buttons[0]?.confirm?.title.text).toBe('Replay the dropped events?');
    expect(buttons[1]?.confirm).toBeUndefined();
    // As long as the offer task waits (APPROVAL_TIMEOUT_SECONDS, 1 h).
    expect(shown(message)).toContain('The offer expires in 60 min');
  });

  it('carries a value the interactions endpoint reads back as this run', () => {
    // Prepare
    const value = buttonsOf(recoveryOfferMessage(offer, 'C1').blocks)[0]?.value;
    const body = new URLSearchParams({
      payload: JSON.stringify({
        type: 'block_actions',
        user: { id: 'U0APPROVER1' },
        actions: [
          {
            action_id: 'recovery-approve',
            block_id: 'burstguard-recovery',
            value,
          },
        ],
      }),
    }).toString();

    // Act
    const parsed = parseApprovalInteraction({
      rawBody: body,
      approvers: ['U0APPROVER1'],
    });

    // Assess
    expect(parsed).toMatchObject({
      kind: 'decision',
      decision: {
        approved: true,
        subject: 'recovery',
        incidentId: RUN,
        fileSystemId: FS,
      },
    });
  });

  it('says a dry run only counted, with no buttons and the command to replay', () => {
    // Act
    const message = recoveryOfferMessage({ ...offer, dryRun: true }, 'C1');

    // Assess
    const text = shown(message);
    expect(buttonsOf(message.blocks)).toEqual([]);
    expect(text).toContain(RECOVERY_WORDS.dryRun);
    expect(text).toContain(
      `burstguard recover --file-system ${FS} --from ${WINDOW.from} --to ${WINDOW.to}`,
    );
  });

  it('names the dropped records generically when the count is unknown', () => {
    // Act
    const { droppedRecords: _, ...unknown } = offer;
    const message = recoveryOfferMessage({ ...unknown, policy: 'auto' }, 'C1');

    // Assess
    expect(shown(message)).toContain('Recover the dropped records: replay');
    expect(shown(message)).toContain('policy auto');
    expect(buttonsOf(message.blocks)).toEqual([]);
  });
});

/** The progress of this run, with the fields a test sets. */
function progress(
  over: Partial<Parameters<typeof recoveryProgressMessage>[0]>,
): Parameters<typeof recoveryProgressMessage>[0] {
  return {
    runId: RUN,
    fileSystemId: FS,
    window: WINDOW,
    phase: 'replay',
    counters: zeroCounters(),
    ...over,
  };
}

describe('recoveryProgressMessage', () => {
  const counters = {
    ...zeroCounters(),
    listed: 2_000,
    inWindow: 1_500,
    queued: 1_400,
    skipped: 100,
    failed: 0,
  };

  it('shows listed, queued, skipped, failed and the rate while replaying', () => {
    // Act
    const message = recoveryProgressMessage(
      progress({
        counters,
        keysPerSecond: 250,
      }),
      'C1',
    );

    // Assess
    expect(shown(message)).toContain(
      'listed 2,000 · queued 1,400 · skipped 100 · failed 0 · 250.0 keys/s',
    );
  });

  it('ends with records before -> after and the word recovered', () => {
    // Act
    const message = recoveryProgressMessage(
      progress({
        counters,
        final: {
          status: 'recovered',
          before: { traces: 100, observations: 400 },
          after: { traces: 180, observations: 720 },
        },
      }),
      'C1',
    );

    // Assess
    const text = shown(message);
    expect(text).toContain('recovered');
    expect(text).toContain(
      'Records in ClickHouse for the window: 500 -> 900 (traces 100 -> 180, observations 400 -> 720)',
    );
    expect(text).toContain('ReplacingMergeTree');
    expect(text).not.toContain('--resume');
  });

  it('says where failed keys went, and gives no resume to a partial run', () => {
    // Act
    const message = recoveryProgressMessage(
      progress({
        counters: { ...counters, failed: 3 },
        final: {
          status: 'partial',
          before: { traces: 100, observations: 400 },
          after: null,
          countError: 'ClickHouse unreachable',
          failedKeysAt: 's3://own/recoveries/r-1/failed/',
        },
      }),
      'C1',
    );

    // Assess
    const text = shown(message);
    expect(text).toContain('500 -> unknown');
    expect(text).toContain('(ClickHouse unreachable)');
    expect(text).toContain('s3://own/recoveries/r-1/failed/');
    // A partial run's execution succeeded: RedriveExecution restarts only
    // failed, aborted or timed-out executions (Step Functions API
    // reference, RedriveExecution), so no resume command is offered.
    expect(text).not.toContain('--resume');
    expect(text).not.toContain('recovered.');
  });

  it('tells a run that stopped at a Map Run to resume it, and a run that failed elsewhere to start again', () => {
    // Act
    const stopped = (resume: 'redrive' | 'restart') =>
      shown(
        recoveryProgressMessage(
          progress({
            final: {
              status: 'failed',
              before: null,
              after: null,
              error: 'execution failed: States.ExceedToleratedFailureThreshold',
              resume,
            },
          }),
          'C1',
        ),
      );

    // Assess
    expect(stopped('redrive')).toContain(`burstguard recover --resume ${RUN}`);
    expect(stopped('redrive')).toContain(
      'Stopped by: execution failed: States.ExceedToleratedFailureThreshold',
    );
    expect(stopped('restart')).not.toContain('--resume');
    expect(stopped('restart')).toMatch(
      /burstguard recover --file-system fs-\w+ --from \S+ --to \S+/,
    );
  });
});

describe('recoveryProgressMessage after a dry run', () => {
  it('gives the records before alone when nothing was replayed', () => {
    // Act
    const message = recoveryProgressMessage(
      {
        runId: RUN,
        fileSystemId: FS,
        window: WINDOW,
        phase: 'count',
        counters: { ...zeroCounters(), listed: 9, inWindow: 4 },
        final: {
          status: 'counted',
          before: { traces: 10, observations: 30 },
          after: null,
        },
      },
      'C1',
    );

    // Assess
    const text = shown(message);
    expect(text).toContain('Counted (dry run): nothing was replayed.');
    expect(text).toContain(
      'Records in ClickHouse for the window: 40 (traces 10, observations 30)',
    );
    expect(text).not.toContain('->');
  });
});

describe('recoveryAnsweredCard', () => {
  it('replaces the offer with who answered and no buttons', () => {
    // Act
    const card = recoveryAnsweredCard(
      {
        approved: false,
        subject: 'recovery',
        incidentId: RUN,
        fileSystemId: FS,
        userId: 'U0APPROVER1',
      },
      '2026-11-23T05:10:00.000Z',
    );

    // Assess
    expect(buttonsOf(card.blocks)).toEqual([]);
    expect(JSON.stringify(card.blocks)).toContain('nothing will be replayed');
    expect(card.text).toBe('Declined by <@U0APPROVER1>');
  });
});

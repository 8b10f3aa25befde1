/**
 * The progress messages (shared/domain/messages/progress.ts): hostile text
 * escaped wherever it reaches Slack, and Slack's size limits held. Slack
 * reads `&`, `<` and `>` as control characters in mrkdwn and wants them
 * sent as `&amp;`, `&lt;`, `&gt;` (docs.slack.dev, "Formatting text for app
 * surfaces"); a user is mentioned as `<@U…>`. The limits are Block Kit's
 * (test/support/slack-limits.ts); a status line travels in a secondary
 * attachment's `blocks` (Slack reference, secondary message attachments).
 */
import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../shared/domain/contracts.ts';
import { md } from '../../shared/domain/messages/mrkdwn.ts';
import {
  approvalExpiry,
  approvalRequestedStatus,
  approvalRounds,
  escalatedStatus,
  escalationMessage,
  expiredMessage,
  failedStatus,
  nextApprovalRound,
  outcomeStatus,
  resolvedStatus,
  rootStatus,
  switchingMessage,
  switchingStatus,
} from '../../shared/domain/messages/progress.ts';
import { FS_ID } from '../fixtures/alarm-events.ts';
import { afterSwitch } from '../fixtures/states.ts';
import { blockProblems } from '../support/slack-limits.ts';
import { textFields, withoutOwnSequences } from '../support/slack-text.ts';

const HOSTILE =
  '<!channel> <https://evil.example/approve|Approve here> <@U0ATTACKER> a & b';
/** Control sequences Slack acts on: none may come from the input. */
const CONTROL = /<[!@#]|<https?:|<mailto:/;
/** What is left once the sequences burstguard writes (links, the approver) go. */
const fromInput = (text: string) =>
  withoutOwnSequences(text, { users: ['U0APPROVER'] });
const AT = '2026-11-23T03:12:00.000Z';

function hostileSwitch() {
  const state = afterSwitch(FS_ID, new Date(AT));
  return {
    ...state,
    remediation: {
      ...state.remediation,
      reason: HOSTILE,
      approvedBy: HOSTILE,
      call: { FileSystemId: FS_ID, ThroughputMode: 'elastic' as const },
    },
  };
}

function messages(): SlackMessage[] {
  return [
    switchingMessage(hostileSwitch(), 'C0INCIDENT', '1.1'),
    escalationMessage({
      channel: 'C0INCIDENT',
      threadTs: '1.1',
      approvers: ['U0APPROVER', HOSTILE],
      fileSystemId: FS_ID,
      round: 2,
      waitedSeconds: 900,
      expiresAt: AT,
      paged: true,
    }),
    expiredMessage({
      channel: 'C0INCIDENT',
      threadTs: '1.1',
      fileSystemId: FS_ID,
      waitedSeconds: 3600,
      at: AT,
    }),
  ];
}

function statuses() {
  const { remediation } = hostileSwitch();
  return [
    approvalRequestedStatus({
      approvers: [HOSTILE],
      askedAt: AT,
      expiresAt: AT,
    }),
    escalatedStatus({ next: 'wait', round: 2, now: AT, expiresAt: AT }),
    escalatedStatus({ next: 'expired', round: 4, now: AT, expiresAt: AT }),
    switchingStatus(remediation),
    outcomeStatus({ ...remediation, status: 'refused' }, undefined),
    outcomeStatus(remediation, undefined),
    resolvedStatus(AT),
    failedStatus(HOSTILE, AT),
  ];
}

describe('the progress messages', () => {
  it('escape hostile text in every message and status line', () => {
    for (const message of [...messages(), ...statuses()]) {
      for (const text of textFields(message)) {
        expect(fromInput(text)).not.toMatch(CONTROL);
      }
    }
    expect(JSON.stringify(statuses())).toContain('&lt;!channel&gt;');
  });

  it('mention a real approver id and only that', () => {
    const [, reminder] = messages();
    expect(reminder?.text).toContain('<@U0APPROVER>');
    expect(reminder?.text).toContain('&lt;!channel&gt;');
  });

  it('hold Slack limits, the status line included', () => {
    for (const message of messages()) {
      expect(blockProblems(message.blocks)).toEqual([]);
    }
    const long = rootStatus('failed', md`${'x'.repeat(5_000)}`);
    expect(long.text.length).toBeLessThanOrEqual(300);
    for (const status of statuses()) {
      for (const attachment of status.attachments) {
        expect(blockProblems(attachment.blocks)).toEqual([]);
      }
    }
  });

  it('say who has no approver to mention', () => {
    const text = escalationMessage({
      channel: 'C0',
      threadTs: '1.1',
      approvers: [],
      fileSystemId: FS_ID,
      round: 2,
      waitedSeconds: 900,
      expiresAt: AT,
      paged: false,
    }).text;
    expect(text).toContain('no `approvers` are configured');
    expect(text).not.toContain('pager');
  });

  it('mention the user group the approval card mentioned, when one is set', () => {
    const input = {
      channel: 'C0',
      threadTs: '1.1',
      approvers: ['U0APPROVER'],
      approverGroupId: 'S0ONCALL',
      fileSystemId: FS_ID,
      round: 2,
      waitedSeconds: 900,
      expiresAt: AT,
      paged: false,
    };
    const reminder = escalationMessage(input).text;
    const status = JSON.stringify(
      approvalRequestedStatus({ ...input, askedAt: AT }),
    );
    expect(reminder).toContain('<!subteam^S0ONCALL>');
    expect(reminder).not.toContain('<@U0APPROVER>');
    expect(status).toContain('<!subteam^S0ONCALL>');
  });
});

describe('the approval rounds', () => {
  it('divide the hour into rounds of the configured length', () => {
    expect(approvalRounds(900)).toBe(4);
    expect(approvalRounds(1800)).toBe(2);
    expect(approvalRounds(3600)).toBe(1);
    // Every length the configuration lets through ends with the hour, as
    // the approval card says (test/shared/config.test.ts refuses the rest).
    for (const minutes of [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60]) {
      expect(approvalExpiry(AT, minutes * 60)).toBe('2026-11-23T04:12:00.000Z');
    }
  });

  it('open the next round until the last, then expire, all counting from the card', () => {
    const plan = (ended: number) =>
      nextApprovalRound({ ended, roundSeconds: 900, askedAt: AT });
    expect(plan(1)).toEqual({
      round: 2,
      next: 'wait',
      expiresAt: '2026-11-23T04:12:00.000Z',
    });
    expect(plan(3)).toMatchObject({ round: 4, next: 'wait' });
    expect(plan(4)).toEqual({
      round: 4,
      next: 'expired',
      expiresAt: '2026-11-23T04:12:00.000Z',
    });
  });
});

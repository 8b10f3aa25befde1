import { describe, expect, it } from 'vitest';
import {
  approvalTaskOutput,
  decodeApprovalValue,
  encodeApprovalValue,
  parseApprovalInteraction,
  SLACK_BUTTON_VALUE_MAX_CHARS,
} from '../../shared/domain/slack/interaction.ts';
import { FS_ID as FS } from '../fixtures/alarm-events.ts';
import {
  APPROVER,
  blockActions,
  formBody,
  INCIDENT,
} from '../fixtures/slack.ts';

const STRANGER = 'U0STRANGER';

/** Parses a click by the approver list [APPROVER], as the function does. */
function parseClickBody(rawBody: string) {
  return parseApprovalInteraction({ rawBody, approvers: [APPROVER] });
}

/** Parses a `block_actions` click shaped by `options`. */
function parseClick(options: Parameters<typeof blockActions>[0]) {
  return parseClickBody(formBody(blockActions(options)));
}

describe('parseApprovalInteraction', () => {
  it('returns an approval when an approver presses Approve', () => {
    // Act
    const result = parseClick({});

    // Assess
    expect(result).toEqual({
      kind: 'decision',
      decision: {
        approved: true,
        incidentId: INCIDENT,
        fileSystemId: FS,
        userId: APPROVER,
        userName: 'dana',
        channelId: 'C0ONCALL',
        messageTs: '1700000000.000200',
        responseUrl: 'https://hooks.slack.com/actions/T0TEAM/1/abc',
      },
    });
  });

  it('returns a refusal when an approver presses Decline', () => {
    // Act
    const result = parseClick({ actionId: 'decline' });

    // Assess
    expect(result.kind).toBe('decision');
    expect(result.kind === 'decision' && result.decision.approved).toBe(false);
  });

  it('forbids a user who is not on the approvers list', () => {
    // Act
    const result = parseClick({ userId: STRANGER });

    // Assess
    expect(result).toEqual({
      kind: 'forbidden',
      reason: `${STRANGER} is not on the approvers list`,
      userId: STRANGER,
      approved: true,
      incidentId: INCIDENT,
      fileSystemId: FS,
      // Where to tell them they may not answer.
      responseUrl: 'https://hooks.slack.com/actions/T0TEAM/1/abc',
    });
  });

  it('forbids a decline by someone who is not an approver', () => {
    // Act
    const result = parseApprovalInteraction({
      rawBody: formBody(
        blockActions({ userId: STRANGER, actionId: 'decline' }),
      ),
      approvers: [APPROVER],
    });

    // Assess
    expect(result.kind).toBe('forbidden');
  });

  it('forbids everyone when the approvers list is empty', () => {
    // Act
    const result = parseApprovalInteraction({
      rawBody: formBody(blockActions({})),
      approvers: [],
    });

    // Assess
    expect(result.kind).toBe('forbidden');
  });

  it('reads the button value the approval card puts there today', () => {
    // Prepare
    const value = JSON.stringify({ incidentId: INCIDENT });

    // Act
    const result = parseClick({ value });

    // Assess
    expect(result).toMatchObject({
      kind: 'decision',
      decision: { incidentId: INCIDENT, fileSystemId: FS },
    });
  });

  it('ignores other interaction types', () => {
    // Act
    const result = parseClick({ type: 'view_submission' });

    // Assess
    expect(result).toEqual({
      kind: 'ignored',
      reason: 'interaction type view_submission',
    });
  });

  it('ignores buttons that are not Approve or Decline', () => {
    // Act
    const result = parseClick({ actionId: 'open-dashboard' });

    // Assess
    expect(result).toEqual({
      kind: 'ignored',
      reason: 'action open-dashboard is not an approval button',
    });
  });

  it('ignores an approve button outside the approval card', () => {
    // Act
    const result = parseClick({ blockId: 'someone-elses-block' });

    // Assess
    expect(result.kind).toBe('ignored');
  });

  it.each([
    ['a body without payload', 'text=hello'],
    ['a payload that is not JSON', 'payload=%7Bnot-json'],
    ['a payload without a user', formBody({ type: 'block_actions' })],
    ['an empty body', ''],
  ])('calls %s invalid', (_, rawBody) => {
    // Act
    const result = parseClickBody(rawBody);

    // Assess
    expect(result.kind).toBe('invalid');
  });

  it.each([
    ['not JSON', 'approve-it'],
    ['without an incident id', JSON.stringify({ fileSystemId: FS })],
    ['with a bad file system id', JSON.stringify({ incidentId: 'inc-1' })],
    [
      'with a malformed file system id',
      JSON.stringify({ incidentId: 'inc-1', fileSystemId: 'fs-XYZ' }),
    ],
  ])('calls a button value %s invalid', (_, value) => {
    // Act
    const result = parseClick({ value });

    // Assess
    expect(result).toEqual({
      kind: 'invalid',
      reason: 'approval button value is malformed',
    });
  });
});

describe('encodeApprovalValue', () => {
  it('round-trips through decodeApprovalValue', () => {
    // Prepare
    const value = { incidentId: 'inc-42', fileSystemId: FS };

    // Act
    const decoded = decodeApprovalValue(encodeApprovalValue(value));

    // Assess
    expect(decoded).toEqual(value);
  });

  it("refuses a value longer than Slack's button limit", () => {
    // Prepare
    const incidentId = 'x'.repeat(SLACK_BUTTON_VALUE_MAX_CHARS);

    // Act
    const encode = () => encodeApprovalValue({ incidentId, fileSystemId: FS });

    // Assess
    expect(encode).toThrow(RangeError);
  });
});

describe('approvalTaskOutput', () => {
  it('gives the approval shape the workflow stores at $.approval', () => {
    // Prepare
    const result = parseClick({ actionId: 'decline' });
    if (result.kind !== 'decision') throw new Error(result.kind);

    // Act
    const output = approvalTaskOutput(result.decision);

    // Assess
    expect(output).toEqual({ approved: false, by: APPROVER });
  });
});

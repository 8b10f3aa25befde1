/**
 * The messages that tell an incident's story while it happens: "switching
 * now" the moment EFS accepts the change, the reminders of an unanswered
 * approval and its expiry, and the status line of the thread's root
 * message, edited at each step so the channel view is current without
 * opening the thread.
 */

import type {
  AfterRemediate,
  Remediation,
  SlackMessage,
  Verification,
} from '../contracts.ts';
import { APPROVAL_TIMEOUT_SECONDS } from '../slack/interaction.ts';
import { triggerLinksBlock } from './blocks.ts';
import {
  clipMd,
  groupMention,
  joinMd,
  type Mrkdwn,
  md,
  mention,
} from './mrkdwn.ts';
import type { MessageContext } from './thread-context.ts';

type Block = Record<string, unknown>;

/** How long after a switch Verify looks again: long enough for metrics. */
export const VERIFY_AFTER_SECONDS = 600;

/**
 * How long one round of an approval request lasts when the configuration
 * does not say (`approvalEscalationMinutes`, 15 by default).
 */
export const DEFAULT_APPROVAL_ROUND_SECONDS = 15 * 60;

/** Status lines stay one short line in the channel view. */
const MAX_STATUS_CHARS = 300;
/** Slack caps section text at 3,000 characters. */
const MAX_SECTION_CHARS = 2900;

/** `03:12 UTC` of an ISO time (the date is the incident's, above). */
export function clockTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(11, 16)} UTC`;
}

function plus(iso: string, seconds: number): string {
  return new Date(Date.parse(iso) + seconds * 1000).toISOString();
}

function threaded(
  channel: string,
  threadTs: string | undefined,
  text: Mrkdwn,
): SlackMessage {
  const body = clipMd(text, MAX_SECTION_CHARS).toString();
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: body,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: body } }],
  };
}

/** The approvers as mentions, or what it means that there are none. */
function approverMentions(
  approvers: readonly string[],
  approverGroupId?: string,
): Mrkdwn {
  // The group the approval card mentioned, when one is configured.
  if (approverGroupId) return groupMention(approverGroupId);
  return approvers.length
    ? joinMd(approvers.map(mention), ' ')
    : md`nobody (no \`approvers\` are configured, so nobody can approve)`;
}

// ------------------------------------------------------- Approval rounds

/**
 * How many rounds an approval has: rounds of `roundSeconds` until the
 * request's hour is used up. The configuration lets only lengths that
 * divide the hour through, so the last round ends with the hour.
 */
export function approvalRounds(roundSeconds: number): number {
  return Math.max(1, Math.ceil(APPROVAL_TIMEOUT_SECONDS / roundSeconds));
}

/**
 * What happens when approval round `ended` of a request asked at `askedAt`
 * runs out unanswered: the next round, or the expiry after the last.
 */
export function nextApprovalRound(input: {
  ended: number;
  roundSeconds: number;
  askedAt: string;
}): { round: number; next: 'wait' | 'expired'; expiresAt: string } {
  const rounds = approvalRounds(input.roundSeconds);
  const expiresAt = approvalExpiry(input.askedAt, input.roundSeconds);
  return input.ended >= rounds
    ? { round: input.ended, next: 'expired', expiresAt }
    : { round: input.ended + 1, next: 'wait', expiresAt };
}

/** When a request made at `askedAt` expires, all its rounds unanswered. */
export function approvalExpiry(askedAt: string, roundSeconds: number): string {
  return plus(askedAt, approvalRounds(roundSeconds) * roundSeconds);
}

/**
 * The reminder of an unanswered approval: the approvers mentioned again,
 * what waits on them, and when the request expires.
 */
export function escalationMessage(input: {
  channel: string;
  threadTs: string | undefined;
  approvers: readonly string[];
  approverGroupId?: string | undefined;
  fileSystemId: string;
  round: number;
  waitedSeconds: number;
  expiresAt: string;
  paged: boolean;
}): SlackMessage {
  const minutes = Math.round(input.waitedSeconds / 60);
  const page = input.paged ? md` The on-call pager was called too.` : md``;
  return threaded(
    input.channel,
    input.threadTs,
    md`:rotating_light: *Approval still unanswered* after ${minutes} min (reminder ${input.round - 1}): ${approverMentions(input.approvers, input.approverGroupId)}, the approval card above waits for you. Nothing changes on ${input.fileSystemId} until someone answers. The request expires at ${clockTime(input.expiresAt)}.${page}`,
  );
}

/** The approval expired: said in the thread, with what it means. */
export function expiredMessage(input: {
  channel: string;
  threadTs: string | undefined;
  fileSystemId: string;
  waitedSeconds: number;
  at: string;
}): SlackMessage {
  const minutes = Math.round(input.waitedSeconds / 60);
  return threaded(
    input.channel,
    input.threadTs,
    md`:hourglass: *The approval request expired* at ${clockTime(input.at)}: nobody answered within ${minutes} min. Nothing was changed on ${input.fileSystemId}; the buttons above no longer act. Start a new run (\`burstguard start --file-system ${input.fileSystemId}\`) to ask again.`,
  );
}

// ------------------------------------------------------------- Switching

/**
 * "Switching now": EFS accepted UpdateFileSystem. Said at once, before the
 * wait for the new mode to show in the metrics.
 */
export function switchingMessage(
  state: AfterRemediate,
  channel: string,
  threadTs: string | undefined,
  ctx: MessageContext = {},
  verifyAfterSeconds: number = VERIFY_AFTER_SECONDS,
): SlackMessage {
  const { remediation } = state;
  const at = remediation.at ?? state.trigger.triggeredAt;
  const to = remediation.call?.ThroughputMode ?? 'the new mode';
  const efs = state.gathered.find((g) => g.source === 'efs');
  const from =
    efs && 'fileSystem' in efs
      ? md` from ${efs.fileSystem.throughputMode}`
      : md``;
  const by = remediation.approvedBy
    ? md`, approved by ${mention(remediation.approvedBy)}`
    : md``;
  const minutes = Math.round(verifyAfterSeconds / 60);
  const message = threaded(
    channel,
    threadTs,
    md`:arrows_counterclockwise: *Switching now:* EFS accepted the change of ${state.trigger.fileSystemId}${from} to ${to} throughput at ${clockTime(at)}${by}. The switch needs no downtime, and the mode may stay locked for 24 h. *Next:* in ${minutes} min (at ${clockTime(plus(at, verifyAfterSeconds))}) burstguard reads back the mode, the throughput utilization and Langfuse's errors, and says here whether it worked.`,
  );
  return {
    ...message,
    blocks: [
      ...(message.blocks ?? []),
      triggerLinksBlock(
        state.trigger,
        ctx,
        state.executionArn ?? ctx.executionArn,
      ),
    ],
  };
}

// ---------------------------------------------------- Root status line

/** The stages of an incident the root message's status line shows. */
export type RootStage =
  | 'approval-requested'
  | 'escalated'
  | 'expired'
  | 'switching'
  | 'outcome'
  | 'resolved'
  | 'failed';

/**
 * Attachment colors (Slack reference, secondary message attachments:
 * `color` is `good`, `warning`, `danger` or a hex code).
 */
const STAGE_COLOR: Record<RootStage, string> = {
  'approval-requested': 'warning',
  escalated: 'danger',
  expired: '#808080',
  switching: '#439FE0',
  outcome: '#439FE0',
  resolved: 'good',
  failed: 'danger',
};

/**
 * The root message's status line, as a chat.update edit: `text` and one
 * attachment holding a context block. The finding's own blocks are left
 * out, so Slack keeps them (chat.update: "If you don't include this field,
 * the message's previous blocks will be retained"); only the attachment,
 * sent each time, changes. This is what lets a run that never saw the
 * finding's blocks (the resolving run) edit the line too.
 */
export function rootStatus(
  stage: RootStage,
  line: Mrkdwn,
): { text: string; attachments: Record<string, unknown>[] } {
  const text = clipMd(md`Status: ${line}`, MAX_STATUS_CHARS).toString();
  const block: Block = {
    type: 'context',
    elements: [{ type: 'mrkdwn', text }],
  };
  return {
    text,
    attachments: [
      { color: STAGE_COLOR[stage], fallback: text, blocks: [block] },
    ],
  };
}

/** The status line once approval was asked. */
export function approvalRequestedStatus(input: {
  approvers: readonly string[];
  approverGroupId?: string | undefined;
  askedAt: string;
  expiresAt: string;
}) {
  return rootStatus(
    'approval-requested',
    md`:raised_hand: waiting for approval since ${clockTime(input.askedAt)} from ${approverMentions(input.approvers, input.approverGroupId)}; expires ${clockTime(input.expiresAt)}.`,
  );
}

/** The status line after a reminder, or once the request expired. */
export function escalatedStatus(input: {
  next: 'wait' | 'expired';
  round: number;
  now: string;
  expiresAt: string;
}) {
  return input.next === 'expired'
    ? rootStatus(
        'expired',
        md`:hourglass: approval expired at ${clockTime(input.now)}; nothing was changed.`,
      )
    : rootStatus(
        'escalated',
        md`:rotating_light: approval unanswered, reminder ${input.round - 1} sent at ${clockTime(input.now)}; expires ${clockTime(input.expiresAt)}.`,
      );
}

/** The status line while the switch takes effect. */
export function switchingStatus(
  remediation: Remediation,
  verifyAfterSeconds: number = VERIFY_AFTER_SECONDS,
) {
  const at = remediation.at;
  const to = remediation.call?.ThroughputMode ?? 'the new mode';
  return rootStatus(
    'switching',
    at
      ? md`:arrows_counterclockwise: switching to ${to} since ${clockTime(at)}; verification at ${clockTime(plus(at, verifyAfterSeconds))}.`
      : md`:arrows_counterclockwise: switching to ${to}; verification follows.`,
  );
}

const VERIFIED_WORDS: Record<Verification['verdict'], string> = {
  worked: 'verified: it worked',
  'not-yet': 'verified: no effect yet',
  'not-working': 'verified: it did not help',
  unknown: 'could not be verified',
};

/** The status line once the outcome is known. */
export function outcomeStatus(
  remediation: Remediation,
  verification: Verification | undefined,
) {
  const to = remediation.call?.ThroughputMode ?? 'the new mode';
  if (remediation.status === 'applied' || remediation.status === 'unknown') {
    const verified = verification
      ? VERIFIED_WORDS[verification.verdict]
      : VERIFIED_WORDS.unknown;
    const icon =
      verification?.verdict === 'worked' ? ':white_check_mark:' : ':warning:';
    return rootStatus('outcome', md`${icon} switched to ${to}; ${verified}.`);
  }
  return rootStatus(
    'outcome',
    md`:information_source: no change made (${remediation.status}: ${remediation.reason}).`,
  );
}

/** The status line of a resolved incident. */
export function resolvedStatus(at: string) {
  return rootStatus(
    'resolved',
    md`:large_green_circle: resolved at ${clockTime(at)}: every alarm of the incident stayed OK.`,
  );
}

/** The status line when a step failed. */
export function failedStatus(failedState: string, at: string) {
  return rootStatus(
    'failed',
    md`:x: step ${failedState} failed at ${clockTime(at)}; the thread says what is known.`,
  );
}

/** The root message of an incident's thread, when it was posted. */
export function rootOf(state: {
  notification?: { delivered: boolean; channel: string; threadTs?: string };
  incident?: { slackChannel?: string; slackThreadTs?: string };
}): { channel: string; ts: string } | undefined {
  const { notification, incident } = state;
  if (notification?.delivered && notification.threadTs) {
    return { channel: notification.channel, ts: notification.threadTs };
  }
  if (incident?.slackChannel && incident.slackThreadTs) {
    return { channel: incident.slackChannel, ts: incident.slackThreadTs };
  }
  return undefined;
}

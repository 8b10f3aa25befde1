/**
 * The recovery's Slack messages: the offer (Approve / Decline, or what a
 * dry run counted), the one progress message edited as batches finish,
 * its final form, and the offer once answered. Built from the run's
 * state; every value from outside goes in through `md`, escaped.
 */
import type { SlackMessage } from '../contracts.ts';
import type {
  RecordCounts,
  RecoveryStatus,
  RecoveryWindow,
} from '../recovery/contract.ts';
import type { RecoveryCounters, RecoveryPhase } from '../recovery/steps.ts';
import {
  APPROVAL_TIMEOUT_SECONDS,
  type ApprovalDecision,
  encodeRecoveryValue,
  RECOVERY_APPROVE_ACTION_ID,
  RECOVERY_BLOCK_ID,
  RECOVERY_DECLINE_ACTION_ID,
} from '../slack/interaction.ts';
import {
  approverMentions,
  type Block,
  CONFIRM_LIMITS,
  context,
  fallback,
  plainText,
  section,
} from './block-kit.ts';
import { joinMd, type Mrkdwn, md, mention, slackDate } from './mrkdwn.ts';
import { formatCount } from './numbers.ts';
import type { MessageContext } from './thread-context.ts';

/** What the offer says and asks. */
export type RecoveryOffer = {
  runId: string;
  fileSystemId: string;
  window: RecoveryWindow;
  /** Events the count pass found in the window (replayable keys). */
  events: number;
  /** Records Langfuse reported dropped, when the incident counted them. */
  droppedRecords?: number;
  /** Keys of a type Langfuse does not replay, found while counting. */
  unsupported?: number;
  /** `approve` asks with buttons; `auto` goes on; `off` stops. */
  policy: 'off' | 'approve' | 'auto';
  dryRun: boolean;
};

/** The Approve button's label and the dry run's one-line verdict. */
export const RECOVERY_WORDS = {
  approve: 'Approve: replay events',
  decline: 'Decline',
  dryRun: 'Dry run: counted only, nothing was replayed.',
} as const;

function records(droppedRecords: number | undefined): Mrkdwn {
  return droppedRecords === undefined
    ? md`the dropped records`
    : md`${formatCount(droppedRecords)} dropped records`;
}

/** "replay M events uploaded between T1 and T2". */
function replayWhat(offer: RecoveryOffer): Mrkdwn {
  return md`replay ${formatCount(offer.events)} events uploaded between ${slackDate(offer.window.from)} and ${slackDate(offer.window.to)}`;
}

function recoverCommand(offer: {
  fileSystemId: string;
  window: RecoveryWindow;
}): Mrkdwn {
  return md`\`burstguard recover --file-system ${offer.fileSystemId} --from ${offer.window.from} --to ${offer.window.to}\``;
}

/**
 * The Approve button's confirmation: what will be sent where, in plain
 * text (Block Kit reference, "Confirmation dialog object").
 */
function confirmDialog(offer: RecoveryOffer): Block {
  const text = `Langfuse's admin ingestion-replay API re-enqueues ${formatCount(offer.events)} stored events through Langfuse's ingestion queues. Events that did land are merged by id, so they are not doubled once ClickHouse merges.`;
  return {
    title: plainText('Replay the dropped events?', CONFIRM_LIMITS.title),
    text: plainText(text, CONFIRM_LIMITS.text),
    confirm: plainText('Replay', CONFIRM_LIMITS.button),
    deny: plainText('Cancel', CONFIRM_LIMITS.button),
    style: 'primary',
  };
}

/**
 * The offer: "Recover N dropped records: replay M events uploaded between
 * T1 and T2", with Approve / Decline under policy `approve`; under `auto`
 * it says the replay starts; under `off` or in a dry run, what was counted
 * and the command that replays it.
 */
export function recoveryOfferMessage(
  offer: RecoveryOffer,
  channel: string,
  threadTs?: string,
  ctx: MessageContext = {},
): SlackMessage {
  const headline = md`Recover ${records(offer.droppedRecords)}: ${replayWhat(offer)}`;
  const unsupported = offer.unsupported
    ? md`\n${formatCount(offer.unsupported)} stored keys are of a kind Langfuse does not replay; they are skipped and listed in the final report.`
    : md``;
  const blocks: Block[] = [];
  let text: Mrkdwn;
  if (offer.dryRun || offer.policy === 'off') {
    const why = offer.dryRun
      ? md`${RECOVERY_WORDS.dryRun}`
      : md`Recovery policy is off for ${offer.fileSystemId}: nothing was replayed.`;
    text = md`:mag: ${headline}. ${why}`;
    blocks.push(
      section(md`${text}${unsupported}`),
      context(md`To replay them: ${recoverCommand(offer)}`),
    );
  } else if (offer.policy === 'auto') {
    text = md`:arrows_counterclockwise: ${headline}. Replaying now (recovery policy auto).`;
    blocks.push(section(md`${text}${unsupported}`));
  } else {
    const who = approverMentions(ctx);
    text = md`${who ? md`${who}: ` : md``}*${headline}?*`;
    const value = encodeRecoveryValue({
      runId: offer.runId,
      fileSystemId: offer.fileSystemId,
    });
    blocks.push(
      section(
        md`${text}\nLangfuse re-reads each event from its S3 bucket; events that did reach ClickHouse merge by id.${unsupported}`,
      ),
      {
        type: 'actions',
        block_id: RECOVERY_BLOCK_ID,
        elements: [
          {
            type: 'button',
            action_id: RECOVERY_APPROVE_ACTION_ID,
            style: 'primary',
            text: plainText(RECOVERY_WORDS.approve, 75),
            value,
            confirm: confirmDialog(offer),
          },
          {
            type: 'button',
            action_id: RECOVERY_DECLINE_ACTION_ID,
            text: plainText(RECOVERY_WORDS.decline, 75),
            value,
          },
        ],
      },
      context(
        md`Only listed approvers can answer. The offer expires in ${formatCount(APPROVAL_TIMEOUT_SECONDS / 60)} min · ${offer.fileSystemId}`,
      ),
    );
  }
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: fallback(headline),
    blocks,
  };
}

/** Where a run stands, for the progress message. */
export type RecoveryProgress = {
  runId: string;
  fileSystemId: string;
  window: RecoveryWindow;
  phase: RecoveryPhase;
  counters: RecoveryCounters;
  /** Keys per second so far, when it can be rated. */
  keysPerSecond?: number;
  /** Present once the run is over. */
  final?: {
    status: RecoveryStatus;
    before: RecordCounts | null;
    after: RecordCounts | null;
    /** Why a count is missing (ClickHouse unreachable, say). */
    countError?: string;
    /** Where the failed keys were written. */
    failedKeysAt?: string;
    /** Keys of a type Langfuse does not replay: skipped and reported. */
    unsupported?: { keys: number; example?: string; at?: string };
    /** Why the run stopped (a step's error), for a failed run. */
    error?: string;
    /**
     * How a failed run goes on: a redrive where it stopped (a Map Run that
     * gave up), or a new recovery (a redrive would only re-enter the run's
     * Fail state).
     */
    resume?: 'redrive' | 'restart';
  };
};

const STATUS_LINE: Record<RecoveryStatus, string> = {
  counted: ':mag: Counted (dry run): nothing was replayed.',
  offered: ':hourglass_flowing_sand: Counted; waiting for an approver.',
  recovered: ':white_check_mark: Dropped records recovered.',
  partial: ':warning: Partly recovered: some keys failed.',
  failed: ':x: The replay stopped part way.',
  declined: ':no_entry_sign: Recovery declined: nothing was replayed.',
  expired: ':hourglass: The offer expired unanswered: nothing was replayed.',
  'nothing-to-replay': ':white_circle: No event in the window to replay.',
  'not-configured':
    ':white_circle: Recovery is not configured for this file system.',
};

function total(counts: RecordCounts): number {
  return counts.traces + counts.observations;
}

/** "records before -> after", with the split by table. */
function recordsLine(
  before: RecordCounts | null,
  after: RecordCounts | null,
  countError: string | undefined,
): Mrkdwn {
  const n = (c: RecordCounts | null, pick: (c: RecordCounts) => number) =>
    c ? formatCount(pick(c)) : 'unknown';
  const why = countError ? md` (${countError})` : md``;
  if (after === null && countError === undefined && before !== null) {
    // Nothing was replayed, so there is no "after" to compare with.
    return md`Records in ClickHouse for the window: ${n(before, total)} (traces ${n(before, (c) => c.traces)}, observations ${n(before, (c) => c.observations)}), distinct ids (uniqExact).`;
  }
  // The arrow goes in as a value, so its `>` reaches Slack escaped.
  const to = '->';
  return md`Records in ClickHouse for the window: ${n(before, total)} ${to} ${n(after, total)} (traces ${n(before, (c) => c.traces)} ${to} ${n(after, (c) => c.traces)}, observations ${n(before, (c) => c.observations)} ${to} ${n(after, (c) => c.observations)})${why}.\nDistinct ids (uniqExact): a replayed row that did land stays duplicated until ReplacingMergeTree merges it, so rows are not counted.`;
}

/**
 * The one progress message: listed, queued, skipped, failed and the rate,
 * edited as batches finish; at the end, the status, the records before ->
 * after, where failed keys went and how to resume.
 */
export function recoveryProgressMessage(
  progress: RecoveryProgress,
  channel: string,
  threadTs?: string,
): SlackMessage {
  const { counters: c, final } = progress;
  const rate =
    progress.keysPerSecond === undefined
      ? md``
      : md` · ${formatCount(progress.keysPerSecond, 1)} keys/s`;
  const counts =
    progress.phase === 'count'
      ? md`listed ${formatCount(c.listed)} · in window ${formatCount(c.inWindow)} · unsupported ${formatCount(c.unsupported)}${rate}`
      : md`listed ${formatCount(c.listed)} · queued ${formatCount(c.queued)} · skipped ${formatCount(c.skipped)} · failed ${formatCount(c.failed)}${rate}`;
  const what = md`${progress.fileSystemId}, events uploaded between ${slackDate(progress.window.from)} and ${slackDate(progress.window.to)}`;
  const title = final
    ? md`${STATUS_LINE[final.status]}`
    : progress.phase === 'count'
      ? md`:mag: Counting the events to replay…`
      : md`:arrows_counterclockwise: Replaying the dropped events…`;
  const lines: Mrkdwn[] = [md`*Recovery* · ${what}`, counts];
  if (final?.error) {
    lines.push(md`Stopped by: ${final.error}`);
  }
  if (final && final.status !== 'not-configured') {
    lines.push(recordsLine(final.before, final.after, final.countError));
  }
  if (final?.failedKeysAt) {
    lines.push(md`Failed keys: \`${final.failedKeysAt}\``);
  }
  const unsupported = final?.unsupported;
  if (unsupported) {
    const example = unsupported.example
      ? md` (e.g. ${unsupported.example})`
      : md``;
    const where = unsupported.at
      ? md`; reasons in \`${unsupported.at}\``
      : md``;
    lines.push(
      md`Skipped ${formatCount(unsupported.keys)} keys Langfuse does not replay${example}${where}.`,
    );
  }
  const blocks: Block[] = [section(md`${title}\n${joinMd(lines, '\n')}`)];
  if (final?.status === 'failed' && final.resume === 'redrive') {
    blocks.push(
      context(
        md`Resume with \`burstguard recover --resume ${progress.runId}\` (a Step Functions redrive: only the batches that did not succeed run again).`,
      ),
    );
  } else if (final?.status === 'failed') {
    blocks.push(
      context(
        md`Start it again with \`burstguard recover --file-system ${progress.fileSystemId} --from ${progress.window.from} --to ${progress.window.to}\` (replaying what did land is harmless: Langfuse merges by id).`,
      ),
    );
  }
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: fallback(md`${title} ${counts}`),
    blocks,
  };
}

/**
 * The offer once answered, in place of it: what was decided, by whom and
 * when, without buttons. Built from trusted fields only, as the approval
 * card's answered form is.
 */
export function recoveryAnsweredCard(
  decision: ApprovalDecision,
  at: string,
): { text: string; blocks: Block[] } {
  const verb = decision.approved ? 'Approved' : 'Declined';
  const icon = decision.approved ? ':white_check_mark:' : ':no_entry_sign:';
  const who = mention(decision.userId);
  const what = decision.approved
    ? md`replaying the dropped events of ${decision.fileSystemId}; progress follows in this thread.`
    : md`recovery of ${decision.fileSystemId}: nothing will be replayed.`;
  return {
    text: fallback(md`${verb} by ${who}`),
    blocks: [
      section(md`${icon} *${verb}*: ${what}`),
      context(md`${verb} by ${who} at ${slackDate(at)}`),
    ],
  };
}

/**
 * The Slack messages of an incident, as Block Kit: the finding, the approval
 * card, the outcome and the resolution. One thread per incident. Built from
 * the state alone, so the same messages appear in Slack, in the terminal and
 * in `--json` output.
 */

import type {
  AfterDiagnose,
  AfterFailure,
  AfterRemediate,
  CostOption,
  Diagnosis,
  Recommendation,
  Remediation,
  SlackMessage,
  Trigger,
  Verdict,
} from '../contracts.ts';
import { REMEDIATIONS, SWITCH_TO_ELASTIC } from '../remediations.ts';
import {
  APPROVAL_BLOCK_ID,
  APPROVAL_TIMEOUT_SECONDS,
  APPROVE_ACTION_ID,
  type ApprovalDecision,
  DECLINE_ACTION_ID,
  encodeApprovalValue,
} from '../slack/interaction.ts';
import { VERDICT_TABLE } from '../verdicts.ts';
import { clipMd, joinMd, type Mrkdwn, md, mention } from './mrkdwn.ts';

type Block = Record<string, unknown>;

/** Slack caps section text at 3,000 characters and a message at 50 blocks. */
const MAX_SECTION_CHARS = 2900;

export function verdictTitle(verdict: Verdict): string {
  return VERDICT_TABLE[verdict].title;
}

// Blocks take Mrkdwn only: text from outside (tags, names, ClickHouse
// identifiers and errors, alarm names) gets in through `md`, escaped.
function section(text: Mrkdwn): Block {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: clipMd(text, MAX_SECTION_CHARS).toString() },
  };
}

function context(text: Mrkdwn): Block {
  return {
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: clipMd(text, MAX_SECTION_CHARS).toString() },
    ],
  };
}

/**
 * The `text` of chat.postMessage: Slack parses it as mrkdwn too (its
 * `mrkdwn` argument, on by default; docs.slack.dev, chat.postMessage), and
 * shows it in notifications, so it is built as Mrkdwn like the blocks.
 */
function fallback(text: Mrkdwn): string {
  return clipMd(text, MAX_SECTION_CHARS).toString();
}

/** A message of one section, threaded when there is a thread. */
function oneSection(
  channel: string,
  threadTs: string | undefined,
  text: Mrkdwn,
): SlackMessage {
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: fallback(text),
    blocks: [section(text)],
  };
}

/** Whole minutes from one time to a later one; 0 when it is not later. */
function minutesBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 60_000));
}

/**
 * plain_text is shown as written, never parsed for `<!channel>` or links
 * (Block Kit reference, "Text object": markup only when type is mrkdwn);
 * only text written here or checked ids go in one anyway.
 */
function plainText(text: string, max: number): Block {
  return { type: 'plain_text', text: text.slice(0, max) };
}

function bullets(lines: readonly (Mrkdwn | string)[]): Mrkdwn {
  return joinMd(
    lines.map((l) => md`• ${l}`),
    '\n',
  );
}

function usd(value: number | null): string {
  if (value === null) return 'unknown';
  return value >= 100 ? `$${value.toFixed(0)}` : `$${value.toFixed(2)}`;
}

function costLine(cost: CostOption): Mrkdwn {
  const name =
    cost.mode === 'provisioned' && cost.provisionedMibps !== undefined
      ? `Provisioned ${cost.provisionedMibps} MiB/s`
      : cost.mode[0]?.toUpperCase() + cost.mode.slice(1);
  if (cost.available === false)
    return md`${name}: not available (${cost.basis})`;
  return md`${name}: ${usd(cost.monthlyUsd)}/month (${cost.basis})`;
}

function subject(trigger: Trigger, name?: string): Mrkdwn {
  return name
    ? md`${trigger.fileSystemId} (${name})`
    : md`${trigger.fileSystemId}`;
}

function fileSystemName(state: AfterDiagnose): string | undefined {
  const efs = state.gathered.find((g) => g.source === 'efs');
  if (efs && 'available' in efs && efs.available && 'fileSystem' in efs) {
    return efs.fileSystem.name;
  }
  return undefined;
}

/** The "what it is not" lines: each runner-up and the evidence against it. */
function runnersUp(diagnosis: Diagnosis, count = 3): Mrkdwn[] {
  return diagnosis.ranked
    .filter((h) => h.verdict !== diagnosis.verdict)
    .slice(0, count)
    .map((h) => {
      const against = h.evidenceAgainst[0] ?? 'weaker evidence';
      return md`not ${h.verdict} (score ${h.score.toFixed(2)}): ${against}`;
    });
}

/** The fix, its costs and its caveats, as mrkdwn. */
function fixText(recommendation: Recommendation): Mrkdwn {
  const lines = [
    md`*Recommended:* \`${recommendation.action}\`: ${recommendation.summary}`,
  ];
  if (recommendation.costs.length) {
    lines.push(bullets(recommendation.costs.map(costLine)));
  }
  if (recommendation.caveats.length) {
    lines.push(bullets(recommendation.caveats.map((c) => md`_${c}_`)));
  }
  if (recommendation.priceTable) {
    lines.push(md`_Prices: ${recommendation.priceTable}_`);
  }
  return joinMd(lines, '\n');
}

/** The first message of the thread: what is wrong, with numbers. */
export function findingMessage(
  state: AfterDiagnose,
  channel: string,
  threadTs?: string,
): SlackMessage {
  const { trigger } = state;
  const { diagnosis, recommendation, decision } = state.result;
  const row = VERDICT_TABLE[diagnosis.verdict];
  const title = md`${row.severity} ${row.title}: ${subject(trigger, fileSystemName(state))}`;
  const confidence = `${Math.round(diagnosis.confidence * 100)}%`;
  const blocks: Block[] = [
    {
      type: 'header',
      // The file system id is checked (fs- and hex) by the trigger schema.
      text: plainText(`${row.title}: ${trigger.fileSystemId}`, 150),
    },
    section(
      md`${diagnosis.headline}\n*Verdict:* \`${diagnosis.verdict}\` · *confidence* ${confidence}`,
    ),
  ];
  if (diagnosis.findings.length) {
    blocks.push(section(md`*What is wrong*\n${bullets(diagnosis.findings)}`));
  }
  const notIt = runnersUp(diagnosis);
  if (notIt.length) {
    blocks.push(section(md`*What it is not*\n${bullets(notIt)}`));
  }
  if (diagnosis.gaps.length) {
    blocks.push(section(md`*Could not check*\n${bullets(diagnosis.gaps)}`));
  }
  const contradictions = diagnosis.contradictions ?? [];
  if (contradictions.length) {
    blocks.push(
      section(
        md`*Sources disagree*\n${bullets(contradictions.map((c) => md`\`${c.id}\`: ${c.detail} _(${c.why})_`))}`,
      ),
    );
  }
  blocks.push(section(md`*The fix*\n${fixText(recommendation)}`));
  // Who asked for which policy: a run may lower it, never raise it.
  blocks.push(
    section(
      decision.policy
        ? md`*Next:* ${decision.reason}\n${decision.policy.statement}`
        : md`*Next:* ${decision.reason}`,
    ),
  );
  const why =
    trigger.kind === 'alarm'
      ? md`alarm ${trigger.alarmName ?? ''} ${trigger.state}`
      : md`started by hand`;
  blocks.push(
    context(
      md`incident ${state.incident.incidentId} · ${why} · window ${trigger.windowStart} to ${trigger.windowEnd} (${trigger.windowMinutes} min)`,
    ),
  );
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: fallback(md`${title}. ${diagnosis.headline}`),
    blocks,
  };
}

/** The approval card: the change, its cost, the 24 h lock, two buttons. */
export function approvalMessage(
  state: AfterDiagnose,
  channel: string,
  threadTs?: string,
): SlackMessage {
  const { trigger } = state;
  const { recommendation } = state.result;
  const remediation = REMEDIATIONS[recommendation.action] ?? SWITCH_TO_ELASTIC;
  const { to, button, callText } = remediation.words;
  const value = encodeApprovalValue({
    incidentId: state.incident.incidentId,
    fileSystemId: trigger.fileSystemId,
  });
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: fallback(md`Approve switching ${trigger.fileSystemId} to ${to}?`),
    blocks: [
      section(
        md`*Approve switching ${subject(trigger, fileSystemName(state))} to ${to}?*\nThe call: \`${callText(trigger.fileSystemId)}\` (no downtime).`,
      ),
      section(fixText(recommendation)),
      {
        type: 'actions',
        block_id: APPROVAL_BLOCK_ID,
        elements: [
          {
            type: 'button',
            action_id: APPROVE_ACTION_ID,
            style: 'primary',
            text: plainText(button, 75),
            value,
          },
          {
            type: 'button',
            action_id: DECLINE_ACTION_ID,
            style: 'danger',
            text: plainText('Decline', 75),
            value,
          },
        ],
      },
      context(
        md`Only listed approvers can answer. The request expires in 1 h.`,
      ),
    ],
  };
}

const OUTCOME_ICON: Record<Remediation['status'], string> = {
  'not-attempted': ':white_circle:',
  'dry-run': ':memo:',
  applied: ':white_check_mark:',
  'already-done': ':white_check_mark:',
  refused: ':no_entry:',
  locked: ':lock:',
  failed: ':x:',
  unknown: ':warning:',
};

const VERIFY_ICON = {
  worked: ':white_check_mark:',
  'not-yet': ':hourglass_flowing_sand:',
  'not-working': ':x:',
  unknown: ':grey_question:',
} as const;

const VERIFY_WORDS = {
  worked: 'Yes',
  'not-yet': 'Too early to say',
  'not-working': 'No',
  unknown: 'Unknown',
} as const;

/** The outcome in the thread: applied or not, why, and whether it worked. */
export function outcomeMessage(
  state: AfterRemediate,
  channel: string,
  threadTs?: string,
): SlackMessage {
  const r = state.remediation;
  const lines = [
    md`${OUTCOME_ICON[r.status]} *Remediation ${r.status}*: ${r.reason}`,
  ];
  if (r.call) {
    lines.push(
      md`${r.status === 'dry-run' ? 'Would call' : 'Called'}: \`UpdateFileSystem ${JSON.stringify(r.call)}\``,
    );
  }
  if (r.approvedBy) lines.push(md`Approved by ${mention(r.approvedBy)}`);
  if (r.retryAfter) {
    lines.push(
      r.lockedBy === 'burstguard'
        ? md`burstguard's own limit (one change per file system per 24 h, not AWS's) allows its next change after ${r.retryAfter}`
        : md`EFS allows a change again after ${r.retryAfter} (the "Wait until" time of its TooManyRequests answer)`,
    );
  }
  const v = state.verification;
  if (v) {
    lines.push(
      md`${VERIFY_ICON[v.verdict]} *Did it work? ${VERIFY_WORDS[v.verdict]}* (checked ${v.minutesSinceChange} min after the change): ${v.summary}`,
    );
  } else if (state.verifyError) {
    lines.push(
      md`:grey_question: *Did it work? Unknown*: the check failed (${errorLine(state.verifyError)}); look at the file system's throughput in the EFS console.`,
    );
  } else if (r.status === 'applied' || r.status === 'unknown') {
    lines.push(
      md`_The effect could not be checked: see the execution for why._`,
    );
  }
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: fallback(md`Remediation ${r.status}: ${r.reason}`),
    blocks: [section(joinMd(lines, '\n'))],
  };
}

/**
 * The resolution in the thread: the OK that started it and, after the quiet
 * period, every alarm of the incident found still OK.
 */
export function resolvedMessage(
  trigger: Trigger,
  openedAt: string,
  channel: string,
  threadTs?: string,
  quiet: {
    alarmNames?: readonly string[];
    quietSeconds?: number;
    approvalRequestedAt?: string;
    now?: string;
  } = {},
): SlackMessage {
  const minutes = minutesBetween(openedAt, trigger.triggeredAt);
  const alarm = trigger.alarmName ?? 'alarm';
  const names = quiet.alarmNames ?? [];
  const who =
    names.length > 1
      ? md`All ${names.length} alarms of the incident (${joinMd(names, ', ')})`
      : md`It`;
  const stayed =
    quiet.quietSeconds !== undefined
      ? md` ${who} stayed OK for ${Math.round(quiet.quietSeconds / 60)} min.`
      : md``;
  const text = md`:large_green_circle: Resolved: ${alarm} is OK again on ${trigger.fileSystemId}, ${minutes} min after the incident opened.${stayed}${pendingApprovalNote(quiet.approvalRequestedAt, quiet.now ?? trigger.triggeredAt)}`;
  return oneSection(channel, threadTs, text);
}

/**
 * The approval card once answered, in place of the card: what was decided,
 * by whom and when, without buttons. Built from trusted fields only (the
 * incident and file system ids of the checked button value, the decision,
 * the signed request's user id, the time), never from the `message.blocks`
 * of the interaction payload: whether Slack sends those back with their
 * text still escaped is not documented, and chat.update would post them
 * again as mrkdwn.
 */
export function answeredCard(
  decision: ApprovalDecision,
  at: string,
): { text: string; blocks: Block[] } {
  const verb = decision.approved ? 'Approved' : 'Declined';
  const icon = decision.approved ? ':white_check_mark:' : ':no_entry_sign:';
  const who = mention(decision.userId);
  // An approval is asked for the one automated remediation only.
  const { to, callText } = SWITCH_TO_ELASTIC.words;
  const what = decision.approved
    ? md`switching ${decision.fileSystemId} to ${to} (\`${callText(decision.fileSystemId)}\`); the outcome follows in this thread.`
    : md`switching ${decision.fileSystemId} to ${to}: nothing will be changed.`;
  return {
    text: fallback(md`${verb} by ${who}`),
    blocks: [
      section(md`${icon} *${verb}*: ${what}`),
      context(md`${verb} by ${who} at ${at} · incident ${decision.incidentId}`),
    ],
  };
}

/**
 * The preflight warning: which file systems run out of burst credits
 * within the horizon, one line each.
 */
export function preflightMessage(
  warnings: readonly { message: string }[],
  options: { lookbackMinutes: number; horizonMinutes: number },
  channel: string,
): SlackMessage {
  const text = md`:large_orange_circle: Burst credits running out within ${Math.round(options.horizonMinutes / 60)} h: act before Langfuse starts dropping traces (Elastic throughput for General Purpose file systems, Provisioned for Max I/O, where EFS offers no Elastic).`;
  return {
    channel,
    text: fallback(text),
    blocks: [
      section(md`${text}\n${bullets(warnings.map((w) => w.message))}`),
      context(
        md`burstguard preflight · trend over the last ${options.lookbackMinutes} min · run \`burstguard start --file-system ID --dry-run\` for a full diagnosis`,
      ),
    ],
  };
}

/** Characters of an error's cause shown in the thread. */
const MAX_CAUSE_CHARS = 300;

/** "Error: message" from a Step Functions error object, Lambda's or not. */
function errorLine(error: { Error: string; Cause?: string }): string {
  let cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') cause = parsed.errorMessage;
  } catch {
    // A plain cause.
  }
  cause = cause.replace(/\s+/g, ' ').trim();
  if (cause.length > MAX_CAUSE_CHARS) {
    cause = `${cause.slice(0, MAX_CAUSE_CHARS - 1)}…`;
  }
  return cause && cause !== error.Error
    ? `${error.Error}: ${cause}`
    : error.Error;
}

/**
 * What the incident store says of the change when a step failed: the claim
 * burstguard writes before UpdateFileSystem, read by NotifyFailure.
 */
export type ChangeKnowledge =
  | { kind: 'claimed'; at: string }
  | { kind: 'not-claimed' }
  | { kind: 'unreadable'; error: string };

/**
 * States of a run that come before Remediate on its way: a failure there
 * means this run made no change.
 */
const BEFORE_REMEDIATE = new Set([
  'Normalize',
  'OpenIncident',
  'Gather',
  'Diagnose',
  'Notify',
]);

/**
 * A step failed: which, with what error, and everything known about a
 * change of the file system, so the thread always hears of a switch.
 */
export function failureMessage(
  state: AfterFailure,
  channel: string,
  threadTs: string | undefined,
  change: ChangeKnowledge | undefined,
): SlackMessage {
  const fileSystemId =
    state.trigger?.fileSystemId ?? state.incident?.fileSystemId;
  const where = fileSystemId ? ` on ${fileSystemId}` : '';
  const error = errorLine(state.failure);
  const head = md`:x: *burstguard failed at ${state.failedState}*${where}: ${error}`;
  const lines: Mrkdwn[] = [head];
  if (state.failure.Error === 'FileSystemNotFoundError' && fileSystemId) {
    lines.push(
      md`EFS says ${fileSystemId} does not exist (FileSystemNotFound): check the file system id in the alarm's dimensions and in burstguard's configuration.`,
    );
  }
  const r = state.remediation;
  if (r) {
    lines.push(
      md`${OUTCOME_ICON[r.status]} *Remediation ${r.status}*: ${r.reason}`,
    );
    if (r.call && r.status !== 'dry-run') {
      lines.push(md`Called: \`UpdateFileSystem ${JSON.stringify(r.call)}\``);
    }
    if (r.status === 'applied' || r.status === 'unknown') {
      lines.push(
        md`The outcome message could not follow: check the throughput mode in the EFS console.`,
      );
    }
  } else if (change?.kind === 'claimed' && fileSystemId) {
    lines.push(
      md`:warning: burstguard claimed the change of ${fileSystemId} at ${change.at} and may have called \`UpdateFileSystem ${JSON.stringify(SWITCH_TO_ELASTIC.call(fileSystemId))}\`: the outcome is unknown, check the EFS console. burstguard makes no other change before ${new Date(Date.parse(change.at) + 24 * 3600_000).toISOString()}.`,
    );
  } else if (BEFORE_REMEDIATE.has(state.failedState)) {
    lines.push(
      md`No change was made: the run stopped before Remediate, so it did not call UpdateFileSystem.`,
    );
  } else if (change?.kind === 'unreadable') {
    lines.push(
      md`:warning: Whether UpdateFileSystem was called is unknown (the incident store could not be read: ${change.error}): check the EFS console.`,
    );
  } else if (
    change?.kind === 'not-claimed' &&
    state.failedState === 'Remediate'
  ) {
    lines.push(
      md`UpdateFileSystem was not called: burstguard had not claimed the change, which it does before every call.`,
    );
  }
  const end = state.runEnd;
  if (state.incident && state.runEndError) {
    lines.push(
      md`_incident ${state.incident.incidentId} could not be ended with this run (${errorLine(state.runEndError)}): if no alarm joined it, the hourly preflight ends it once idle; otherwise it stays open until its alarms are OK._`,
    );
  } else if (state.incident && end?.outcome === 'ended') {
    lines.push(
      md`_incident ${state.incident.incidentId} ended with this run: no alarm joined it, so there is nothing to wait for. The next alarm or run opens a new one._`,
    );
  } else if (state.incident && end?.outcome === 'open') {
    lines.push(
      md`_incident ${state.incident.incidentId} stays open (${end.reason}); a new alarm joins it._`,
    );
  } else if (state.incident) {
    lines.push(
      md`_incident ${state.incident.incidentId}: it stays open until its alarms are OK; a new alarm joins it._`,
    );
  } else if (state.failedState === 'OpenIncident' && fileSystemId) {
    lines.push(
      md`_The incident may or may not be open in the incident store; the next alarm joins it or opens one._`,
    );
  }
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: fallback(
      md`burstguard failed at ${state.failedState}${where}: ${errorLine(state.failure)}`,
    ),
    blocks: [section(joinMd(lines, '\n'))],
  };
}

/**
 * What a Resolved message says of an approval card still waiting: the
 * incident ending does not withdraw it, a person still decides.
 */
function pendingApprovalNote(
  requestedAt: string | undefined,
  now: string,
): Mrkdwn {
  if (requestedAt === undefined) return md``;
  const expiresMs = Date.parse(requestedAt) + APPROVAL_TIMEOUT_SECONDS * 1000;
  if (!(expiresMs > Date.parse(now))) return md``;
  const expires = new Date(expiresMs).toISOString().slice(11, 16);
  return md` The approval card above is still open until it expires at ${expires} UTC: approving it will still switch the file system.`;
}

/**
 * One line in the thread for a trigger that joined the open incident: what
 * joined, and that the diagnosis above stands (no second diagnosis, card
 * or thread).
 */
export function joinedMessage(
  trigger: Trigger,
  channel: string,
  threadTs: string,
): SlackMessage {
  const what =
    trigger.kind === 'alarm'
      ? trigger.alarmReason
        ? md`${trigger.alarmName ?? 'an alarm'} (${oneLineOf(trigger.alarmReason)})`
        : md`${trigger.alarmName ?? 'an alarm'}`
      : trigger.note
        ? md`a manual run (${oneLineOf(trigger.note)})`
        : md`a manual run`;
  const text = md`:heavy_plus_sign: ${what} joined this incident; the diagnosis above stands.`;
  return oneSection(channel, threadTs, text);
}

/**
 * The quiet-period check could not read the alarms: the incident stays
 * open, and the hourly preflight checks it again.
 */
export function checkFailedMessage(
  trigger: Trigger,
  incidentId: string,
  channel: string,
  threadTs: string | undefined,
  error: string,
): SlackMessage {
  const alarm = trigger.alarmName ?? 'an alarm';
  const text = md`:warning: ${alarm} went OK, but the quiet-period check could not be made (${oneLineOf(error)}). Incident ${incidentId} stays open; the hourly preflight checks its alarms again within the hour and resolves it here if they are all OK.`;
  return oneSection(channel, threadTs, text);
}

/**
 * The resolution the hourly check makes: every joined alarm read OK long
 * after the last trigger (an OK that was missed, followed
 * INSUFFICIENT_DATA, or whose own check failed).
 */
export function sweptResolvedMessage(
  incident: {
    fileSystemId: string;
    openedAt: string;
    alarmNames?: readonly string[];
    approvalRequestedAt?: string;
  },
  now: string,
  idleMinutes: number,
  channel: string,
  threadTs?: string,
): SlackMessage {
  const names = incident.alarmNames ?? [];
  const minutes = minutesBetween(incident.openedAt, now);
  const which =
    names.length === 0
      ? md`no alarm ever joined it`
      : names.length > 1
        ? md`all ${names.length} alarms of the incident (${joinMd(names, ', ')}) read OK`
        : md`${names[0] ?? ''} reads OK`;
  const text = md`:large_green_circle: Resolved: ${which} on ${incident.fileSystemId}, with nothing new for ${idleMinutes} min; ${minutes} min after the incident opened.${pendingApprovalNote(incident.approvalRequestedAt, now)}`;
  return oneSection(channel, threadTs, text);
}

/** Untrusted text on one line, so it cannot fake a message below it. */
function oneLineOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

/**
 * The incident's charts could not be drawn or uploaded: said in the
 * thread, so nobody waits for them. The finding does not depend on them.
 */
export function chartFailedMessage(
  channel: string,
  threadTs: string,
  error: string,
): SlackMessage {
  const text = md`:bar_chart: The charts could not be attached (${oneLineOf(error)}); the finding above stands.`;
  return oneSection(channel, threadTs, text);
}

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
import {
  REMEDIATIONS,
  type RemediationEntry,
  SWITCH_TO_ELASTIC,
} from '../remediations.ts';
import {
  APPROVAL_BLOCK_ID,
  APPROVAL_TIMEOUT_SECONDS,
  APPROVE_ACTION_ID,
  type ApprovalDecision,
  DECLINE_ACTION_ID,
  encodeApprovalValue,
} from '../slack/interaction.ts';
import { VERDICT_TABLE } from '../verdicts.ts';
import {
  approverMentions,
  type Block,
  CONFIRM_LIMITS,
  context,
  fallback,
  plainText,
  section,
} from './block-kit.ts';
import { consoleLinks, type LinkSubject } from './console-links.ts';
import { joinMd, link, type Mrkdwn, md, mention, slackDate } from './mrkdwn.ts';
import { formatCount, formatUsd } from './numbers.ts';
import type { MessageContext } from './thread-context.ts';

export function verdictTitle(verdict: Verdict): string {
  return VERDICT_TABLE[verdict].title;
}

/**
 * A message of one section, threaded when there is a thread, with the
 * console links when they are known.
 */
function oneSection(
  channel: string,
  threadTs: string | undefined,
  text: Mrkdwn,
  links?: LinkSubject,
): SlackMessage {
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: fallback(text),
    blocks: withLinks([section(text)], links),
  };
}

/** Whole minutes from one time to a later one; 0 when it is not later. */
function minutesBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 60_000));
}

function bullets(lines: readonly (Mrkdwn | string)[]): Mrkdwn {
  return joinMd(
    lines.map((l) => md`• ${l}`),
    '\n',
  );
}

function costName(cost: CostOption): string {
  return cost.mode === 'provisioned' && cost.provisionedMibps !== undefined
    ? `Provisioned ${formatCount(cost.provisionedMibps)} MiB/s`
    : cost.mode[0]?.toUpperCase() + cost.mode.slice(1);
}

function costLine(cost: CostOption): Mrkdwn {
  const name = costName(cost);
  if (cost.available === false)
    return md`${name}: not available (${cost.basis})`;
  return md`${name}: ${formatUsd(cost.monthlyUsd)}/month (${cost.basis})`;
}

/**
 * The actions that change the file system's storage throughput: only
 * for these do the EFS costs belong in the thread (a ClickHouse verdict's
 * fix costs nothing on EFS).
 */
const STORAGE_ACTIONS: ReadonlySet<Recommendation['action']> = new Set([
  'switch-to-elastic',
  'increase-provisioned-throughput',
]);

/** The console links of a message, one context line. */
function linksBlock(subject: LinkSubject): Block {
  const links = consoleLinks(subject).map((l) => link(l.url, l.label));
  return context(md`Open: ${joinMd(links, ' · ')}`);
}

/** The console links of a message about a trigger, one context line. */
export function triggerLinksBlock(
  trigger: Trigger,
  ctx: MessageContext,
  executionArn = ctx.executionArn,
): Block {
  return linksBlock(linkSubject(trigger, ctx, executionArn));
}

/** What the links of a message about a trigger point to. */
function linkSubject(
  trigger: Trigger,
  ctx: MessageContext,
  executionArn = ctx.executionArn,
): LinkSubject {
  return {
    region: trigger.region,
    fileSystemId: trigger.fileSystemId,
    ...(trigger.kind === 'alarm' && trigger.alarmName
      ? { alarmName: trigger.alarmName }
      : {}),
    ...(executionArn ? { executionArn } : {}),
    ...(ctx.logGroups ? { logGroups: ctx.logGroups } : {}),
    window: { start: trigger.windowStart, end: trigger.windowEnd },
  };
}

/** A message's blocks, then its links when it knows its trigger. */
function withLinks(blocks: Block[], subject: LinkSubject | undefined): Block[] {
  return subject ? [...blocks, linksBlock(subject)] : blocks;
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

/**
 * The runners-up a diagnosis ruled out, on one line: each verdict's title
 * and the first evidence against it. No scores: a score is how the
 * verdicts were ranked, not a reason; a runner-up with no evidence of its
 * own against it (only "scored x against y") is named without a reason.
 */
function ruledOut(diagnosis: Diagnosis, count = 3): Mrkdwn | undefined {
  const items = diagnosis.ranked
    .filter((h) => h.verdict !== diagnosis.verdict)
    .slice(0, count)
    .map((h) => {
      const { title } = VERDICT_TABLE[h.verdict];
      const against = h.evidenceAgainst.find((e) => !/^scored \d/.test(e));
      return against ? md`${title}: ${against}` : md`${title}`;
    });
  return items.length ? md`*Ruled out:* ${joinMd(items, '; ')}` : undefined;
}

/** The recommended fix in one line. */
function fixLine(recommendation: Recommendation): Mrkdwn {
  return md`*The fix:* \`${recommendation.action}\`: ${recommendation.summary}`;
}

/**
 * What the fix costs and what to know before making it: the cost of each
 * mode (only for a storage change), the caveats, the price table.
 */
function costsAndCaveats(recommendation: Recommendation): Mrkdwn | undefined {
  const storage = STORAGE_ACTIONS.has(recommendation.action);
  const lines: Mrkdwn[] = [];
  if (storage && recommendation.costs.length) {
    lines.push(bullets(recommendation.costs.map(costLine)));
  }
  if (recommendation.caveats.length) {
    lines.push(bullets(recommendation.caveats.map((c) => md`_${c}_`)));
  }
  if (storage && recommendation.priceTable) {
    lines.push(md`_Prices: ${recommendation.priceTable}_`);
  }
  return lines.length ? joinMd(lines, '\n') : undefined;
}

/**
 * The metrics and ClickHouse queries a gap may list, in words: a person reads "burst credit balance", not `burst_credit_balance`.
 */
const EVIDENCE_WORDS: Record<string, string> = {
  burst_credit_balance: 'burst credit balance',
  permitted_throughput: 'permitted throughput',
  metered_io_bytes: 'metered throughput',
  total_io_bytes: 'total IO',
  data_read_io_bytes: 'reads',
  data_write_io_bytes: 'writes',
  metadata_io_bytes: 'metadata IO',
  percent_io_limit: 'IO limit (PercentIOLimit)',
  client_connections: 'client connections',
  langfuse_dropped_records: 'Langfuse dropped records',
  langfuse_clickhouse_timeouts: 'Langfuse write timeouts',
  merges: 'running merges',
  parts: 'active parts',
  events: 'ClickHouse event counters',
  metrics: 'ClickHouse current metrics',
  asynchronous_metrics: "ClickHouse's background metrics",
  merge_tree_settings: 'MergeTree settings',
  part_log: 'part history',
  replication_queue: 'replication queue',
  mutations: 'pending mutations',
};

/** The recording's and CloudWatch's file names a reason may quote. */
const FILE_WORDS: [RegExp, string][] = [
  [/\bcloudwatch-get-metric-data\.json\b/g, 'the CloudWatch metrics'],
  [/\befs-describe-file-systems\.json\b/g, 'the EFS description'],
  [/\bclickhouse\/error\.txt\b/g, "ClickHouse's error"],
  [/\bclickhouse\/([a-z_]+)\.jsonl\b/g, 'ClickHouse $1'],
  [/\btrigger\.json\b/g, 'the trigger'],
  [/\bmeta\.json\b/g, "the recording's description"],
];

/**
 * A gap of the diagnosis with its metric ids, query names and file names
 * in words: "EFS metrics missing: burst_credit_balance" reads "EFS:
 * burst credit balance missing".
 */
function gapInWords(gap: string): string {
  let text = gap;
  for (const [pattern, words] of FILE_WORDS)
    text = text.replace(pattern, words);
  const list =
    /^(EFS metrics missing|ClickHouse queries unavailable): (.*)$/s.exec(text);
  if (!list) return text;
  const [, kind, rest] = list;
  const items = (rest ?? '').split(kind?.startsWith('EFS') ? ', ' : '; ');
  const words = items.map((item) => {
    const m = /^([a-z_]+)(?: \((.*)\))?$/s.exec(item.trim());
    if (!m?.[1] || !EVIDENCE_WORDS[m[1]]) return item;
    return m[2] ? `${EVIDENCE_WORDS[m[1]]} (${m[2]})` : EVIDENCE_WORDS[m[1]];
  });
  return kind?.startsWith('EFS')
    ? `EFS metrics not available: ${words.join(', ')}`
    : `ClickHouse could not be asked for: ${words.join('; ')}`;
}

/** Verdicts that say nothing is wrong with storage or ClickHouse. */
const NOTHING_WRONG: ReadonlySet<Verdict> = new Set([
  'no-storage-problem',
  'insufficient-evidence',
]);

/**
 * The first message of the thread: the headline sentence, then the
 * findings, what was ruled out, what could not be checked, the fix and
 * what happens next, with links to the console.
 */
export function findingMessage(
  state: AfterDiagnose,
  channel: string,
  threadTs?: string,
  ctx: MessageContext = {},
): SlackMessage {
  const { trigger } = state;
  const { diagnosis, recommendation, decision } = state.result;
  const row = VERDICT_TABLE[diagnosis.verdict];
  const title = md`${row.severity} ${row.title}: ${subject(trigger, fileSystemName(state))}`;
  const confidence = `${Math.round(diagnosis.confidence * 100)}%`;
  const healthy = NOTHING_WRONG.has(diagnosis.verdict);
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
    // A healthy result reads as healthy: what was looked at, not "what is
    // wrong".
    const heading = healthy ? 'What was checked' : 'What is wrong';
    blocks.push(section(md`*${heading}*\n${bullets(diagnosis.findings)}`));
  }
  const notIt = ruledOut(diagnosis);
  if (notIt) blocks.push(section(notIt));
  if (diagnosis.gaps.length) {
    blocks.push(
      section(
        md`*Could not check*\n${bullets(diagnosis.gaps.map(gapInWords))}`,
      ),
    );
  }
  const contradictions = diagnosis.contradictions ?? [];
  if (contradictions.length) {
    blocks.push(
      section(
        md`*Sources disagree*\n${bullets(contradictions.map((c) => md`\`${c.id}\`: ${c.detail} _(${c.why})_`))}`,
      ),
    );
  }
  // Costs once: on the approval card when one follows, here otherwise.
  const costs =
    decision.next === 'request-approval'
      ? undefined
      : costsAndCaveats(recommendation);
  // Nothing to fix (a healthy result) needs no "The fix" line.
  if (recommendation.action !== 'none') {
    blocks.push(
      section(
        costs
          ? md`${fixLine(recommendation)}\n${costs}`
          : fixLine(recommendation),
      ),
    );
  }
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
      md`incident ${state.incident.incidentId} · ${why} · window ${slackDate(trigger.windowStart)} to ${slackDate(trigger.windowEnd)} (${formatCount(trigger.windowMinutes)} min)`,
    ),
    linksBlock(linkSubject(trigger, ctx, state.executionArn)),
  );
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: fallback(md`${title}. ${diagnosis.headline}`),
    blocks,
  };
}

/**
 * The confirmation dialog of the Approve button: exactly what will change
 * (the call on the file system), what it costs, and the 24 h rules, in
 * plain text (Block Kit reference, "Confirmation dialog object": `title`,
 * `confirm` and `deny` plain_text, `text` a text object, `style` primary
 * or danger; https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object).
 */
function confirmDialog(
  state: AfterDiagnose,
  remediation: RemediationEntry,
): Block {
  const { trigger } = state;
  const { recommendation } = state.result;
  const { to, callText } = remediation.words;
  const target = recommendation.costs.find(
    (c) =>
      c.mode === remediation.verifiedBy.throughputMode && c.available !== false,
  );
  const cost =
    target && target.monthlyUsd !== null
      ? ` ${costName(target)} costs about ${formatUsd(target.monthlyUsd)}/month at this load.`
      : '';
  const text = `${callText(trigger.fileSystemId)}: ${trigger.fileSystemId} switches to ${to}, with no downtime.${cost} EFS may refuse another mode change for 24 h, and burstguard makes no other change to this file system for 24 h.`;
  return {
    title: plainText(`Switch ${trigger.fileSystemId}?`, CONFIRM_LIMITS.title),
    text: plainText(text, CONFIRM_LIMITS.text),
    confirm: plainText(`Switch to ${to}`, CONFIRM_LIMITS.button),
    deny: plainText('Cancel', CONFIRM_LIMITS.button),
    style: 'primary',
  };
}

/**
 * The approval card: who is asked, the change, its cost, the 24 h lock,
 * and two buttons: Approve (primary, behind a confirmation dialog) and
 * Decline (plain: declining changes nothing, so it needs no warning colour).
 */
export function approvalMessage(
  state: AfterDiagnose,
  channel: string,
  threadTs?: string,
  ctx: MessageContext = {},
): SlackMessage {
  const { trigger } = state;
  const { recommendation } = state.result;
  const remediation = REMEDIATIONS[recommendation.action] ?? SWITCH_TO_ELASTIC;
  const { to, button, callText } = remediation.words;
  const value = encodeApprovalValue({
    incidentId: state.incident.incidentId,
    fileSystemId: trigger.fileSystemId,
  });
  const who = approverMentions(ctx);
  const costs = costsAndCaveats(recommendation);
  const blocks: Block[] = [
    section(
      md`${who ? md`${who}: ` : md``}*Approve switching ${subject(trigger, fileSystemName(state))} to ${to}?*\nThe call: \`${callText(trigger.fileSystemId)}\` (no downtime).`,
    ),
  ];
  if (costs) blocks.push(section(costs));
  blocks.push(
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
          confirm: confirmDialog(state, remediation),
        },
        {
          type: 'button',
          action_id: DECLINE_ACTION_ID,
          text: plainText('Decline', 75),
          value,
        },
      ],
    },
    context(md`Only listed approvers can answer. The request expires in 1 h.`),
    linksBlock(linkSubject(trigger, ctx, state.executionArn)),
  );
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: fallback(
      who
        ? md`${who}: approve switching ${trigger.fileSystemId} to ${to}?`
        : md`Approve switching ${trigger.fileSystemId} to ${to}?`,
    ),
    blocks,
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
  ctx: MessageContext = {},
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
        ? md`burstguard's own limit (one change per file system per 24 h, not AWS's) allows its next change after ${slackDate(r.retryAfter)}`
        : md`EFS allows a change again after ${slackDate(r.retryAfter)} (the "Wait until" time of its TooManyRequests answer)`,
    );
  }
  const v = state.verification;
  if (v) {
    lines.push(
      md`${VERIFY_ICON[v.verdict]} *Did it work? ${VERIFY_WORDS[v.verdict]}* (checked ${formatCount(v.minutesSinceChange)} min after the change): ${v.summary}`,
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
  const recovery = v?.recovery;
  if (recovery) {
    const dropped =
      recovery.droppedRecords === undefined
        ? md``
        : md` (${formatCount(recovery.droppedRecords)} dropped records counted)`;
    const between = md`events uploaded between ${slackDate(recovery.window.from)} and ${slackDate(recovery.window.to)}`;
    lines.push(
      state.recoveryStart
        ? md`:recycle: *Recovering what Langfuse dropped*${dropped}: counting the ${between}; the recovery follows in this thread.`
        : md`:warning: *The recovery of what Langfuse dropped did not start*${state.recoveryStartError ? md` (${errorLine(state.recoveryStartError)})` : md``}: start it with \`burstguard recover --file-system ${recovery.fileSystemId} --from ${recovery.window.from} --to ${recovery.window.to}\`.`,
    );
  }
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: fallback(md`Remediation ${r.status}: ${r.reason}`),
    blocks: [
      section(joinMd(lines, '\n')),
      linksBlock(linkSubject(state.trigger, ctx, state.executionArn)),
    ],
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
  ctx: MessageContext = {},
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
      ? md` ${who} stayed OK for ${formatCount(Math.round(quiet.quietSeconds / 60))} min.`
      : md``;
  const text = md`:large_green_circle: Resolved: ${alarm} is OK again on ${trigger.fileSystemId}, ${formatCount(minutes)} min after the incident opened.${stayed}${pendingApprovalNote(quiet.approvalRequestedAt, quiet.now ?? trigger.triggeredAt)}`;
  return oneSection(channel, threadTs, text, linkSubject(trigger, ctx));
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
      context(
        md`${verb} by ${who} at ${slackDate(at)} · incident ${decision.incidentId}`,
      ),
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
  ctx: MessageContext = {},
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
      md`:warning: burstguard claimed the change of ${fileSystemId} at ${slackDate(change.at)} and may have called \`UpdateFileSystem ${JSON.stringify(SWITCH_TO_ELASTIC.call(fileSystemId))}\`: the outcome is unknown, check the EFS console. burstguard makes no other change before ${slackDate(new Date(Date.parse(change.at) + 24 * 3600_000).toISOString())}.`,
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
    blocks: withLinks(
      [section(joinMd(lines, '\n'))],
      state.trigger
        ? linkSubject(state.trigger, ctx, state.executionArn)
        : undefined,
    ),
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
  const expires = slackDate(new Date(expiresMs).toISOString());
  return md` The approval card above is still open until it expires at ${expires}: approving it will still switch the file system.`;
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
  ctx: MessageContext = {},
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
  return oneSection(channel, threadTs, text, linkSubject(trigger, ctx));
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
  ctx: MessageContext = {},
): SlackMessage {
  const alarm = trigger.alarmName ?? 'an alarm';
  const text = md`:warning: ${alarm} went OK, but the quiet-period check could not be made (${oneLineOf(error)}). Incident ${incidentId} stays open; the hourly preflight checks its alarms again within the hour and resolves it here if they are all OK.`;
  return oneSection(channel, threadTs, text, linkSubject(trigger, ctx));
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
  links?: LinkSubject,
): SlackMessage {
  const names = incident.alarmNames ?? [];
  const minutes = minutesBetween(incident.openedAt, now);
  const which =
    names.length === 0
      ? md`no alarm ever joined it`
      : names.length > 1
        ? md`all ${names.length} alarms of the incident (${joinMd(names, ', ')}) read OK`
        : md`${names[0] ?? ''} reads OK`;
  const text = md`:large_green_circle: Resolved: ${which} on ${incident.fileSystemId}, with nothing new for ${formatCount(idleMinutes)} min; ${formatCount(minutes)} min after the incident opened.${pendingApprovalNote(incident.approvalRequestedAt, now)}`;
  return oneSection(channel, threadTs, text, links);
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

/**
 * The Slack messages of an incident, as Block Kit: the finding, the approval
 * card, the outcome and the resolution. One thread per incident. Built from
 * the state alone, so the same messages appear in Slack, in the terminal and
 * in `--json` output.
 */

import type {
  AfterDiagnose,
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
  APPROVAL_BLOCK_ID,
  APPROVAL_TIMEOUT_SECONDS,
  APPROVE_ACTION_ID,
  DECLINE_ACTION_ID,
  encodeApprovalValue,
} from '../slack/interaction.ts';

type Block = Record<string, unknown>;

/** Slack caps section text at 3,000 characters and a message at 50 blocks. */
const MAX_SECTION_CHARS = 2900;

const VERDICT_TITLES: Record<Verdict, string> = {
  'efs-burst-credits-exhausted': 'EFS burst credits exhausted',
  'efs-burst-credits-draining': 'EFS burst credits draining',
  'efs-provisioned-throughput-saturated':
    'EFS provisioned throughput saturated',
  'efs-io-limit': 'EFS at its IO limit',
  'clickhouse-merge-backlog': 'ClickHouse merge backlog',
  'clickhouse-unreachable': 'ClickHouse unreachable',
  'no-storage-problem': 'No storage problem found',
  'insufficient-evidence': 'Not enough evidence',
};

const SEVERITY: Record<Verdict, string> = {
  'efs-burst-credits-exhausted': ':red_circle:',
  'efs-burst-credits-draining': ':large_orange_circle:',
  'efs-provisioned-throughput-saturated': ':red_circle:',
  'efs-io-limit': ':red_circle:',
  'clickhouse-merge-backlog': ':large_orange_circle:',
  'clickhouse-unreachable': ':red_circle:',
  'no-storage-problem': ':large_green_circle:',
  'insufficient-evidence': ':white_circle:',
};

export function verdictTitle(verdict: Verdict): string {
  return VERDICT_TITLES[verdict];
}

function clip(text: string): string {
  return text.length > MAX_SECTION_CHARS
    ? `${text.slice(0, MAX_SECTION_CHARS - 1)}…`
    : text;
}

function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text) } };
}

function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clip(text) }] };
}

function bullets(lines: string[]): string {
  return lines.map((l) => `• ${l}`).join('\n');
}

function usd(value: number | null): string {
  if (value === null) return 'unknown';
  return value >= 100 ? `$${value.toFixed(0)}` : `$${value.toFixed(2)}`;
}

function costLine(cost: CostOption): string {
  const name =
    cost.mode === 'provisioned' && cost.provisionedMibps !== undefined
      ? `Provisioned ${cost.provisionedMibps} MiB/s`
      : cost.mode[0]?.toUpperCase() + cost.mode.slice(1);
  return `${name}: ${usd(cost.monthlyUsd)}/month (${cost.basis})`;
}

function subject(trigger: Trigger, name?: string): string {
  return name ? `${trigger.fileSystemId} (${name})` : trigger.fileSystemId;
}

function fileSystemName(state: AfterDiagnose): string | undefined {
  const efs = state.gathered.find((g) => g.source === 'efs');
  if (efs && 'available' in efs && efs.available && 'fileSystem' in efs) {
    return efs.fileSystem.name;
  }
  return undefined;
}

/** The "what it is not" lines: each runner-up and the evidence against it. */
export function runnersUp(diagnosis: Diagnosis, count = 3): string[] {
  return diagnosis.ranked
    .filter((h) => h.verdict !== diagnosis.verdict)
    .slice(0, count)
    .map((h) => {
      const against = h.evidenceAgainst[0] ?? 'weaker evidence';
      return `not ${h.verdict} (score ${h.score.toFixed(2)}): ${against}`;
    });
}

/** The fix, its costs and its caveats, as mrkdwn. */
export function fixText(recommendation: Recommendation): string {
  const lines = [
    `*Recommended:* \`${recommendation.action}\`: ${recommendation.summary}`,
  ];
  if (recommendation.costs.length) {
    lines.push(bullets(recommendation.costs.map(costLine)));
  }
  if (recommendation.caveats.length) {
    lines.push(bullets(recommendation.caveats.map((c) => `_${c}_`)));
  }
  if (recommendation.priceTable) {
    lines.push(`_Prices: ${recommendation.priceTable}_`);
  }
  return lines.join('\n');
}

/** The first message of the thread: what is wrong, with numbers. */
export function findingMessage(
  state: AfterDiagnose,
  channel: string,
  threadTs?: string,
): SlackMessage {
  const { trigger } = state;
  const { diagnosis, recommendation, decision } = state.result;
  const title = `${SEVERITY[diagnosis.verdict]} ${VERDICT_TITLES[diagnosis.verdict]}: ${subject(trigger, fileSystemName(state))}`;
  const confidence = `${Math.round(diagnosis.confidence * 100)}%`;
  const blocks: Block[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: `${VERDICT_TITLES[diagnosis.verdict]}: ${trigger.fileSystemId}`.slice(
          0,
          150,
        ),
      },
    },
    section(
      `${diagnosis.headline}\n*Verdict:* \`${diagnosis.verdict}\` · *confidence* ${confidence}`,
    ),
  ];
  if (diagnosis.findings.length) {
    blocks.push(section(`*What is wrong*\n${bullets(diagnosis.findings)}`));
  }
  const notIt = runnersUp(diagnosis);
  if (notIt.length) {
    blocks.push(section(`*What it is not*\n${bullets(notIt)}`));
  }
  if (diagnosis.gaps.length) {
    blocks.push(section(`*Could not check*\n${bullets(diagnosis.gaps)}`));
  }
  blocks.push(section(`*The fix*\n${fixText(recommendation)}`));
  blocks.push(section(`*Next:* ${decision.reason}`));
  const why =
    trigger.kind === 'alarm'
      ? `alarm ${trigger.alarmName ?? ''} ${trigger.state}`
      : 'started by hand';
  blocks.push(
    context(
      `incident ${state.incident.incidentId} · ${why} · window ${trigger.windowStart} to ${trigger.windowEnd} (${trigger.windowMinutes} min)`,
    ),
  );
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: `${title}. ${diagnosis.headline}`,
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
  const value = encodeApprovalValue({
    incidentId: state.incident.incidentId,
    fileSystemId: trigger.fileSystemId,
  });
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: `Approve switching ${trigger.fileSystemId} to Elastic throughput?`,
    blocks: [
      section(
        `*Approve switching ${subject(trigger, fileSystemName(state))} to Elastic throughput?*\nThe call: \`UpdateFileSystem ${trigger.fileSystemId} ThroughputMode=elastic\` (no downtime).`,
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
            text: { type: 'plain_text', text: 'Approve: switch to Elastic' },
            value,
          },
          {
            type: 'button',
            action_id: DECLINE_ACTION_ID,
            style: 'danger',
            text: { type: 'plain_text', text: 'Decline' },
            value,
          },
        ],
      },
      context('Only listed approvers can answer. The request expires in 1 h.'),
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
    `${OUTCOME_ICON[r.status]} *Remediation ${r.status}*: ${r.reason}`,
  ];
  if (r.call) {
    lines.push(
      `${r.status === 'dry-run' ? 'Would call' : 'Called'}: \`UpdateFileSystem ${JSON.stringify(r.call)}\``,
    );
  }
  if (r.approvedBy) lines.push(`Approved by <@${r.approvedBy}>`);
  if (r.retryAfter) {
    lines.push(
      r.lockedBy === 'burstguard'
        ? `burstguard's own limit (one change per file system per 24 h, not AWS's) allows its next change after ${r.retryAfter}`
        : `EFS allows a change again after ${r.retryAfter} (the "Wait until" time of its TooManyRequests answer)`,
    );
  }
  const v = state.verification;
  if (v) {
    lines.push(
      `${VERIFY_ICON[v.verdict]} *Did it work? ${VERIFY_WORDS[v.verdict]}* (checked ${v.minutesSinceChange} min after the change): ${v.summary}`,
    );
  } else if (r.status === 'applied') {
    lines.push('_The effect could not be checked: see the execution for why._');
  }
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text: `Remediation ${r.status}: ${r.reason}`,
    blocks: [section(lines.join('\n'))],
  };
}

/** Slack mrkdwn control characters as entities (Slack, "formatting text"). */
function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
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
  const minutes = Math.max(
    0,
    Math.round(
      (Date.parse(trigger.triggeredAt) - Date.parse(openedAt)) / 60_000,
    ),
  );
  const alarm = escapeMrkdwn(trigger.alarmName ?? 'alarm');
  const names = (quiet.alarmNames ?? []).map(escapeMrkdwn);
  const stayed =
    quiet.quietSeconds !== undefined
      ? ` ${names.length > 1 ? `All ${names.length} alarms of the incident (${names.join(', ')})` : 'It'} stayed OK for ${Math.round(quiet.quietSeconds / 60)} min.`
      : '';
  const text = `:large_green_circle: Resolved: ${alarm} is OK again on ${trigger.fileSystemId}, ${minutes} min after the incident opened.${stayed}${pendingApprovalNote(quiet.approvalRequestedAt, quiet.now ?? trigger.triggeredAt)}`;
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text,
    blocks: [section(text)],
  };
}

/**
 * What a Resolved message says of an approval card still waiting: the
 * incident ending does not withdraw it, a person still decides.
 */
function pendingApprovalNote(
  requestedAt: string | undefined,
  now: string,
): string {
  if (requestedAt === undefined) return '';
  const expiresMs = Date.parse(requestedAt) + APPROVAL_TIMEOUT_SECONDS * 1000;
  if (!(expiresMs > Date.parse(now))) return '';
  const expires = new Date(expiresMs).toISOString().slice(11, 16);
  return ` The approval card above is still open until it expires at ${expires} UTC: approving it will still switch the file system.`;
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
      ? `${escapeMrkdwn(trigger.alarmName ?? 'an alarm')}${trigger.alarmReason ? ` (${escapeMrkdwn(oneLineOf(trigger.alarmReason))})` : ''}`
      : `a manual run${trigger.note ? ` (${escapeMrkdwn(oneLineOf(trigger.note))})` : ''}`;
  const text = `:heavy_plus_sign: ${what} joined this incident; the diagnosis above stands.`;
  return { channel, threadTs, text, blocks: [section(text)] };
}

/**
 * The quiet-period check could not read the alarms: the incident stays
 * open, and the hourly preflight checks it again.
 */
export function checkFailedMessage(
  trigger: Trigger,
  channel: string,
  threadTs: string | undefined,
  error: string,
): SlackMessage {
  const alarm = escapeMrkdwn(trigger.alarmName ?? 'an alarm');
  const text = `:warning: ${alarm} went OK, but the quiet-period check could not be made (${escapeMrkdwn(oneLineOf(error))}). The incident stays open; the hourly preflight checks its alarms again within the hour and resolves it here if they are all OK.`;
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text,
    blocks: [section(text)],
  };
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
  const names = (incident.alarmNames ?? []).map(escapeMrkdwn);
  const minutes = Math.max(
    0,
    Math.round((Date.parse(now) - Date.parse(incident.openedAt)) / 60_000),
  );
  const which =
    names.length > 0
      ? `${names.length > 1 ? `all ${names.length} alarms of the incident (${names.join(', ')}) read` : `${names[0]} reads`} OK`
      : 'no alarm ever joined it';
  const text = `:large_green_circle: Resolved: ${which} on ${incident.fileSystemId}, with nothing new for ${idleMinutes} min; ${minutes} min after the incident opened.${pendingApprovalNote(incident.approvalRequestedAt, now)}`;
  return {
    channel,
    ...(threadTs ? { threadTs } : {}),
    text,
    blocks: [section(text)],
  };
}

/** Untrusted text on one line, so it cannot fake a message below it. */
function oneLineOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

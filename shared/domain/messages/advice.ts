/**
 * The weekly advice digest: one line per file system (its mode now, the
 * advice, the saving or cost, the throttled minutes it would have caused,
 * the confidence), and for each file system with something to do, an
 * Apply button (a remediation run through the usual guards) and a Snooze
 * button. Where the prices came from is always said; an estimate, or the
 * built-in table used offline, is named as such.
 */
import type { Advice, PriceProvenance } from '../advisor/advise.ts';
import { DEFAULT_SIZING, percentileLabel } from '../advisor/sizing.ts';
import type { SlackMessage } from '../contracts.ts';
import {
  ADVICE_APPLY_ACTION_ID,
  ADVICE_APPLY_POLL_MINUTES,
  ADVICE_SNOOZE_ACTION_ID,
  encodeAdviceValue,
} from '../slack/advice-actions.ts';
import {
  CONFIRM_LIMITS,
  context,
  fallback,
  MAX_SECTION_CHARS,
  plainText,
  section,
} from './block-kit.ts';
import { joinMd, type Mrkdwn, md } from './mrkdwn.ts';
import { formatUsd } from './numbers.ts';

type Result =
  | { fileSystemId: string; outcome: 'advised'; advice: Advice }
  | { fileSystemId: string; outcome: 'snoozed'; until: string }
  | { fileSystemId: string; outcome: 'failed'; reason: string };

/** Slack allows 50 blocks a message (Block Kit reference, "Blocks"). */
const MAX_BLOCKS = 50;

/**
 * File systems with their own line and buttons; each takes at most three
 * blocks (its line, the call, the buttons), so 12 leave 12 blocks of the
 * 50 for the title, the prices and the shared lists.
 */
const MAX_FILE_SYSTEMS_WITH_BUTTONS = 12;

/** Where the rest of the file systems are, when the digest has no room. */
function moreLine(count: number): Mrkdwn {
  return md`and ${count} more file system${count === 1 ? '' : 's'}: \`burstguard advise --file-system ID\``;
}

/**
 * Lines packed into as few blocks as hold them, each block's text under
 * Slack's limit (MAX_SECTION_CHARS), in at most `budget` blocks. Lines
 * that do not fit are counted in a last "and N more" line instead of
 * being clipped away unseen.
 */
export function packLines(
  items: readonly { line: Mrkdwn; kind: 'section' | 'context' }[],
  budget: number,
): Record<string, unknown>[] {
  const out: { kind: 'section' | 'context'; lines: Mrkdwn[]; chars: number }[] =
    [];
  const size = (m: Mrkdwn) => m.toString().length;
  // Room kept in the last block for the "and N more" line.
  const moreRoom = size(moreLine(items.length)) + 1;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as (typeof items)[number];
    const last = out.at(-1);
    const length = size(item.line);
    // In the last block, room stays for the "and N more" line unless this
    // is the last line.
    const keepRoom = out.length === budget && i < items.length - 1;
    const limit = MAX_SECTION_CHARS - (keepRoom ? moreRoom : 0);
    if (last && last.kind === item.kind && last.chars + 1 + length <= limit) {
      last.lines.push(item.line);
      last.chars += 1 + length;
      continue;
    }
    if (out.length < budget) {
      // A new block, unless it is the last one and this line together with
      // the "and N more" would not fit: then the rest is counted.
      const opensLast = out.length === budget - 1;
      if (
        !opensLast ||
        length + 1 + moreRoom <= MAX_SECTION_CHARS ||
        i === items.length - 1
      ) {
        out.push({ kind: item.kind, lines: [item.line], chars: length });
        continue;
      }
    }
    const rest = items.length - i;
    const tail = out.at(-1);
    if (tail) tail.lines.push(moreLine(rest));
    else out.push({ kind: 'context', lines: [moreLine(rest)], chars: 0 });
    break;
  }
  return out.map((b) =>
    b.kind === 'section'
      ? section(joinMd(b.lines, '\n'))
      : context(joinMd(b.lines, '\n')),
  );
}

function modeName(mode: string, mibps?: number): string {
  if (mode === 'provisioned') return `Provisioned ${mibps ?? '?'} MiB/s`;
  return mode === 'elastic' ? 'Elastic' : 'Bursting';
}

/** One file system's line. */
export function adviceLine(advice: Advice): Mrkdwn {
  const r = advice.recommendation;
  const who = advice.name
    ? md`*${advice.name}* (\`${advice.fileSystemId}\`)`
    : md`\`${advice.fileSystemId}\``;
  const money =
    r.monthlySavingUsd >= 0
      ? md`saves ${formatUsd(r.monthlySavingUsd)}/month`
      : md`costs ${formatUsd(-r.monthlySavingUsd)}/month more`;
  const now = modeName(advice.current.mode, advice.current.provisionedMibps);
  const next = modeName(r.mode, r.provisionedMibps);
  const head =
    r.action === 'keep'
      ? md`${who}: keep ${now} (${formatUsd(advice.current.monthlyUsd)}/month)`
      : md`${who}: ${now} → *${next}*, ${money}`;
  const bursting = advice.modes.find((m) => m.mode === 'bursting');
  const credits =
    advice.current.mode === 'bursting' &&
    bursting?.lowestCreditPercent !== undefined
      ? md`; credits as low as ${bursting.lowestCreditPercent}%${bursting.daysOfHeadroom != null ? md`, ${bursting.daysOfHeadroom} days of headroom` : md``}`
      : md``;
  return md`${head} · ${r.throttledMinutes} min throttled over ${advice.window.days} days · confidence ${r.confidence.toFixed(2)}${credits}${r.warnings.length ? md`\n    ⚠ ${joinMd(r.warnings, '; ')}` : md``}`;
}

/** The digest of one weekly run. */
export function adviceDigestMessage(input: {
  results: readonly Result[];
  channel: string;
  snoozeWeeks: number;
  remediationAllowed: Record<string, boolean>;
  prices: PriceProvenance;
}): SlackMessage {
  const advised = input.results.filter(
    (r): r is Extract<Result, { outcome: 'advised' }> =>
      r.outcome === 'advised',
  );
  const toDo = advised.filter((r) => r.advice.recommendation.action !== 'keep');
  const title = md`:bar_chart: Weekly EFS throughput advice: ${toDo.length} of ${input.results.length} file system${input.results.length === 1 ? '' : 's'} could change mode`;
  const blocks: Record<string, unknown>[] = [section(title)];
  // Each file system with something to do gets its own line and its call
  // or buttons (up to the cap); the rest share one list, so a digest of
  // many file systems stays within Slack's 50 blocks.
  const own = toDo.slice(0, MAX_FILE_SYSTEMS_WITH_BUTTONS);
  const listed = advised.filter((r) => !own.includes(r));
  const aside = input.results.flatMap((r) =>
    r.outcome === 'snoozed'
      ? [md`\`${r.fileSystemId}\`: snoozed until ${r.until.slice(0, 10)}`]
      : r.outcome === 'failed'
        ? [md`\`${r.fileSystemId}\`: no advice (${r.reason})`]
        : [],
  );
  for (const r of own) {
    const advice = r.advice;
    const rec = advice.recommendation;
    const elements: Record<string, unknown>[] = [];
    // The apply button only where burstguard may change the file system,
    // and only for the switch it automates (to Elastic); its run asks the
    // approvers and takes the lock like any other. A Provisioned size is
    // for a person: the line gives the exact call.
    const canApply =
      input.remediationAllowed[advice.fileSystemId] === true &&
      rec.mode === 'elastic';
    // The 24 h rule goes with the line (the call's context carries it for
    // Provisioned); the confirmation dialog only points to it.
    blocks.push(
      section(
        rec.rule24h && rec.mode !== 'provisioned'
          ? md`${adviceLine(advice)}\n    _${rec.rule24h}_`
          : adviceLine(advice),
      ),
    );
    if (rec.mode === 'provisioned' && rec.provisionedMibps) {
      blocks.push(
        context(
          md`For a person to run (burstguard automates only the switch to Elastic): \`aws efs update-file-system --file-system-id ${advice.fileSystemId} --throughput-mode provisioned --provisioned-throughput-in-mibps ${rec.provisionedMibps}\`${rec.rule24h ? md`. ${rec.rule24h}` : md``}`,
        ),
      );
    }
    if (canApply) {
      elements.push({
        type: 'button',
        action_id: ADVICE_APPLY_ACTION_ID,
        style: 'primary',
        text: plainText(
          `Switch to ${modeName(rec.mode, rec.provisionedMibps)}`,
          75,
        ),
        value: encodeAdviceValue({
          fileSystemId: advice.fileSystemId,
          mode: rec.mode,
        }),
        confirm: {
          title: plainText('Start the switch?', CONFIRM_LIMITS.title),
          // Slack caps this text at 300 characters and refuses the whole
          // message past it (Block Kit reference, "Confirmation dialog
          // object"): a short plain sentence, the 24 h rule on the line.
          text: plainText(
            `Within ${ADVICE_APPLY_POLL_MINUTES} minutes a run starts to switch ${advice.fileSystemId} to Elastic; it asks the approvers in its own thread and takes the usual lock.${rec.rule24h ? ' The 24 h rule on the line above applies.' : ''}`,
            CONFIRM_LIMITS.text,
          ),
          confirm: plainText('Start', CONFIRM_LIMITS.button),
          deny: plainText('Cancel', CONFIRM_LIMITS.button),
        },
      });
    }
    elements.push({
      type: 'button',
      action_id: ADVICE_SNOOZE_ACTION_ID,
      text: plainText(`Snooze ${input.snoozeWeeks} weeks`, 75),
      value: encodeAdviceValue({
        fileSystemId: advice.fileSystemId,
        weeks: input.snoozeWeeks,
      }),
    });
    blocks.push({
      type: 'actions',
      block_id: `advice-${advice.fileSystemId}`,
      elements,
    });
  }
  // The rest share sections and a context block, each under Slack's
  // limit, in the blocks the prices line leaves.
  blocks.push(
    ...packLines(
      [
        ...listed.map((r) => ({
          line: md`• ${adviceLine(r.advice)}`,
          kind: 'section' as const,
        })),
        ...aside.map((line) => ({ line, kind: 'context' as const })),
      ],
      MAX_BLOCKS - blocks.length - 1,
    ),
  );
  const p = input.prices;
  blocks.push(
    context(
      md`Prices: ${p.table.region} of ${p.table.asOf} (${p.table.source})${p.origin === 'built-in' ? md` — *built-in table*, not the Price List API` : md``}${p.table.estimate ? md` — *estimate* (${p.table.estimate})` : md``}${p.note ? md`. ${p.note}` : md``}. Provisioned sized at the ${percentileLabel(advised[0]?.advice.tolerance.percent ?? DEFAULT_SIZING.tolerancePercent)} of demand plus headroom; charts in the thread.`,
    ),
  );
  return {
    channel: input.channel,
    text: fallback(title),
    blocks,
  };
}

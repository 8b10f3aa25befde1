/**
 * The Block Kit pieces every message is made of. Blocks take Mrkdwn only:
 * text from outside gets in through `md`, escaped.
 */
import {
  clipMd,
  groupMention,
  joinMd,
  type Mrkdwn,
  mention,
} from './mrkdwn.ts';
import type { MessageContext } from './thread-context.ts';

export type Block = Record<string, unknown>;

/** Slack caps section text at 3,000 characters and a message at 50 blocks. */
export const MAX_SECTION_CHARS = 2900;

/** A mrkdwn section, cut to what Slack takes. */
export function section(text: Mrkdwn): Block {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: clipMd(text, MAX_SECTION_CHARS).toString() },
  };
}

/** A context line, cut to what Slack takes. */
export function context(text: Mrkdwn): Block {
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
export function fallback(text: Mrkdwn): string {
  return clipMd(text, MAX_SECTION_CHARS).toString();
}

/**
 * plain_text is shown as written, never parsed for `<!channel>` or links
 * (Block Kit reference, "Text object": markup only when type is mrkdwn);
 * only text written here or checked ids go in one anyway.
 */
export function plainText(text: string, max: number): Block {
  return { type: 'plain_text', text: text.slice(0, max) };
}

/**
 * Slack caps a confirmation dialog's title at 100, its text at 300, each
 * button at 30 (Block Kit reference, "Confirmation dialog object":
 * https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object).
 */
export const CONFIRM_LIMITS = { title: 100, text: 300, button: 30 } as const;

/** Who a card wakes: the user group, or each approver. */
export function approverMentions(ctx: MessageContext): Mrkdwn | undefined {
  if (ctx.approverGroupId) return groupMention(ctx.approverGroupId);
  const approvers = ctx.approvers ?? [];
  return approvers.length ? joinMd(approvers.map(mention), ' ') : undefined;
}

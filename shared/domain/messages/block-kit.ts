/**
 * The Block Kit pieces every message is built of. Blocks take Mrkdwn only,
 * so text from outside gets in through `md`, escaped.
 */
import { clipMd, type Mrkdwn } from './mrkdwn.ts';

type Block = Record<string, unknown>;

/** Slack caps section text at 3,000 characters and a message at 50 blocks. */
export const MAX_SECTION_CHARS = 2900;

// Blocks take Mrkdwn only: text from outside (tags, names, ClickHouse
// identifiers and errors, alarm names) gets in through `md`, escaped.
export function section(text: Mrkdwn): Block {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: clipMd(text, MAX_SECTION_CHARS).toString() },
  };
}

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

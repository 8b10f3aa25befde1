/**
 * Text that is safe to send to Slack as mrkdwn. Slack reads `&`, `<` and
 * `>` as control characters in mrkdwn: `<!channel>` pings a channel,
 * `<https://x|Approve here>` is a link, `<@U…>` a mention. Any text that
 * did not come from this code (an EFS Name tag, a ClickHouse table or
 * error, an alarm name or reason, a note typed at a manual start) must
 * reach Slack with those characters as the HTML entities `&amp;`, `&lt;`
 * and `&gt;` (Slack API docs, "Formatting text for app surfaces",
 * escaping: https://docs.slack.dev/messaging/formatting-message-text).
 *
 * The `Mrkdwn` type is the boundary: a message block takes only `Mrkdwn`,
 * and the only ways to make one are the `md` template, which escapes every
 * value put into it, and `mention`, which checks a user id first. A new
 * message cannot forget to escape, because a plain string does not fit.
 */

const TOKEN: unique symbol = Symbol('mrkdwn');

/** mrkdwn whose control sequences are all meant. */
export class Mrkdwn {
  readonly #text: string;

  /** Only this module can make one: see `md` and `mention`. */
  constructor(token: typeof TOKEN, text: string) {
    if (token !== TOKEN) throw new TypeError('use md`...` to build Mrkdwn');
    this.#text = text;
  }

  /** The text to send to Slack. */
  toString(): string {
    return this.#text;
  }
}

/** `&`, `<` and `>` as the entities Slack decodes for display. */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A value of an `md` template: escaped unless it is already Mrkdwn. */
export type MrkdwnValue = Mrkdwn | string | number | boolean;

function piece(value: MrkdwnValue): string {
  return value instanceof Mrkdwn ? value.toString() : escapeMrkdwn(`${value}`);
}

/**
 * A tagged template for mrkdwn: the literal parts are written in this
 * code and kept; every `${value}` is escaped, unless it is Mrkdwn itself.
 */
export function md(
  literals: TemplateStringsArray,
  ...values: MrkdwnValue[]
): Mrkdwn {
  let text = literals[0] ?? '';
  values.forEach((value, i) => {
    text += piece(value) + (literals[i + 1] ?? '');
  });
  return new Mrkdwn(TOKEN, text);
}

/** Joins values (each escaped unless Mrkdwn) with a literal separator. */
export function joinMd(values: readonly MrkdwnValue[], separator: string) {
  return new Mrkdwn(TOKEN, values.map(piece).join(separator));
}

/**
 * Slack user ids are upper-case letters and digits starting with U or W
 * (Slack API docs, "Formatting text for app surfaces", mentioning users).
 */
const USER_ID = /^[UW][A-Z0-9]{2,30}$/;

/**
 * A mention of a Slack user, `<@U…>`, when the id looks like one; any
 * other text is shown as it is, escaped, and mentions nobody.
 */
export function mention(userId: string): Mrkdwn {
  return USER_ID.test(userId)
    ? new Mrkdwn(TOKEN, `<@${userId}>`)
    : md`${userId}`;
}

/**
 * Shortens mrkdwn to at most `max` characters, never inside an entity
 * such as `&lt;` or a `<…>` sequence this code wrote, ending with `…`.
 */
export function clipMd(text: Mrkdwn, max: number): Mrkdwn {
  const full = text.toString();
  if (full.length <= max) return text;
  let cut = full.slice(0, max - 1);
  // An entity or a mention cut in half would show as broken text.
  cut = cut.replace(/&[a-z]{0,4}$/, '').replace(/<[^>]*$/, '');
  return new Mrkdwn(TOKEN, `${cut}…`);
}

/**
 * A link Slack shows as `text`: `<url|text>` (Slack API docs, "Formatting
 * text for app surfaces", linking URLs). Only https URLs that carry none
 * of `<`, `>`, `|`, `&` or whitespace are written as links (every URL here
 * is built by console-links.ts, with each value percent-encoded); anything
 * else is shown as escaped text and links nowhere.
 */
export function link(url: string, text: string): Mrkdwn {
  return /^https:\/\/[^\s<>|&]+$/.test(url)
    ? new Mrkdwn(TOKEN, `<${url}|${escapeMrkdwn(text)}>`)
    : md`${text}`;
}

/**
 * A time each reader sees in their own time zone: `<!date^UNIX^{date_short_pretty}
 * {time}|fallback>`, with a plain UTC fallback for clients that cannot
 * format it (Slack API docs, "Formatting text for app surfaces", date
 * formatting: https://docs.slack.dev/messaging/formatting-message-text).
 * A time that does not parse is shown as it is, escaped.
 */
export function slackDate(iso: string): Mrkdwn {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return md`${iso}`;
  return new Mrkdwn(
    TOKEN,
    `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${utcText(ms)}>`,
  );
}

/** `2026-11-23 03:12 UTC`: minutes, no milliseconds. */
export function utcText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * A Slack user group mention, `<!subteam^ID>`, when the id looks like one
 * (Slack API docs, "Formatting text for app surfaces", mentioning groups);
 * any other text is shown escaped and mentions nobody.
 */
export function groupMention(groupId: string): Mrkdwn {
  return USER_GROUP_ID.test(groupId)
    ? new Mrkdwn(TOKEN, `<!subteam^${groupId}>`)
    : md`${groupId}`;
}

/** Slack user group ids: upper-case letters and digits starting with S. */
export const USER_GROUP_ID = /^S[A-Z0-9]{2,30}$/;

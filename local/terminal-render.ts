/**
 * Renders Block Kit messages readably in a terminal: what the on-call
 * engineer would see in Slack, for local runs (`demo`, `replay`).
 */
import type { SlackMessage } from '../shared/domain/contracts.ts';

const EMOJI: Record<string, string> = {
  ':red_circle:': '🔴',
  ':large_orange_circle:': '🟠',
  ':large_green_circle:': '🟢',
  ':white_circle:': '⚪',
  ':white_check_mark:': '✅',
  ':memo:': '📝',
  ':no_entry:': '⛔',
  ':lock:': '🔒',
  ':x:': '❌',
  ':hourglass_flowing_sand:': '⏳',
  ':grey_question:': '❔',
};

export type Style = { color: boolean };

/**
 * Control characters of the terminal (an escape sequence in an EFS tag
 * could move the cursor or recolour the screen), shown as U+FFFD instead.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters to replace
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * The entities Slack decodes for display (`&lt;`, `&gt;`, `&amp;`), decoded
 * the same way, last, so `&amp;lt;` shows as `&lt;` as it does in Slack.
 */
function decodeEntities(text: string): string {
  return text.replace(
    /&(lt|gt|amp);/g,
    (_, name: string) => ({ lt: '<', gt: '>', amp: '&' })[name] ?? '',
  );
}

function mrkdwn(text: string, style: Style): string {
  let out = text
    .replace(TERMINAL_CONTROLS, '\ufffd')
    .replace(/:[a-z_]+:/g, (code) => EMOJI[code] ?? code);
  // Links are set aside first: a Logs Insights address is full of `*` and
  // `_`, which the bold and italic rules below would eat. NUL cannot come
  // from the text any more (replaced above), so it marks the place.
  const links: string[] = [];
  out = out.replace(
    /<(https:[^|>]+)\|([^>]*)>/g,
    (_, url: string, label: string) => {
      const shown = decodeEntities(label);
      links.push(
        // A link keeps its address, so it can be opened from the terminal:
        // a terminal hyperlink (OSC 8) in colour, the address as text otherwise.
        style.color
          ? `\x1b]8;;${url}\x1b\\${shown}\x1b]8;;\x1b\\`
          : `${shown} ${url}`,
      );
      return `\u0000${links.length - 1}\u0000`;
    },
  );
  out = out
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<!subteam\^([A-Z0-9]+)>/g, '@group:$1')
    // A Slack date shows its plain fallback.
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1');
  if (style.color) {
    out = out
      .replace(/\*([^*\n]+)\*/g, '\x1b[1m$1\x1b[22m')
      .replace(/(^|\s)_([^_\n]+)_(?=\s|$|[.,;])/g, '$1\x1b[3m$2\x1b[23m')
      .replace(/`([^`\n]+)`/g, '\x1b[36m$1\x1b[39m');
  } else {
    out = out
      .replace(/\*([^*\n]+)\*/g, '$1')
      .replace(/(^|\s)_([^_\n]+)_(?=\s|$|[.,;])/g, '$1$2');
  }
  return decodeEntities(out).replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the mark of a link set aside
    /\u0000(\d+)\u0000/g,
    (_, i: string) => links[Number(i)] ?? '',
  );
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/** One message as terminal text, framed like a Slack post. */
export function renderMessage(message: SlackMessage, style: Style): string {
  const bar = style.color ? '\x1b[2m│\x1b[22m ' : '| ';
  const lines: string[] = [];
  const where = message.threadTs
    ? `${message.channel} (in thread)`
    : message.channel;
  lines.push(
    style.color
      ? `\x1b[2m── Slack ${where} ──\x1b[22m`
      : `-- Slack ${where} --`,
  );
  for (const block of message.blocks) {
    const type = block.type;
    if (type === 'header') {
      // As written: an id in it (a file system id) must copy and paste.
      const text = (block.text as { text: string }).text.replace(
        TERMINAL_CONTROLS,
        '\ufffd',
      );
      lines.push(bar + (style.color ? `\x1b[1m${text}\x1b[22m` : text));
      if (!style.color) lines.push(bar + '='.repeat(text.length));
    } else if (type === 'section') {
      const text = (block.text as { text: string }).text;
      lines.push(indent(mrkdwn(text, style), bar));
    } else if (type === 'context') {
      const elements = block.elements as { text: string }[];
      const text = elements.map((e) => e.text).join(' ');
      lines.push(
        bar +
          (style.color
            ? `\x1b[2m${mrkdwn(text, style)}\x1b[22m`
            : mrkdwn(text, style)),
      );
    } else if (type === 'actions') {
      const elements = block.elements as {
        text: { text: string };
        confirm?: { title: { text: string }; text: { text: string } };
      }[];
      lines.push(bar + elements.map((e) => `[ ${e.text.text} ]`).join('  '));
      for (const e of elements) {
        if (!e.confirm) continue;
        lines.push(
          `${bar}  "${e.text.text}" asks first: ${e.confirm.title.text} ${e.confirm.text.text}`.replace(
            TERMINAL_CONTROLS,
            '\ufffd',
          ),
        );
      }
    }
    lines.push(bar.trimEnd());
  }
  return lines.join('\n');
}

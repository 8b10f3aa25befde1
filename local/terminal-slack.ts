/**
 * A SlackPort that renders each message to a stream instead of posting it:
 * the local stand-in for Slack in `demo` and `replay`.
 */
import type { SlackMessage } from '../shared/domain/contracts.ts';
import type { SlackPort, SlackUpdate } from '../shared/domain/ports.ts';
import { renderMessage, type Style } from './terminal-render.ts';

export function createTerminalSlackPort(
  write: (text: string) => void,
  style: Style,
): SlackPort & { posted: SlackMessage[]; updated: SlackUpdate[] } {
  const posted: SlackMessage[] = [];
  const updated: SlackUpdate[] = [];
  let counter = 0;
  return {
    posted,
    updated,
    async postMessage(message) {
      posted.push(message);
      write(`${renderMessage(message, style)}\n`);
      counter++;
      const ts = `${Math.floor(Date.now() / 1000)}.${String(counter).padStart(6, '0')}`;
      return { channel: message.channel, ts };
    },
    async updateMessage(update) {
      // The root message's status line, edited in place in Slack; the
      // terminal, which cannot edit what it printed, prints the new line.
      updated.push(update);
      const blocks =
        update.blocks ??
        (update.attachments ?? []).flatMap(
          (a) => (a.blocks as SlackMessage['blocks'] | undefined) ?? [],
        );
      const shown = renderMessage(
        {
          channel: `${update.channel} root message, edited`,
          text: update.text,
          blocks,
        },
        style,
      );
      write(`${shown}\n`);
      return { channel: update.channel, ts: update.ts };
    },
  };
}

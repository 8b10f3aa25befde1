/**
 * A SlackPort that renders each message to a stream instead of posting it:
 * the local stand-in for Slack in `demo` and `replay`.
 */
import type { SlackMessage } from '../shared/domain/contracts.ts';
import type { SlackPort } from '../shared/domain/ports.ts';
import { renderMessage, type Style } from './terminal-render.ts';

export function createTerminalSlackPort(
  write: (text: string) => void,
  style: Style,
): SlackPort & { posted: SlackMessage[] } {
  const posted: SlackMessage[] = [];
  let counter = 0;
  return {
    posted,
    async postMessage(message) {
      posted.push(message);
      write(`${renderMessage(message, style)}\n`);
      counter++;
      const ts = `${Math.floor(Date.now() / 1000)}.${String(counter).padStart(6, '0')}`;
      return { channel: message.channel, ts };
    },
  };
}

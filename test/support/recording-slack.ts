/**
 * A Slack port that keeps what a step posted and edited, answering as
 * chat.postMessage and chat.update do (the channel and the message's ts).
 */
import type { SlackMessage } from '../../shared/domain/contracts.ts';
import type { SlackPort, SlackUpdate } from '../../shared/domain/ports.ts';

export function recordingSlack() {
  const posts: SlackMessage[] = [];
  const edits: SlackUpdate[] = [];
  const slack: SlackPort = {
    async postMessage(m) {
      posts.push(m);
      return { channel: 'C0INCIDENT', ts: `1.${posts.length}` };
    },
    async updateMessage(u) {
      edits.push(u);
      return { channel: u.channel, ts: u.ts };
    },
  };
  /** A message's blocks as text, to look for words in. */
  const text = (m: { blocks?: unknown }) => JSON.stringify(m.blocks);
  /** Every post and edit, in that order, as text. */
  const thread = () => [...posts, ...edits].map(text).join('\n');
  return { slack, posts, edits, text, thread };
}

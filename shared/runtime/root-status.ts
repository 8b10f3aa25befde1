/**
 * Edits the status line of an incident's root message. The thread message
 * is what counts: an edit that fails (Slack down, rate limited, the
 * message deleted) is reported in the step's output, never thrown.
 */
import { oneLine } from '../domain/errors.ts';
import type { SlackPort } from '../domain/ports.ts';

/** What became of an edit of the root message. */
export type RootStatusResult = { rootUpdated: boolean; rootError?: string };

/**
 * Sends the edit when the root is known and the port can edit messages;
 * `undefined` when there was nothing to edit.
 */
export async function updateRootStatus(
  slack: SlackPort,
  root: { channel: string; ts: string } | undefined,
  status: { text: string; attachments: Record<string, unknown>[] },
): Promise<RootStatusResult | undefined> {
  if (!root || !slack.updateMessage) return undefined;
  try {
    await slack.updateMessage({ ...root, ...status });
    return { rootUpdated: true };
  } catch (error) {
    return { rootUpdated: false, rootError: oneLine(error) };
  }
}

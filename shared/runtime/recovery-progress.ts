/**
 * The recovery's one progress message: edited by the steps of a run as it
 * goes. The replay is what counts: an edit that fails (Slack down, rate
 * limited, the message deleted) is reported in the step's output, never
 * thrown.
 */
import { oneLine } from '../domain/errors.ts';
import {
  type RecoveryProgress,
  recoveryProgressMessage,
} from '../domain/messages/recovery.ts';
import type {
  RecoveryMessageRef,
  RecoveryTally,
  SlackPort,
} from '../domain/ports.ts';
import { keysPerSecond } from '../domain/recovery/keys.ts';

/** What became of an edit of the progress message. */
export type ProgressEdit = { edited: boolean; editError?: string };

/** The progress of a phase as the store tallied it, rated at `at`. */
export function progressOf(
  runId: string,
  message: Pick<RecoveryMessageRef, 'fileSystemId' | 'window'>,
  phase: RecoveryProgress['phase'],
  tally: RecoveryTally,
  at: string,
): RecoveryProgress {
  const rate = keysPerSecond(tally.counters.listed, tally.startedAt, at);
  return {
    runId,
    fileSystemId: message.fileSystemId,
    window: message.window,
    phase,
    counters: tally.counters,
    ...(rate === undefined ? {} : { keysPerSecond: rate }),
  };
}

/** Edits the progress message, when the port can edit messages. */
export async function editProgress(
  slack: SlackPort | undefined,
  message: Pick<RecoveryMessageRef, 'channel' | 'ts'>,
  progress: RecoveryProgress,
): Promise<ProgressEdit> {
  if (!slack?.updateMessage) {
    return { edited: false, editError: 'this Slack port cannot edit' };
  }
  const built = recoveryProgressMessage(progress, message.channel);
  try {
    await slack.updateMessage({
      channel: message.channel,
      ts: message.ts,
      text: built.text,
      blocks: built.blocks,
    });
    return { edited: true };
  } catch (error) {
    return { edited: false, editError: oneLine(error) };
  }
}

/**
 * A SlackPort that renders each message to a stream instead of posting it:
 * the local stand-in for Slack in `demo` and `replay`. Files uploaded into
 * a thread (the incident charts) are written to a directory instead, and
 * listed in the thread by their path.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SlackMessage } from '../shared/domain/contracts.ts';
import type { SlackPort, SlackUpdate } from '../shared/domain/ports.ts';
import { renderMessage, type Style } from './terminal-render.ts';

/** A file the terminal Slack wrote in place of an upload. */
export type LocalFile = { path: string; title: string };

export function createTerminalSlackPort(
  write: (text: string) => void,
  style: Style,
  options: {
    /** Where uploaded files go; default a new directory under the OS's temp. */
    fileDir?: string;
  } = {},
): Required<Pick<SlackPort, 'uploadFiles'>> &
  SlackPort & {
    posted: SlackMessage[];
    files: LocalFile[];
    updated: SlackUpdate[];
  } {
  const posted: SlackMessage[] = [];
  const files: LocalFile[] = [];
  const updated: SlackUpdate[] = [];
  /** Which messages went into a thread, by ts: their edits say so. */
  const inThread = new Set<string>();
  let counter = 0;
  let dir = options.fileDir;
  return {
    posted,
    files,
    updated,
    async postMessage(message) {
      posted.push(message);
      write(`${renderMessage(message, style)}\n`);
      counter++;
      const ts = `${Math.floor(Date.now() / 1000)}.${String(counter).padStart(6, '0')}`;
      if (message.threadTs) inThread.add(ts);
      return { channel: message.channel, ts };
    },
    async uploadFiles(upload) {
      if (dir) await mkdir(dir, { recursive: true });
      else dir = await mkdtemp(join(tmpdir(), 'burstguard-charts-'));
      const written = [];
      for (const file of upload.files) {
        const path = join(dir, file.filename);
        await writeFile(path, file.bytes);
        files.push({ path, title: file.title });
        written.push({
          id: `local-file-${files.length}`,
          title: file.title,
          path,
        });
        write(`  [file] ${file.title}: ${path}\n`);
      }
      return { files: written };
    },
    async updateMessage(update) {
      // A message edited in place in Slack (the root message's status
      // line, the recovery's progress in the thread); the terminal, which
      // cannot edit what it printed, prints the new version.
      updated.push(update);
      const blocks =
        update.blocks ??
        (update.attachments ?? []).flatMap(
          (a) => (a.blocks as SlackMessage['blocks'] | undefined) ?? [],
        );
      const shown = renderMessage(
        {
          channel: `${update.channel} ${inThread.has(update.ts) ? 'thread message' : 'root message'}, edited`,
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

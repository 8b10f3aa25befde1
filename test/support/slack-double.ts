/**
 * A Slack Web API double on loopback, for the real @slack/web-api client
 * pointed at it with `slackApiUrl`. It speaks chat.postMessage and
 * chat.update, records every call, and can be told to rate limit (429 with
 * Retry-After), fail (HTTP 5xx or `ok: false`), stall, never answer, or
 * check the token.
 *
 * Like Slack, it refuses what Slack refuses (test/support/slack-limits.ts,
 * from Slack's Block Kit and chat.postMessage references): more than 50
 * blocks, a section over 3,000 characters, a header over 150, a button's
 * text over 75 or value over 2,000 answer `invalid_blocks`; text over
 * 40,000 characters `msg_too_long`; a channel the app was not invited to
 * (`leaveChannel`) `not_in_channel`.
 *
 * It speaks Slack's external file upload flow too (Slack API docs,
 * https://docs.slack.dev/reference/methods/files.getUploadURLExternal and
 * https://docs.slack.dev/reference/methods/files.completeUploadExternal):
 * files.getUploadURLExternal takes `filename` and `length` and answers an
 * `upload_url` on this double and a `file_id`; a POST of the bytes to that
 * URL is kept; files.completeUploadExternal takes `files` (a JSON array of
 * `{id, title}`), `channel_id` and `thread_ts`, and shares each file into
 * that thread (`sharedFiles`). A file id it did not hand out, or whose
 * bytes never came, is refused.
 *
 * It also stands in for the `response_url` of interaction payloads
 * (`https://hooks.slack.com/actions/...` in Slack; a JSON POST with
 * `response_type`, `text`, `replace_original`: Slack API docs, "Handling
 * user interaction"): `responseUrl()` gives one on this double, and every
 * POST to it is kept in `responses`.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { slackRefusal } from './slack-limits.ts';

export type SlackCall = {
  /** The Web API method, e.g. `chat.postMessage`. */
  method: string;
  /** Fields as sent; form fields holding JSON (blocks) are parsed. */
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
};

/** What the double does with the next calls instead of answering ok. */
export type SlackFault =
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'http'; status: number }
  | { kind: 'platform'; error: string }
  | { kind: 'stall'; ms: number }
  /** Accepts the request and never answers, until the double closes. */
  | { kind: 'hang' };

/** A POST to a response_url of this double. */
export type SlackResponsePost = {
  path: string;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
};

/** A file shared into a channel or thread by files.completeUploadExternal. */
export type SlackSharedFile = {
  id: string;
  title?: string;
  filename: string;
  /** The `length` files.getUploadURLExternal was told. */
  length: number;
  bytes: Buffer;
  channel?: string;
  threadTs?: string;
};

export type SlackDouble = {
  /** Files shared by files.completeUploadExternal, in order. */
  sharedFiles: SlackSharedFile[];
  /** Every POST to an upload URL, in order: the file id and its bytes. */
  uploads: { fileId: string; bytes: Buffer }[];
  /** Base URL for `slackApiUrl`, ending in `/api/`. */
  url: string;
  calls: SlackCall[];
  /** A response_url on this double, as Slack puts one in a payload. */
  responseUrl(id?: string): string;
  /** Every POST to a response_url, in order. */
  responses: SlackResponsePost[];
  /** The next `count` calls meet `fault` (queued after earlier faults). */
  failNext(count: number, fault: SlackFault): void;
  /** Answers `invalid_auth` unless the bearer token is this one. */
  requireToken(token: string): void;
  /**
   * The app is no longer a member of `channel` (a name or an id): posts
   * there answer `not_in_channel`, as Slack does.
   */
  leaveChannel(channel: string): void;
  /**
   * A message Slack holds that this double did not post (the approval card
   * of a click, posted before the test began), so chat.update may edit it.
   */
  knowMessage(ts: string): void;
  close(): Promise<void>;
};

const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'files']);

function parseForm(text: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    if (JSON_FIELDS.has(name)) {
      try {
        body[name] = JSON.parse(value);
        continue;
      } catch {
        // Left as sent: the test sees what the client put on the wire.
      }
    }
    body[name] = value;
  }
  return body;
}

async function readBytes(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readBody(request: IncomingMessage): Promise<string> {
  return (await readBytes(request)).toString('utf8');
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    ...headers,
  });
  response.end(JSON.stringify(body));
}

/** Starts the double on 127.0.0.1 and a free port. */
export async function startSlackDouble(): Promise<SlackDouble> {
  const calls: SlackCall[] = [];
  const faults: SlackFault[] = [];
  let requiredToken: string | undefined;
  const leftChannels = new Set<string>();
  let messages = 0;
  /** The ts of every message this double posted, for chat.update. */
  const issued = new Set<string>();
  const channelIds = new Map<string, string>();
  const stalls = new Set<NodeJS.Timeout>();

  // Slack answers with the channel id even when asked by `#name`.
  const channelId = (channel: string): string => {
    if (!channel.startsWith('#')) {
      return channel;
    }
    let id = channelIds.get(channel);
    if (!id) {
      id = `C${String(channelIds.size + 1).padStart(8, '0')}`;
      channelIds.set(channel, id);
    }
    return id;
  };

  const responses: SlackResponsePost[] = [];
  const sharedFiles: SlackSharedFile[] = [];
  const uploads: { fileId: string; bytes: Buffer }[] = [];
  const pendingFiles = new Map<
    string,
    { filename: string; length: number; bytes?: Buffer }
  >();
  let baseUrl = '';

  const server = createServer(async (request, response) => {
    const path = (request.url ?? '').split('?')[0] ?? '';
    const uploadId = /^\/upload\/v1\/(F\w+)$/.exec(path)?.[1];
    if (uploadId) {
      const bytes = await readBytes(request);
      const pending = pendingFiles.get(uploadId);
      if (!pending || request.method !== 'POST') {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found');
        return;
      }
      pending.bytes = bytes;
      uploads.push({ fileId: uploadId, bytes });
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`OK - ${bytes.length}`);
      return;
    }
    if (path.startsWith('/actions/')) {
      const text = await readBody(request);
      responses.push({
        path,
        body: JSON.parse(text || '{}') as Record<string, unknown>,
        headers: request.headers,
      });
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');
      return;
    }
    const method = (request.url ?? '').replace(/^\/api\//, '').split('?')[0];
    const text = await readBody(request);
    const contentType = request.headers['content-type'] ?? '';
    const body = contentType.includes('application/json')
      ? (JSON.parse(text || '{}') as Record<string, unknown>)
      : parseForm(text);
    calls.push({ method: method ?? '', body, headers: request.headers });

    const fault = faults.shift();
    if (fault?.kind === 'rate-limit') {
      send(
        response,
        429,
        { ok: false, error: 'ratelimited' },
        { 'retry-after': String(fault.retryAfterSeconds) },
      );
      return;
    }
    if (fault?.kind === 'http') {
      send(response, fault.status, { ok: false, error: 'internal_error' });
      return;
    }
    if (fault?.kind === 'platform') {
      send(response, 200, { ok: false, error: fault.error });
      return;
    }
    if (fault?.kind === 'hang') {
      return;
    }
    if (fault?.kind === 'stall') {
      const timer = setTimeout(() => {
        stalls.delete(timer);
        send(response, 200, { ok: false, error: 'stalled' });
      }, fault.ms);
      stalls.add(timer);
      return;
    }

    if (
      requiredToken !== undefined &&
      request.headers.authorization !== `Bearer ${requiredToken}`
    ) {
      send(response, 200, { ok: false, error: 'invalid_auth' });
      return;
    }

    const channel = typeof body.channel === 'string' ? body.channel : '';
    if (method === 'chat.postMessage' || method === 'chat.update') {
      const refusal = slackRefusal(body);
      if (refusal) {
        send(response, 200, refusal);
        return;
      }
      if (
        channel &&
        (leftChannels.has(channel) || leftChannels.has(channelId(channel)))
      ) {
        send(response, 200, { ok: false, error: 'not_in_channel' });
        return;
      }
    }
    if (method === 'chat.postMessage') {
      if (!channel) {
        send(response, 200, { ok: false, error: 'channel_not_found' });
        return;
      }
      if (!body.text && !body.blocks) {
        send(response, 200, { ok: false, error: 'no_text' });
        return;
      }
      messages += 1;
      const ts = `1700000000.${String(messages).padStart(6, '0')}`;
      issued.add(ts);
      send(response, 200, {
        ok: true,
        channel: channelId(channel),
        ts,
        message: { type: 'message', text: body.text, ts },
      });
      return;
    }
    if (method === 'files.getUploadURLExternal') {
      const length = Number(body.length);
      if (typeof body.filename !== 'string' || !body.filename) {
        send(response, 200, { ok: false, error: 'invalid_arguments' });
        return;
      }
      if (!Number.isInteger(length) || length <= 0) {
        send(response, 200, { ok: false, error: 'invalid_arguments' });
        return;
      }
      const fileId = `F${String(pendingFiles.size + 1).padStart(9, '0')}`;
      pendingFiles.set(fileId, { filename: body.filename, length });
      send(response, 200, {
        ok: true,
        upload_url: `${baseUrl}/upload/v1/${fileId}`,
        file_id: fileId,
      });
      return;
    }
    if (method === 'files.completeUploadExternal') {
      const files = Array.isArray(body.files)
        ? (body.files as { id?: unknown; title?: unknown }[])
        : [];
      const target = typeof body.channel_id === 'string' ? body.channel_id : '';
      if (files.length === 0) {
        send(response, 200, { ok: false, error: 'invalid_arguments' });
        return;
      }
      if (target && leftChannels.has(target)) {
        send(response, 200, { ok: false, error: 'not_in_channel' });
        return;
      }
      const shared: SlackSharedFile[] = [];
      for (const file of files) {
        const pending = pendingFiles.get(String(file.id));
        if (!pending?.bytes) {
          send(response, 200, { ok: false, error: 'file_not_found' });
          return;
        }
        shared.push({
          id: String(file.id),
          ...(typeof file.title === 'string' ? { title: file.title } : {}),
          filename: pending.filename,
          length: pending.length,
          bytes: pending.bytes,
          ...(target ? { channel: target } : {}),
          ...(typeof body.thread_ts === 'string'
            ? { threadTs: body.thread_ts }
            : {}),
        });
      }
      sharedFiles.push(...shared);
      send(response, 200, {
        ok: true,
        files: shared.map((f) => ({ id: f.id, title: f.title ?? f.filename })),
      });
      return;
    }
    if (method === 'chat.update') {
      // chat.update names the message by the channel's id and its ts
      // (docs.slack.dev/reference/methods/chat.update): a `#name` is not a
      // channel id, and a ts this double never issued names no message.
      if (!channel || channel.startsWith('#')) {
        send(response, 200, { ok: false, error: 'channel_not_found' });
        return;
      }
      if (typeof body.ts !== 'string' || !issued.has(body.ts)) {
        send(response, 200, { ok: false, error: 'message_not_found' });
        return;
      }
      send(response, 200, {
        ok: true,
        channel: channelId(channel),
        ts: body.ts,
        text: body.text,
      });
      return;
    }
    send(response, 200, { ok: false, error: 'unknown_method' });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    sharedFiles,
    uploads,
    responses,
    responseUrl(id = '1') {
      return `http://127.0.0.1:${port}/actions/T0TEAM/${id}/response-secret`;
    },
    failNext(count, fault) {
      for (let i = 0; i < count; i += 1) {
        faults.push(fault);
      }
    },
    requireToken(token) {
      requiredToken = token;
    },
    leaveChannel(channel) {
      leftChannels.add(channel);
    },
    knowMessage(ts) {
      issued.add(ts);
    },
    async close() {
      for (const timer of stalls) {
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
